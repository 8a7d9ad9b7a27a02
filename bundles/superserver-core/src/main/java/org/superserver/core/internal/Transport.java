package org.superserver.core.internal;

import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Function;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop groups every listener shares (one thread accepting, a pool serving) and the
 * channel classes that go with them: epoll where it is available, NIO otherwise; and the few
 * threads that do blocking look-ups for them (a redirect target's host name), so that no event
 * loop ever waits for a name server.
 */
final class Transport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    /**
     * The largest datagram a bound datagram socket reads whole (a longer one is cut to it), as
     * with Netty's default receive buffer before batching; the same as a {@link
     * org.superserver.api.DatagramAnswer}'s thread reads.
     */
    static final int DATAGRAM_SIZE = org.superserver.api.DatagramAnswer.MAX_DATAGRAM;

    /**
     * How many datagrams one {@code recvmmsg} call may read on the epoll transport: 8 x 2 KiB is
     * a buffer size that Netty's allocator pools even with the small direct-memory limit of the
     * distribution's heap (a 32 KiB read buffer was a fresh, zeroed direct buffer per read).
     */
    static final int DATAGRAMS_PER_CALL = 8;

    /** Threads that look names up; a look-up beyond {@value #LOOKUP_QUEUE} waiting ones is refused. */
    static final int LOOKUP_THREADS = 4;
    static final int LOOKUP_QUEUE = 256;

    private final String name;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Function<SocketProtocolFamily, ServerChannel> serverChannel;
    private final Function<SocketProtocolFamily, DatagramChannel> datagramChannel;
    private final Function<SocketProtocolFamily, SocketChannel> socketChannel;
    private final ThreadPoolExecutor lookups;

    private Transport(String name, IoHandlerFactory factory, int workerThreads,
                      Function<SocketProtocolFamily, ServerChannel> serverChannel,
                      Function<SocketProtocolFamily, DatagramChannel> datagramChannel,
                      Function<SocketProtocolFamily, SocketChannel> socketChannel) {
        this.name = name;
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("superserver-accept", true), factory);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads,
                new DefaultThreadFactory("superserver-io", true), factory);
        this.serverChannel = serverChannel;
        this.datagramChannel = datagramChannel;
        this.socketChannel = socketChannel;
        this.lookups = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS, 10, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(LOOKUP_QUEUE), r -> {
                    Thread t = new Thread(r, "superserver-lookup");
                    t.setDaemon(true);
                    return t;
                });
        lookups.allowCoreThreadTimeOut(true);
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
                family -> new NioServerSocketChannel(SelectorProvider.provider(), family), NioDatagramChannel::new,
                family -> new NioSocketChannel(SelectorProvider.provider(), family));
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

    /**
     * A new, unconnected client socket of the address family of {@code address} (the target of a
     * {@code redirect}), of this transport's kind: it may be registered on any of its event loops.
     */
    SocketChannel newSocketChannel(InetSocketAddress address) {
        return socketChannel.apply(family(address));
    }

    /**
     * A new Unix-domain stream listening socket.
     *
     * @throws IllegalStateException when this transport has none (nio)
     */
    ServerChannel newDomainServerChannel(String path) {
        requireEpoll(path);
        return EpollProbe.domainServer();
    }

    /** A new Unix-domain datagram socket, as for {@link #newDomainServerChannel}. */
    io.netty.channel.unix.DomainDatagramChannel newDomainDatagramChannel(String path) {
        requireEpoll(path);
        return EpollProbe.domainDatagram();
    }

    private void requireEpoll(String path) {
        if (!name.equals("epoll")) {
            throw new IllegalStateException("the Unix-domain socket " + path + " needs the epoll transport (this"
                    + " core runs " + name + "; set transport=auto or epoll where epoll is available)");
        }
    }

    /**
     * The listening socket {@code fd} (bound and listening already, passed by a service manager)
     * as a channel of this transport.
     *
     * @throws IllegalStateException when this transport cannot wrap a descriptor (nio)
     */
    ServerChannel adoptServerChannel(int fd) {
        requireEpoll(fd);
        nonBlocking(fd);
        return EpollProbe.adoptServer(fd);
    }

    /** The bound datagram socket {@code fd} as a channel of this transport, as for {@link #adoptServerChannel}. */
    DatagramChannel adoptDatagramChannel(int fd) {
        requireEpoll(fd);
        nonBlocking(fd);
        return EpollProbe.adoptDatagram(fd);
    }

    /**
     * Puts a passed socket in non-blocking mode, as the event loop needs it: a service manager
     * passes blocking sockets unless told otherwise (systemd's {@code NonBlocking=} is off by
     * default), and one more {@code accept(2)} or {@code recvmsg(2)} on a blocking socket than
     * there are clients would hold the whole loop until the next one comes.
     */
    private static void nonBlocking(int fd) {
        int flags = Libc.fcntl(fd, Libc.F_GETFL, 0);
        if (flags < 0 || (flags & Libc.O_NONBLOCK) == 0 && Libc.fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK) < 0) {
            throw new IllegalStateException("cannot make the passed socket " + fd + " non-blocking: "
                    + Libc.describe(Libc.errno()));
        }
    }

    private void requireEpoll(int fd) {
        if (!name.equals("epoll")) {
            throw new IllegalStateException("the socket passed as fd " + fd + " cannot be adopted by the " + name
                    + " transport, which cannot serve a descriptor it did not open; use transport=auto or epoll"
                    + " where epoll is available");
        }
    }

    /**
     * The listening Unix-domain stream socket {@code fd} (passed by a service manager) as a channel
     * of this transport, made non-blocking. Closing the channel closes the descriptor only: the
     * socket file is the service manager's, and stays.
     *
     * @throws IllegalStateException when this transport cannot wrap a descriptor (nio)
     */
    ServerChannel adoptDomainServerChannel(int fd) {
        requireEpoll(fd);
        nonBlocking(fd);
        return EpollProbe.adoptDomainServer(fd);
    }

    /** The bound Unix-domain datagram socket {@code fd} as a channel, as for {@link #adoptDomainServerChannel}. */
    io.netty.channel.unix.DomainDatagramChannel adoptDomainDatagramChannel(int fd) {
        requireEpoll(fd);
        nonBlocking(fd);
        return EpollProbe.adoptDomainDatagram(fd);
    }

    private static SocketProtocolFamily family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }

    /**
     * Where blocking look-ups run: a few threads and a bounded queue, which refuses ({@link
     * java.util.concurrent.RejectedExecutionException}) a look-up when it is full.
     */
    ExecutorService lookups() {
        return lookups;
    }

    /** Stops both groups after a short quiet period, waiting at most a few seconds. */
    @Override
    public void close() {
        lookups.shutdownNow();
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
                    EpollServerSocketChannel::new, EpollProbe::batchedDatagramChannel, EpollSocketChannel::new);
        }

        static ServerChannel domainServer() {
            return new io.netty.channel.epoll.EpollServerDomainSocketChannel();
        }

        static io.netty.channel.unix.DomainDatagramChannel domainDatagram() {
            return new io.netty.channel.epoll.EpollDomainDatagramChannel();
        }

        static ServerChannel adoptServer(int fd) {
            return new EpollServerSocketChannel(fd);
        }

        static DatagramChannel adoptDatagram(int fd) {
            return batched(new EpollDatagramChannel(fd));
        }

        /**
         * Active from the start, as a listening socket is: the {@code (int fd)} constructor makes an
         * inactive channel, which would never be read (accepted on) after its registration. Its
         * file is never unlinked on close, as it would be had the channel bound it.
         */
        static ServerChannel adoptDomainServer(int fd) {
            return new io.netty.channel.epoll.EpollServerDomainSocketChannel(fd, true);
        }

        static io.netty.channel.unix.DomainDatagramChannel adoptDomainDatagram(int fd) {
            return new io.netty.channel.epoll.EpollDomainDatagramChannel(fd);
        }

        /**
         * A datagram socket that reads up to {@value #DATAGRAMS_PER_CALL} datagrams of at most
         * {@value #DATAGRAM_SIZE} bytes each per {@code recvmmsg} call. Replies queued during one
         * read go out together by {@code sendmmsg} when the handler flushes at the end of the read.
         */
        static DatagramChannel batchedDatagramChannel(SocketProtocolFamily family) {
            return batched(new EpollDatagramChannel(family));
        }

        private static DatagramChannel batched(EpollDatagramChannel channel) {
            channel.config().setMaxDatagramPayloadSize(DATAGRAM_SIZE);
            channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(DATAGRAM_SIZE * DATAGRAMS_PER_CALL));
            return channel;
        }
    }
}
