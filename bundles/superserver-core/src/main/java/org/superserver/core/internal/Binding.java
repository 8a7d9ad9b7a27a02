package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;

/**
 * One bound socket serving one service with one handler: the listening (or datagram) channel, the
 * definition new connections get, and the counters the status reports.
 */
final class Binding {

    private final Handler handler;
    private final AtomicLong accepted = new AtomicLong();
    private final ChannelGroup connections;
    private volatile ServiceDefinition definition;
    private volatile Channel channel;
    private volatile boolean handlerGone;

    Binding(ServiceDefinition definition, Handler handler) {
        this.definition = definition;
        this.handler = handler;
        this.connections = new DefaultChannelGroup(definition.id(), GlobalEventExecutor.INSTANCE);
    }

    Handler handler() {
        return handler;
    }

    /** The definition new connections (or datagrams) are served with. */
    ServiceDefinition definition() {
        return definition;
    }

    /** Serves new connections with {@code next}; the socket stays bound. */
    void swap(ServiceDefinition next) {
        this.definition = next;
    }

    Channel channel() {
        return channel;
    }

    void bound(Channel bound) {
        this.channel = bound;
    }

    /** The address actually bound (the real port when the definition asked for 0), or {@code null}. */
    InetSocketAddress boundAddress() {
        Channel c = channel;
        return c == null ? null : (InetSocketAddress) c.localAddress();
    }

    /** Counts one accepted connection or received datagram. */
    void countAccepted() {
        accepted.incrementAndGet();
    }

    long accepted() {
        return accepted.get();
    }

    /** The open stream connections accepted by this socket. */
    ChannelGroup connections() {
        return connections;
    }

    /** Marks the handler as gone: connections still being accepted are closed, not dispatched. */
    void handlerGone() {
        handlerGone = true;
    }

    boolean isHandlerGone() {
        return handlerGone;
    }
}
