package org.superserver.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;

/**
 * One relayed connection: the client's channel and the target's, on one event loop, each with a
 * {@link Pump} that writes what it reads to the other.
 *
 * <ul>
 *   <li><b>Backpressure.</b> A side stops reading while the other side's outbound buffer is above
 *       its high water mark ({@code write.buffer.high}) and reads again once it is below the low
 *       one, so a connection holds at most about the high mark plus one read per direction, however
 *       fast one end sends and however slowly the other reads.</li>
 *   <li><b>Half-close.</b> An end of stream from one side (a FIN) becomes, once what came before it
 *       is written, a {@code shutdownOutput} towards the other; the relay keeps carrying the other
 *       direction until it ends too, then closes both. (xinetd closes both sockets on the first end
 *       of stream, cutting off an answer still on its way.)</li>
 *   <li><b>Close.</b> A side that is reset or fails closes the other once what is already read for
 *       it is written.</li>
 *   <li><b>Log.</b> One line when both are closed: {@code RELAY service=... from=client to=target
 *       in=bytes from the client out=bytes to the client duration=...ms}.</li>
 * </ul>
 */
final class Relay {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    /** The name of the client side's handler in the client's pipeline. */
    static final String NAME = "relay";

    private final Channel client;
    private final long accepted = System.nanoTime();
    private final Pump clientSide = new Pump(true);
    private final Pump targetSide = new Pump(false);
    private final List<ByteBuf> early = new ArrayList<>();
    private boolean clientEndedEarly;
    private boolean spliced;
    private ServiceDefinition definition;
    private InetSocketAddress address;
    private Channel target;
    private long in;
    private long out;
    private int directionsDone;
    private int closed;

    /**
     * Prepares {@code client}, as it is accepted, to be relayed: with half-closure allowed, and
     * with the relay's handler at the end of its pipeline to keep what the transport reads before
     * the target is connected (epoll reads a client's last bytes and its end of stream as soon as
     * they come, even while reading is off).
     */
    static void prepare(Channel client) {
        client.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        client.pipeline().addLast(NAME, new Relay(client).clientSide);
    }

    /** The relay that {@link #prepare} set up for {@code client}, or {@code null}. */
    static Relay of(Channel client) {
        return client.pipeline().get(NAME) instanceof Pump pump ? pump.relay() : null;
    }

    private Relay(Channel client) {
        this.client = client;
    }

    /** The handler of the target's channel, set before it connects to {@code address}. */
    Pump target(ServiceDefinition served, InetSocketAddress to) {
        this.definition = served;
        this.address = to;
        return targetSide;
    }

    /**
     * Starts relaying once the target is connected; on the event loop of both channels.
     *
     * @param splice whether to move the bytes with {@code splice(2)} where both channels allow it
     */
    void start(Channel connected, boolean splice) {
        this.target = connected;
        if (!client.isActive()) {
            target.close();
            return;
        }
        client.config().setOption(ChannelOption.TCP_NODELAY, true);
        client.closeFuture().addListener(f -> closed());
        target.closeFuture().addListener(f -> closed());
        for (ByteBuf buf : early) {
            in += buf.readableBytes();
            target.write(buf, target.voidPromise());
        }
        early.clear();
        target.flush();
        if (splice && Splice.possible(client, target)) {
            spliced = true;
            if (!clientEndedEarly) {
                Splice.start(client, target).addListener(f -> spliceEnded(f.cause()));
            }
            Splice.start(target, client).addListener(f -> spliceEnded(f.cause()));
        }
        if (clientEndedEarly) {
            inputEnded(true);
        } else {
            client.config().setAutoRead(true);
        }
        target.config().setAutoRead(true);
    }

    private Channel peer(boolean fromClient) {
        return fromClient ? target : client;
    }

    /** A splice that failed (not one ended by a close) ends the relay. */
    private void spliceEnded(Throwable cause) {
        if (cause != null && !(cause instanceof java.nio.channels.ClosedChannelException)) {
            LOG.debug("RELAY service={} error=splice: {}", definition.name(), cause.toString());
            closeBoth();
        }
    }

    /** In splice mode, takes the byte counts from the kernel while both sockets are open. */
    private void count() {
        if (!spliced) {
            return;
        }
        in = Math.max(in, Splice.received(client, inputEnded(client)));
        out = Math.max(out, Splice.received(target, inputEnded(target)));
    }

    /** One side's end of stream: forward it as a FIN once everything before it is written. */
    private void inputEnded(boolean fromClient) {
        count();
        Channel to = peer(fromClient);
        if (spliced) {
            ByteBuf rest = Splice.rest(peer(!fromClient));
            if (rest.isReadable()) {
                to.write(rest, to.voidPromise()); // counted by the kernel already
            } else {
                rest.release();
            }
        }
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (!f.isSuccess() || !(to instanceof DuplexChannel duplex)) {
                closeBoth();
                return;
            }
            duplex.shutdownOutput().addListener(g -> {
                if (!g.isSuccess() || ++directionsDone == 2) {
                    closeBoth();
                }
            });
        });
    }

    /** A side is closed: the other is closed once what was read for it is written. */
    private void sideClosed(boolean fromClient) {
        count();
        Channel other = peer(fromClient);
        if (other != null && other.isOpen()) {
            other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Whether {@code side} has read its end of stream (and so must never be asked to read again). */
    private static boolean inputEnded(Channel side) {
        return side instanceof DuplexChannel duplex && duplex.isInputShutdown();
    }

    private void closeBoth() {
        count();
        client.close();
        if (target != null) {
            target.close();
        }
    }

    private void closed() {
        if (++closed < 2) {
            return;
        }
        LOG.info("RELAY service={} protocol={} from={} to={} in={} out={} duration={}ms copy={}", definition.name(),
                definition.protocol().configName(), Addresses.format((InetSocketAddress) client.remoteAddress()),
                Addresses.format(address), in, out, (System.nanoTime() - accepted) / 1_000_000L,
                spliced ? "splice" : "buffers");
    }

    /** Bytes read from the client so far. */
    long in() {
        return in;
    }

    /** Bytes read from the target (and written to the client) so far. */
    long out() {
        return out;
    }

    /** Moves what one side reads to the other, stopping while the other cannot take more. */
    final class Pump extends ChannelInboundHandlerAdapter {

        private final boolean fromClient;

        Pump(boolean fromClient) {
            this.fromClient = fromClient;
        }

        Relay relay() {
            return Relay.this;
        }

        @Override
        public boolean isSharable() {
            return false;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel to = peer(fromClient);
            if (!(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (to == null) {
                early.add(buf); // before the target is connected: at most what one read event brings
                return;
            }
            if (spliced) {
                // bytes read before the splice took over (counted by the kernel as well)
            } else if (fromClient) {
                in += buf.readableBytes();
            } else {
                out += buf.readableBytes();
            }
            to.write(buf, to.voidPromise());
            if (!to.isWritable()) {
                // first stop, then flush: a flush that empties the buffer turns reading on again
                ctx.channel().config().setAutoRead(false);
                to.flush();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            count();
            Channel to = peer(fromClient);
            if (to != null) {
                to.flush();
            }
        }

        /** This side can take more again: let the other side read. */
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            Channel from = peer(fromClient);
            // while splicing, Netty stops and resumes the reading side itself
            if (!spliced && ctx.channel().isWritable() && from != null && from.isActive() && !inputEnded(from)) {
                from.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                if (peer(fromClient) != null) {
                    inputEnded(fromClient);
                } else {
                    clientEndedEarly = true;
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            sideClosed(fromClient);
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            early.forEach(ReferenceCountUtil::release);
            early.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("RELAY service={} side={} error={}", definition == null ? "-" : definition.name(),
                    fromClient ? "client" : "target", cause.toString());
            ctx.close();
        }
    }
}
