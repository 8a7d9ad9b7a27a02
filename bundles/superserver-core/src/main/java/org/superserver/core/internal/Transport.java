package org.superserver.core.internal;

import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Function;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop groups every listener shares (one thread accepting, a pool serving) and the
 * channel classes that go with them: epoll where it is available, NIO otherwise.
 */
final class Transport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    private final String name;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Function<SocketProtocolFamily, ServerChannel> serverChannel;
    private final Function<SocketProtocolFamily, DatagramChannel> datagramChannel;

    private Transport(String name, IoHandlerFactory factory, int workerThreads,
                      Function<SocketProtocolFamily, ServerChannel> serverChannel,
                      Function<SocketProtocolFamily, DatagramChannel> datagramChannel) {
        this.name = name;
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("superserver-accept", true), factory);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads,
                new DefaultThreadFactory("superserver-io", true), factory);
        this.serverChannel = serverChannel;
        this.datagramChannel = datagramChannel;
    }

    /** The transport {@link #start} gives for {@code settings}: {@code epoll} or {@code nio}. */
    static String resolvedName(Settings settings) {
        return !settings.transport().equals("nio") && EpollProbe.unavailabilityCause() == null ? "epoll" : "nio";
    }

    /** Starts the event loops for {@code settings.transport()}. */
    static Transport start(Settings settings) {
        String wanted = settings.transport();
        int threads = settings.effectiveWorkerThreads();
        if (!wanted.equals("nio")) {
            Throwable unavailable = EpollProbe.unavailabilityCause();
            if (unavailable == null) {
                return EpollProbe.transport(threads);
            }
            if (wanted.equals("epoll")) {
                LOG.warn("TRANSPORT epoll is not available here, using nio instead: {}", unavailable.toString());
            }
        }
        return new Transport("nio", NioIoHandler.newFactory(), threads,
                family -> new NioServerSocketChannel(SelectorProvider.provider(), family), NioDatagramChannel::new);
    }

    String name() {
        return name;
    }

    EventLoopGroup boss() {
        return boss;
    }

    EventLoopGroup workers() {
        return workers;
    }

    /**
     * A new listening socket of the address family of {@code address}: an IPv4 address gets an
     * IPv4 socket (as inetd gives its children), anything else an IPv6 one (dual-stack for the
     * wildcard).
     */
    ServerChannel newServerChannel(InetSocketAddress address) {
        return serverChannel.apply(family(address));
    }

    /** A new datagram socket of the address family of {@code address}, as for {@link #newServerChannel}. */
    DatagramChannel newDatagramChannel(InetSocketAddress address) {
        return datagramChannel.apply(family(address));
    }

    private static SocketProtocolFamily family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }

    /** Stops both groups after a short quiet period, waiting at most a few seconds. */
    @Override
    public void close() {
        Future<?> b = boss.shutdownGracefully(20, 1000, TimeUnit.MILLISECONDS);
        Future<?> w = workers.shutdownGracefully(20, 1000, TimeUnit.MILLISECONDS);
        b.awaitUninterruptibly(3, TimeUnit.SECONDS);
        w.awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /**
     * Touches the epoll classes only when asked, so the core runs where the optional epoll bundle
     * is missing.
     */
    private static final class EpollProbe {

        static Throwable unavailabilityCause() {
            try {
                return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            } catch (LinkageError e) {
                return e;
            }
        }

        static Transport transport(int threads) {
            return new Transport("epoll", EpollIoHandler.newFactory(), threads,
                    EpollServerSocketChannel::new, EpollDatagramChannel::new);
        }
    }
}
