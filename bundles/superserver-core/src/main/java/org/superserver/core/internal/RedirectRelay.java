package org.superserver.core.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.AddressLiterals;
import org.superserver.api.ServiceDefinition;

/**
 * xinetd's {@code redirect = host port}: each accepted connection, once the limits and access
 * policies have let its client in, is relayed to the definition's target in process, with no
 * child. The target's name is looked up off the event loop (a literal address is used as it is),
 * the connection to it is made from the client's own event loop with a {@value
 * #CONNECT_TIMEOUT_MILLIS} ms timeout, and a target that cannot be reached is logged ({@code
 * RELAY ... error=...}) and the client closed. The bytes themselves are moved by a {@link Relay}.
 *
 * <p>As xinetd does, both sockets get {@code TCP_NODELAY} (a relay must not add Nagle's delay to an
 * interactive protocol) and the target's socket {@code SO_KEEPALIVE} when the definition asks for
 * it. Unlike xinetd, which looks the name up once at start and keeps the first address until it
 * restarts, the name is looked up for each connection (the JVM caches answers for 30 s).
 *
 * <p>With {@value #SPLICE_PROPERTY}{@code =true} and the epoll transport the bytes are moved by
 * {@code splice(2)} ({@link Splice}) instead of through buffers; off by default (see {@link
 * #spliceWanted}).
 */
final class RedirectRelay {

    private static final Logger LOG = LoggerFactory.getLogger(RedirectRelay.class);

    /** The framework property that turns splicing on ({@code true}). */
    static final String SPLICE_PROPERTY = "superserver.redirect.splice";

    /** How long a connection to the target may take before the client is given up. */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Transport transport;
    private final boolean splice;

    /** @param splice whether relayed bytes go through {@code splice(2)} where the transport allows */
    RedirectRelay(Transport transport, boolean splice) {
        this.transport = transport;
        this.splice = splice;
    }

    /**
     * Whether relayed bytes go through {@code splice(2)} on epoll: the framework (or system)
     * property {@value #SPLICE_PROPERTY}, {@code false} unless set to {@code true}. Off by default:
     * measured on loopback it moved no more bytes per second than the buffered copy and cut
     * connections per second by more than half (two pipes per connection), see the README.
     */
    static boolean spliceWanted() {
        return Boolean.parseBoolean(FrameworkProperty.get(SPLICE_PROPERTY));
    }

    /** Prepares a client of a redirect service as it is accepted, before its access is decided. */
    void accepted(Channel client) {
        Relay.prepare(client);
    }

    /**
     * Relays {@code client} (not reading: auto-read is off until the target is connected) to the
     * target of {@code definition}. Returns at once; called on the client's event loop.
     */
    void relay(Channel client, ServiceDefinition definition) {
        client.config().setAutoRead(false);
        Relay relay = Relay.of(client);
        if (relay == null) {
            client.close();
            return;
        }
        String to = definition.redirectHost() + ":" + definition.redirectPort();
        target(definition).whenComplete((address, failure) -> {
            try {
                client.eventLoop().execute(() -> {
                    if (failure != null) {
                        failed(client, definition, to, failure);
                    } else if (client.isActive()) {
                        connect(client, relay, definition, address);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                client.close();
            }
        });
    }

    /** The target's address: a literal at once, a name through a look-up thread. */
    private CompletableFuture<InetSocketAddress> target(ServiceDefinition definition) {
        String host = definition.redirectHost();
        int port = definition.redirectPort();
        java.util.Optional<InetAddress> literal = AddressLiterals.parse(host);
        if (literal.isPresent()) {
            return CompletableFuture.completedFuture(new InetSocketAddress(literal.get(), port));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return new InetSocketAddress(InetAddress.getByName(host), port);
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("cannot resolve " + host + ": " + e.getMessage());
                }
            }, transport.lookups());
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("too many name look-ups waiting ("
                    + Transport.LOOKUP_QUEUE + ")"));
        }
    }

    private void connect(Channel client, Relay relay, ServiceDefinition definition, InetSocketAddress address) {
        ChannelFuture connecting = new Bootstrap()
                .group(client.eventLoop())
                .channelFactory(() -> transport.newSocketChannel(address))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, definition.keepAlive())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, client.config().getWriteBufferWaterMark())
                .handler(relay.target(definition, address))
                .connect(address);
        Channel target = connecting.channel();
        // a client that leaves while the target is being reached takes the attempt with it
        client.closeFuture().addListener(f -> {
            if (!connecting.isDone()) {
                target.close();
            }
        });
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                relay.start(target, splice);
            } else {
                failed(client, definition, Addresses.format(address), f.cause());
            }
        });
    }

    private static void failed(Channel client, ServiceDefinition definition, String to, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (client.isActive()) {
            LOG.warn("RELAY service={} protocol={} from={} to={} origin={} error=cannot reach the target: {};"
                            + " connection closed", definition.name(), definition.protocol().configName(),
                    Addresses.format((InetSocketAddress) client.remoteAddress()), to, definition.origin(), why);
        }
        client.close();
    }
}
