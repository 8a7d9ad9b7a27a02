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
 * to each accepted connection and one handler per bound datagram socket, whose port the
 * {@link DatagramGuard} counts among our own while it is open.
 */
abstract class TcpAndUdpHandler implements Handler {

    private final DatagramGuard guard;
    private final ChannelHandler stream;
    private final Supplier<ChannelHandler> datagram;

    /**
     * @param guard the bundle's one guard of datagram replies, which learns each datagram socket's port
     * @param stream the {@code @Sharable} handler of every accepted connection
     * @param datagram gives the handler of each bound datagram socket (shared or one per socket)
     */
    TcpAndUdpHandler(DatagramGuard guard, ChannelHandler stream, Supplier<ChannelHandler> datagram) {
        this.guard = guard;
        this.stream = stream;
        this.datagram = datagram;
    }

    /** The bundle's one guard of datagram replies. */
    final DatagramGuard guard() {
        return guard;
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
        guard.serve(channel);
        channel.pipeline().addLast(datagram.get());
    }
}
