package org.superserver.builtin.internal;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.superserver.api.DatagramAnswer;
import org.superserver.api.Handler;
import org.superserver.api.StreamAnswer;

/**
 * The echo service (RFC 862) over TCP and UDP, registered as handler {@code echo}. As a {@link
 * DatagramAnswer} it lets the core answer datagrams without a pipeline, as {@link
 * EchoDatagramHandler} does in one; as a {@link StreamAnswer}, it lets the core hold connections
 * without a channel and send back what they send, as {@link EchoStreamHandler} does in a pipeline.
 */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=echo")
public final class EchoHandler extends TcpAndUdpHandler implements DatagramAnswer, StreamAnswer {

    @Activate
    public EchoHandler(@Reference DatagramGuard guard) {
        super(guard, new EchoStreamHandler(), shared(new EchoDatagramHandler(guard)));
    }

    @Override
    public boolean answer(ByteBuffer request, InetSocketAddress sender, InetSocketAddress local, ByteBuffer reply) {
        int size = request.remaining();
        if (!guard().admits(local, sender) || !guard().charge(local, sender, size, size)) {
            return false;
        }
        reply.put(request);
        return true;
    }

    /** Every byte read goes back as it came. */
    @Override
    public ByteBuffer answer(ByteBuffer read) {
        return read;
    }
}
