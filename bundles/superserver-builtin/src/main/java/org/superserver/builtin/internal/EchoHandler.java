package org.superserver.builtin.internal;

import io.netty.channel.Channel;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** The echo service (RFC 862) over TCP and UDP, registered as handler {@code echo}. */
@Component(property = Handler.NAME_PROPERTY + "=echo")
public final class EchoHandler implements Handler {

    private final EchoStreamHandler stream = new EchoStreamHandler();
    private final EchoDatagramHandler datagram = new EchoDatagramHandler();

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
