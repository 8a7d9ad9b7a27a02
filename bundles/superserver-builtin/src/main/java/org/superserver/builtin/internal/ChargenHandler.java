package org.superserver.builtin.internal;

import io.netty.channel.Channel;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * The character generator (RFC 864) over TCP and UDP, registered as handler {@code chargen}. Every
 * connection shares one precomputed pattern; each bound datagram socket counts its own lines.
 */
@Component(property = Handler.NAME_PROPERTY + "=chargen")
public final class ChargenHandler implements Handler {

    private final ChargenPattern pattern = ChargenPattern.create();
    private final ChargenStreamHandler stream = new ChargenStreamHandler(pattern);

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
        channel.pipeline().addLast(new ChargenDatagramHandler(pattern));
    }
}
