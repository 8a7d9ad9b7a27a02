package org.superserver.builtin.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.util.function.Supplier;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * What every built-in does alike: it serves both socket types, adding one shared Netty handler
 * to each accepted connection and one handler per bound datagram socket.
 */
abstract class TcpAndUdpHandler implements Handler {

    private final ChannelHandler stream;
    private final Supplier<ChannelHandler> datagram;

    /**
     * @param stream the {@code @Sharable} handler of every accepted connection
     * @param datagram gives the handler of each bound datagram socket (shared or one per socket)
     */
    TcpAndUdpHandler(ChannelHandler stream, Supplier<ChannelHandler> datagram) {
        this.stream = stream;
        this.datagram = datagram;
    }

    /** One handler shared by every datagram socket (it keeps no per-socket state). */
    static Supplier<ChannelHandler> shared(ChannelHandler handler) {
        return () -> handler;
    }

    @Override
    public final boolean supports(SocketType socketType) {
        return socketType == SocketType.STREAM || socketType == SocketType.DGRAM;
    }

    @Override
    public final void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
        channel.pipeline().addLast(stream);
    }

    @Override
    public final void initDatagram(Channel channel, ServiceDefinition definition) {
        channel.pipeline().addLast(datagram.get());
    }
}
