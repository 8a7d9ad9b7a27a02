package org.superserver.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.time.Instant;
import org.superserver.api.ServiceDefinition;

/**
 * One open connection served in process (or relayed): its number, when it was accepted, and the
 * bytes it has carried. It sits first in the connection's pipeline, so it sees the bytes as they
 * cross the socket; the counts are plain fields, touched on the connection's event loop only, and
 * added to the service's totals ({@link Occupancy}) once, when the connection closes. It is what
 * the status lists, what {@code inetd:kill} finds by number, what the duration histogram counts
 * when it closes, and what the EXIT and DISCONNECT
 * lines take their byte counts from.
 */
final class LiveConnection extends ChannelDuplexHandler {

    /** The name of this handler in the pipeline. */
    static final String NAME = "superserver-connection";

    private final long id;
    private final Instant accepted;
    private final long acceptedNanos;
    private final ServiceDefinition definition;
    private final Occupancy occupancy;
    private long in;
    private long out;

    LiveConnection(long id, ServiceDefinition definition, Occupancy occupancy) {
        this.id = id;
        this.accepted = Instant.now();
        this.acceptedNanos = System.nanoTime();
        this.definition = definition;
        this.occupancy = occupancy;
    }

    /** The connection's tracker, or {@code null} when it has none (an exec'd service's connection). */
    static LiveConnection of(Channel channel) {
        return channel.attr(Listeners.CONNECTION).get();
    }

    long id() {
        return id;
    }

    Instant accepted() {
        return accepted;
    }

    /** The definition the connection was accepted with. */
    ServiceDefinition definition() {
        return definition;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        in += size(msg);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        out += size(msg);
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Relay relay = relay(ctx.channel());
        if (occupancy != null) {
            occupancy.bytesIn.addAndGet(relay == null ? in : Math.max(in, relay.in()));
            occupancy.bytesOut.addAndGet(relay == null ? out : Math.max(out, relay.out()));
            occupancy.durations.record(System.nanoTime() - acceptedNanos);
        }
        ctx.fireChannelInactive();
    }

    /** Bytes read from the client so far (a relay's own count when it moved them by splice). */
    long in(Channel channel) {
        Relay relay = relay(channel);
        return relay == null ? in : Math.max(in, relay.in());
    }

    /** Bytes written to the client so far. */
    long out(Channel channel) {
        Relay relay = relay(channel);
        return relay == null ? out : Math.max(out, relay.out());
    }

    /** The relay of a {@code redirect} connection, which counts what it splices; {@code null} for any other. */
    private Relay relay(Channel channel) {
        return definition.isRedirect() ? Relay.of(channel) : null;
    }

    long in() {
        return in;
    }

    long out() {
        return out;
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf) {
            return ((ByteBuf) msg).readableBytes();
        }
        if (msg instanceof ByteBufHolder) {
            return ((ByteBufHolder) msg).content().readableBytes();
        }
        return 0;
    }
}
