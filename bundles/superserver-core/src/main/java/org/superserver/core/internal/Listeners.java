package org.superserver.core.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * Binds and closes listening sockets. A stream listener accepts on the shared accept thread and
 * serves each connection on a worker; a datagram listener is one socket on a worker. Closing a
 * listener never closes the connections it accepted.
 */
final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    /** The handler serving an accepted connection, so a departing handler's connections can be found. */
    static final AttributeKey<Handler> HANDLER = AttributeKey.valueOf(Listeners.class, "handler");

    private static final long BIND_TIMEOUT_SECONDS = 10;

    private final Transport transport;
    private final Settings settings;
    private final PolicyChain policies;
    private final ChannelGroup everyConnection;

    /**
     * @param everyConnection receives every accepted connection, across all listeners
     */
    Listeners(Transport transport, Settings settings, PolicyChain policies, ChannelGroup everyConnection) {
        this.transport = transport;
        this.settings = settings;
        this.policies = policies;
        this.everyConnection = everyConnection;
    }

    /**
     * Binds a socket for {@code definition}, served by {@code handler}. Waits for the bind (a local
     * operation); never called on an event loop.
     *
     * @throws Exception naming the cause when the socket cannot be bound or the handler refuses it
     */
    Binding bind(ServiceDefinition definition, Handler handler) throws Exception {
        if (!handler.supports(definition.socketType())) {
            throw new IllegalArgumentException("handler " + definition.handler() + " does not serve "
                    + definition.socketType().configName() + " sockets");
        }
        List<InetSocketAddress> candidates = Addresses.candidates(definition, Addresses.ipv6Usable());
        Binding binding = new Binding(definition, handler);
        Exception failure = null;
        for (InetSocketAddress address : candidates) {
            try {
                Channel channel = definition.socketType() == SocketType.STREAM
                        ? bindStream(binding, address) : bindDatagram(binding, address);
                binding.bound(channel);
                return binding;
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure;
    }

    /** Closes the listening socket, leaving its accepted connections open; waits briefly for it. */
    void close(Binding binding) {
        Channel channel = binding.channel();
        if (channel != null) {
            channel.close().awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private Channel bindStream(Binding binding, InetSocketAddress address) throws Exception {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.boss(), transport.workers())
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, settings.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(settings.writeBufferLow(), settings.writeBufferHigh()))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        accepted(binding, channel);
                    }
                });
        return await(bootstrap.bind(address));
    }

    private void accepted(Binding binding, Channel channel) {
        binding.countAccepted();
        binding.connections().add(channel);
        channel.attr(HANDLER).set(binding.handler());
        everyConnection.add(channel);
        if (LOG.isDebugEnabled()) {
            logConnection(binding, channel);
        }
        channel.pipeline().addLast(new StreamDispatcher(binding, policies));
    }

    private static void logConnection(Binding binding, Channel channel) {
        ServiceDefinition definition = binding.definition();
        String from = Addresses.format((InetSocketAddress) channel.remoteAddress());
        long start = System.nanoTime();
        TrafficCounter traffic = new TrafficCounter();
        channel.pipeline().addLast(traffic);
        LOG.debug("CONNECT service={} protocol={} from={}", definition.name(), definition.protocol().configName(),
                from);
        channel.closeFuture().addListener(f -> LOG.debug(
                "DISCONNECT service={} protocol={} from={} duration={}ms in={} out={}", definition.name(),
                definition.protocol().configName(), from, (System.nanoTime() - start) / 1_000_000L, traffic.in(),
                traffic.out()));
    }

    private Channel bindDatagram(Binding binding, InetSocketAddress address) throws Exception {
        Bootstrap bootstrap = new Bootstrap()
                .group(transport.workers())
                .channel(transport.datagramChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(settings.writeBufferLow(), settings.writeBufferHigh()))
                .handler(new DatagramDispatcher(binding, policies));
        Channel channel = await(bootstrap.bind(address));
        Future<?> init = channel.eventLoop().submit(() -> {
            binding.handler().initDatagram(channel, binding.definition());
            channel.config().setAutoRead(true);
            return null;
        });
        if (!init.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || !init.isSuccess()) {
            channel.close().awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Throwable cause = init.cause();
            throw new IllegalStateException("handler " + binding.definition().handler()
                    + " failed to set up the datagram socket: " + (cause == null ? "timed out" : cause), cause);
        }
        return channel;
    }

    private static Channel await(ChannelFuture future) throws Exception {
        if (!future.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            future.channel().close();
            throw new IllegalStateException("bind did not complete within " + BIND_TIMEOUT_SECONDS + " s");
        }
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw new IllegalStateException(cause);
        }
        return future.channel();
    }
}
