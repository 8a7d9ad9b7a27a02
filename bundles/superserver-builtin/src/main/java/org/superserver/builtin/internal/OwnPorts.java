package org.superserver.builtin.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local ports of the datagram sockets the built-ins serve right now, whatever address each is
 * bound to: a datagram from one of them may be one of our own replies (or a forged copy), and
 * answering it would start an endless exchange between two of our services. A port joins the set
 * when its socket is bound and leaves it when the last socket on it closes. One instance is shared
 * by every handler component of the bundle through {@link DatagramGuard}.
 */
final class OwnPorts {

    /** Port to the number of open sockets bound to it (one port may be bound on several addresses). */
    private final ConcurrentHashMap<Integer, Integer> sockets = new ConcurrentHashMap<>();
    private final BindWatcher bindWatcher = new BindWatcher();

    /** Counts {@code socket}'s port from now until it closes; a socket not yet bound is counted once it is. */
    void track(Channel socket) {
        if (!count(socket)) {
            socket.pipeline().addFirst(bindWatcher);
        }
    }

    /** Whether {@code port} is the local port of a datagram socket the built-ins serve. */
    boolean contains(int port) {
        return sockets.containsKey(port);
    }

    private boolean count(Channel socket) {
        SocketAddress local = socket.localAddress();
        if (!(local instanceof InetSocketAddress) || ((InetSocketAddress) local).getPort() == 0) {
            return false;
        }
        int port = ((InetSocketAddress) local).getPort();
        sockets.merge(port, 1, Integer::sum);
        socket.closeFuture().addListener(f -> sockets.computeIfPresent(port, (p, n) -> n == 1 ? null : n - 1));
        return true;
    }

    /** Counts a socket's port once the socket is bound (active), then leaves its pipeline. */
    @Sharable
    private final class BindWatcher extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (count(ctx.channel())) {
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelActive();
        }
    }
}
