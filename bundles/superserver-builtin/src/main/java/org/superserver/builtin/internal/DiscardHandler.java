package org.superserver.builtin.internal;

import io.netty.channel.Channel;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** The discard service (RFC 863) over TCP and UDP, registered as handler {@code discard}. */
@Component(property = Handler.NAME_PROPERTY + "=discard")
public final class DiscardHandler implements Handler {

    private final DiscardStreamHandler stream = new DiscardStreamHandler();
    private final DiscardDatagramHandler datagram = new DiscardDatagramHandler();

    @Override
    public boolean supports(SocketType socketType) {
        return socketType == SocketType.STREAM || socketType == SocketType.DGRAM;
    }

    @Override
    public void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
        channel.pipeline().addLast(stream);
    }

    @Override
    public void initDatagram(Channel channel, ServiceDefinition definition) {
        channel.pipeline().addLast(datagram);
    }
}
