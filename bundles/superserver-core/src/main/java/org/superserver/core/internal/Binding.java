package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;

/**
 * One bound socket serving one service, with a handler or a server program: the listening (or
 * datagram) channel, the definition new connections get, the rate limit and the counters the
 * status reports.
 */
final class Binding {

    private final Handler handler;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicInteger children = new AtomicInteger();
    private final ChannelGroup connections;
    private final AtomicBoolean overloaded = new AtomicBoolean();
    private final Consumer<Binding> onOverload;
    private volatile ServiceDefinition definition;
    private volatile Program program;
    private volatile RateLimit rateLimit;
    private volatile Channel channel;
    private volatile boolean handlerGone;
    private volatile String busy;
    private volatile String warning;
    private volatile WaitService waitService;

    /**
     * @param handler the in-process handler, or {@code null} for an exec'd service
     * @param program the exec'd server, or {@code null} for an in-process service
     * @param onOverload told once when the rate limit trips
     */
    Binding(ServiceDefinition definition, Handler handler, Program program, Consumer<Binding> onOverload) {
        this.definition = definition;
        this.handler = handler;
        this.program = program;
        this.onOverload = onOverload;
        this.rateLimit = new RateLimit(definition.maxPerMinute());
        this.connections = new DefaultChannelGroup(definition.id(), GlobalEventExecutor.INSTANCE);
    }

    Binding(ServiceDefinition definition, Handler handler) {
        this(definition, handler, null, b -> { });
    }

    Handler handler() {
        return handler;
    }

    /** The exec'd server of new connections, or {@code null} for an in-process service. */
    Program program() {
        return program;
    }

    /** The definition new connections (or datagrams) are served with. */
    ServiceDefinition definition() {
        return definition;
    }

    /** Serves new connections with {@code next}; the socket stays bound. */
    void swap(ServiceDefinition next) {
        swap(next, program);
    }

    /** Serves new connections with {@code next} and its prepared {@code nextProgram}. */
    void swap(ServiceDefinition next, Program nextProgram) {
        if (next.maxPerMinute() != definition.maxPerMinute()) {
            rateLimit = new RateLimit(next.maxPerMinute());
        }
        this.program = nextProgram;
        this.definition = next;
    }

    /**
     * Counts one invocation against the rate limit. False when it is one too many: the caller
     * refuses it, and the first refusal tells the registry to pause the service.
     */
    boolean admit() {
        if (rateLimit.admit(System.nanoTime())) {
            return true;
        }
        if (overloaded.compareAndSet(false, true)) {
            onOverload.accept(this);
        }
        return false;
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

    /** Counts a started (+1) or reaped (-1) child. */
    void children(int delta) {
        children.addAndGet(delta);
    }

    /** Children started for this socket and not reaped yet. */
    int children() {
        return children.get();
    }

    /** Marks the handler as gone: connections still being accepted are closed, not dispatched. */
    void handlerGone() {
        handlerGone = true;
    }

    boolean isHandlerGone() {
        return handlerGone;
    }

    /** Why the socket is not being watched now (a wait service's server has it), or {@code null}. */
    String busy() {
        return busy;
    }

    void busy(String why) {
        this.busy = why;
    }

    /** A problem that does not stop the listener (a missing server program), or {@code null}. */
    String warning() {
        return warning;
    }

    void warning(String problem) {
        this.warning = problem;
    }

    WaitService waitService() {
        return waitService;
    }

    void waitService(WaitService service) {
        this.waitService = service;
    }
}
