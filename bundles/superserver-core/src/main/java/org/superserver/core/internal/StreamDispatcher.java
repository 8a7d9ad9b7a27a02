package org.superserver.core.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ServiceDefinition;

/**
 * The first handler of an accepted connection: asks the definition's access policies (with reads
 * suspended), then hands the connection to the service's handler and steps aside. A denied client
 * gets the denying decision's banner, if any, and is disconnected before the handler sees it. A
 * client a policy twists is handed, socket and all, to the twist command ({@link Twist}); the
 * handler never sees it. A connection over the service's rate limit is closed at once (and the
 * service paused); one over a limit of the definition ({@link Admission}) gets its {@code
 * banner_fail} and is closed ({@link Refusal}) before any policy is asked. A served client gets
 * its START line, and its EXIT line when the connection closes ({@link ConnectionLog}). An allowed
 * client of a {@code redirect} service goes to the {@link RedirectRelay}.
 */
final class StreamDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(StreamDispatcher.class);

    private final Binding binding;
    private final PolicyChain policies;
    private final Supplier<Launcher> launcher;
    private final RedirectRelay redirect;

    /** @param launcher starts twist commands (asked for only when a policy twists) */
    StreamDispatcher(Binding binding, PolicyChain policies, Supplier<Launcher> launcher) {
        this(binding, policies, launcher, null);
    }

    /** @param redirect relays the allowed clients of a {@code redirect} service, else {@code null} */
    StreamDispatcher(Binding binding, PolicyChain policies, Supplier<Launcher> launcher, RedirectRelay redirect) {
        this.binding = binding;
        this.policies = policies;
        this.launcher = launcher;
        this.redirect = redirect;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (binding.isHandlerGone() || !binding.admit()) {
            ctx.close();
            return;
        }
        ServiceDefinition definition = binding.definition();
        if (!ServedClients.admitted(binding, channel, definition)) {
            return;
        }
        ConnectionInfo connection = Peers.info(definition, channel, Instant.now());
        if (!PolicyChain.guards(definition)) {
            dispatch(ctx, connection, definition, List.of());
            return;
        }
        channel.config().setAutoRead(false);
        policies.check(connection, definition, ctx.executor())
                .thenAccept(verdict -> decided(ctx, connection, definition, verdict));
    }

    private void decided(ChannelHandlerContext ctx, ConnectionInfo connection, ServiceDefinition definition,
                         PolicyChain.Verdict verdict) {
        if (!ctx.channel().isActive() || ctx.isRemoved()) {
            return;
        }
        if (binding.isHandlerGone()) {
            ctx.close();
            return;
        }
        SocketOptions.apply(ctx.channel(), verdict.tuning(), definition, connection.remote());
        if (verdict.twist() != null) {
            twist(ctx, connection, definition, verdict);
            return;
        }
        if (!verdict.allowed()) {
            ServedClients.deniedBy(verdict, binding, definition, connection);
            if (verdict.banners().isEmpty()) {
                ctx.close();
            } else {
                ctx.writeAndFlush(banner(verdict.banners())).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        dispatch(ctx, connection, definition, verdict.banners());
    }

    /** Hands the connection ({@link Handover}) to the twist command. */
    private void twist(ChannelHandlerContext ctx, ConnectionInfo connection, ServiceDefinition definition,
                       PolicyChain.Verdict verdict) {
        int copy = Handover.take(ctx, definition, connection.remote(), "TWIST");
        if (copy < 0) {
            return;
        }
        try {
            Twist.run(launcher.get(), binding, definition, verdict, copy, connection.local(), connection.remote());
        } finally {
            Libc.close(copy);
        }
    }

    private void dispatch(ChannelHandlerContext ctx, ConnectionInfo connection, ServiceDefinition definition,
                          List<String> banners) {
        Channel channel = ctx.channel();
        ServedClients.logServed(channel, binding, definition, connection);
        if (!banners.isEmpty()) {
            ctx.writeAndFlush(banner(banners));
        }
        if (binding.program() != null) { // an exec'd tls = yes service: the child starts after the handshake
            ctx.pipeline().replace(this, "tls-child", new TlsChild(binding, launcher.get()));
            channel.config().setAutoRead(true);
            return;
        }
        if (redirect != null && definition.isRedirect()) {
            ctx.pipeline().remove(this);
            redirect.relay(channel, definition);
            return;
        }
        channel.config().setAutoRead(true);
        try {
            binding.handler().initStream(channel, connection, definition);
        } catch (RuntimeException | LinkageError e) {
            handlerFailed(definition, connection.remote(), e);
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    /** Logs a handler that failed on one connection (which the caller then closes). */
    static void handlerFailed(ServiceDefinition definition, InetSocketAddress remote, Throwable error) {
        LOG.error("HANDLER service={} protocol={} from={} handler={} origin={} error={}", definition.name(),
                definition.protocol().configName(), Addresses.format(remote), definition.handler(),
                definition.origin(), error.toString());
    }

    private static Object banner(List<String> banners) {
        return Unpooled.copiedBuffer(String.join("", banners), StandardCharsets.UTF_8);
    }
}
