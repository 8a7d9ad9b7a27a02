package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.AttributeKey;
import java.util.function.Supplier;

/**
 * Stops a {@code nowait} exec'd stream listener from accepting while its service runs {@code
 * instances} servers, or the core {@code children.max}: clients then wait in the listen backlog
 * instead of being accepted and dropped. Sits on the listening channel, before Netty's acceptor:
 * every accepted connection gets a {@link Binding.Slot} ({@link #SLOT}), given back when it is
 * closed without a child; when no slot is left, reading (accepting) stops until one is given back.
 * A connection accepted in the same batch as the last slot is held here (not dropped) and handed
 * on first. The episode ({@link Binding#limited}) ends once the listener accepts again with no
 * connection left waiting in its backlog. A connection that needs no pipeline is served here, on
 * the accepting thread ({@link ExecDispatcher#serveOnAccept}). Runs on the listener's event loop only.
 */
final class AcceptGate extends ChannelInboundHandlerAdapter {

    /** The slot an accepted connection holds until its child takes it over or the connection closes. */
    static final AttributeKey<Binding.Slot> SLOT = AttributeKey.valueOf(AcceptGate.class, "slot");

    private final Binding binding;
    private final Supplier<Launcher> launcher;
    private final PolicyChain policies;
    private ChannelHandlerContext ctx;
    private Channel held;
    private boolean paused;

    /**
     * @param launcher starts the children of the connections served on the accepting thread, or
     *                 {@code null} when every connection goes to a worker's pipeline
     * @param policies the access policies of the connections served on the accepting thread
     */
    AcceptGate(Binding binding, Supplier<Launcher> launcher, PolicyChain policies) {
        this.binding = binding;
        this.launcher = launcher;
        this.policies = policies;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        binding.onRoom(() -> {
            try {
                context.executor().execute(this::room);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the event loops are shutting down: nothing is accepted any more
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!(msg instanceof Channel)) {
            context.fireChannelRead(msg);
            return;
        }
        Channel connection = (Channel) msg;
        if (held != null || !pass(connection)) {
            if (held == null) {
                held = connection;
            } else {
                connection.close(); // cannot happen: reading stops as the limit is reached
            }
            pause(binding.full());
            return;
        }
        String limit = binding.full();
        if (limit != null) {
            pause(limit);
        }
    }

    private boolean pass(Channel connection) {
        Binding.Slot slot = binding.reserve();
        if (slot == null) {
            return false;
        }
        if (launcher != null && ExecDispatcher.servesOnAccept(binding, connection)) {
            ExecDispatcher.serveOnAccept(binding, policies, launcher.get(), connection, slot, ctx.executor());
            return true;
        }
        connection.attr(SLOT).set(slot);
        connection.closeFuture().addListener(f -> slot.release());
        ctx.fireChannelRead(connection);
        return true;
    }

    private void pause(String limit) {
        ctx.channel().config().setAutoRead(false);
        paused = true;
        binding.limited(limit == null ? "children.max" : limit);
        if (!"instances".equals(limit)) {
            binding.whenCoreHasRoom();
        }
    }

    /** A slot was given back: hand on the held connection, then accept again if there is still room. */
    private void room() {
        if (!paused) {
            return;
        }
        if (!ctx.channel().isOpen()) {
            dropHeld();
            return;
        }
        if (held != null) {
            Channel next = held;
            held = null;
            if (!pass(next)) {
                held = next;
                pause(binding.full());
                return;
            }
        }
        String limit = binding.full();
        if (limit != null) {
            pause(limit);
            return;
        }
        paused = false;
        ctx.channel().config().setAutoRead(true);
        endEpisodeIfDrained();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        endEpisodeIfDrained();
        context.fireChannelReadComplete();
    }

    /** Ends the episode when accepting and no connection waits in the backlog. */
    private void endEpisodeIfDrained() {
        if (paused || binding.limited() == null) {
            return;
        }
        if (!(ctx.channel() instanceof UnixChannel channel) || !WaitService.pending(channel.fd().intValue())) {
            binding.limited(null);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        dropHeld();
        context.fireChannelInactive();
    }

    private void dropHeld() {
        if (held != null) {
            held.close();
            held = null;
        }
    }
}
