package org.superserver.core.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.NativeInetAddress;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ImmediateAnswer;
import org.superserver.api.ServiceDefinition;

/**
 * Serves a service whose handler is an {@link ImmediateAnswer} (daytime, time) without a channel
 * per connection, as the C superservers do: a thread of its own blocks in {@code accept4(2)} on the
 * listening socket, writes the answer straight to the accepted descriptor and closes it. That is
 * three system calls per connection, where a Netty channel costs {@code getsockname(2)}, {@code
 * getsockopt(2)} and {@code setsockopt(2)} and the objects around them before the answer is
 * written.
 *
 * <p>The listening channel stays Netty's (bound, configured and closed as any other) but is never
 * read by its event loop. A connection that needs more than an answer ({@link
 * AnswerOnAccept#needsPipelineBesidesPolicies}: TLS, a {@code banner_fail} file, connection logging
 * at debug level) is wrapped in a channel and passed into the listening channel's pipeline, where
 * it takes the ordinary path as if the event loop had accepted it. The limits ({@link Admission})
 * are checked here as in {@link AnswerOnAccept}, and so are the access policies of a guarded
 * service ({@link AnswerOnAccept#serve}): a verdict ready at once (tcpd's, when no rule
 * needs a name looked up) is acted on by this thread, a later one by the listener's event loop.
 *
 * <p>Closing shuts the listening socket's receive side down, which wakes every thread blocked in
 * {@code accept4(2)}; the threads end before the channel is closed, so they never touch a
 * descriptor number that the process has reused.
 */
final class DirectAnswer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectAnswer.class);

    /** The pause after an accept error such as EMFILE, so that the thread never spins on it. */
    private static final long ERROR_PAUSE_MILLIS = 100;
    /** Stack of an answering thread: it calls a handler and writes a line, nothing deep. */
    private static final long STACK_BYTES = 256 * 1024;
    private static final long JOIN_MILLIS = 2_000;

    private final Binding binding;
    private final ImmediateAnswer answers;
    private final Channel listening;
    private final Socket socket;
    private final InetSocketAddress bound;
    private final ByteBufAllocator alloc;
    private final PolicyChain policies;
    private final Supplier<Launcher> launcher;
    private final List<Thread> threads = new ArrayList<>();
    /** The listening sockets of their own that the second and later threads accept on (SO_REUSEPORT). */
    private final List<Socket> ownSockets = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param threads how many threads accept on the socket (the kernel gives each connection to
     *                one of those waiting)
     * @param backlog the listen backlog of each socket of its own ({@link #reusePortWanted})
     * @throws IOException when a socket of its own cannot be bound
     */
    DirectAnswer(Binding binding, ImmediateAnswer answers, Channel listening, int threads, int backlog,
                 PolicyChain policies, Supplier<Launcher> launcher) throws IOException {
        this.binding = binding;
        this.policies = policies;
        this.launcher = launcher;
        this.answers = answers;
        this.listening = listening;
        this.socket = (Socket) ((UnixChannel) listening).fd();
        InetSocketAddress local = (InetSocketAddress) listening.localAddress();
        this.bound = DirectAnswer.fixedLocal(local);
        this.alloc = listening.alloc();
        // a listener closed by another way than close() (it is not expected) is not accepted on again
        listening.closeFuture().addListener(f -> closed = true);
        String name = "superserver-answer-" + binding.definition().name() + "-" + local.getPort();
        boolean reusePort = threads > 1 && reusePortWanted();
        for (int i = 0; i < threads; i++) {
            Socket accepting = i > 0 && reusePort ? ownSocket(local, backlog) : socket;
            Thread thread = new Thread(null, () -> run(accepting), threads == 1 ? name : name + "-" + (i + 1),
                    STACK_BYTES);
            thread.setDaemon(true);
            this.threads.add(thread);
        }
    }

    /**
     * The local address of every connection accepted on a socket bound to {@code local}, or {@code
     * null} when the socket is bound to a wildcard address and each connection has its own.
     */
    static InetSocketAddress fixedLocal(InetSocketAddress local) {
        return local.getAddress().isAnyLocalAddress() ? null : local;
    }

    /** The framework (or system) property that gives each thread a listening socket of its own. */
    static final String REUSEPORT_PROPERTY = "superserver.answer.reuseport";

    /**
     * Whether {@value #REUSEPORT_PROPERTY} is {@code true}: the listening socket is then bound with
     * {@code SO_REUSEPORT} and every thread after the first accepts on a socket of its own bound to
     * the same address, so that the kernel spreads connections over several accept queues instead
     * of waking one of the threads waiting on one queue. Off by default: it measured no gain on two
     * cores (docs/PERFORMANCE.md), and a port bound with {@code SO_REUSEPORT} can be joined by
     * another process of the same user.
     */
    static boolean reusePortWanted() {
        return Boolean.parseBoolean(FrameworkProperty.get(REUSEPORT_PROPERTY));
    }

    /** The option to set on the listening channel before it is bound when {@link #reusePortWanted}. */
    static io.netty.channel.ChannelOption<Boolean> reusePortOption() {
        return io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT;
    }

    private Socket ownSocket(InetSocketAddress local, int backlog) throws IOException {
        Socket own = new Socket(OwnSocket.stream(local));
        ownSockets.add(own);
        try {
            own.setReuseAddress(true);
            own.setReusePort(true);
            own.bind(local);
            own.listen(backlog);
            blocking(own.intValue());
        } catch (IOException e) {
            closeOwnSockets();
            throw new IOException("SO_REUSEPORT socket on " + Addresses.format(local) + ": " + e.getMessage(), e);
        }
        return own;
    }

    /** Opens a stream socket of a given address family, which {@link Socket} does for subclasses only. */
    private static final class OwnSocket extends Socket {
        private OwnSocket() { // never made: the class is there for the protected factory
            super(0);
        }

        static int stream(InetSocketAddress local) {
            return newSocketStream0(local.getAddress() instanceof java.net.Inet4Address
                    ? io.netty.channel.socket.SocketProtocolFamily.INET
                    : io.netty.channel.socket.SocketProtocolFamily.INET6);
        }
    }

    private static void blocking(int fd) throws IOException {
        int flags = Libc.fcntl(fd, Libc.F_GETFL, 0);
        if (flags < 0 || Libc.fcntl(fd, Libc.F_SETFL, flags & ~Libc.O_NONBLOCK) < 0) {
            throw new IOException("fcntl(O_NONBLOCK): " + Libc.describe(Libc.errno()));
        }
    }

    private void closeOwnSockets() {
        for (Socket own : ownSockets) {
            try {
                own.close();
            } catch (IOException e) {
                LOG.debug("CLOSE service={} error={}", binding.definition().name(), e.toString());
            }
        }
        ownSockets.clear();
    }

    /** The framework (or system) property that sets how many threads accept per listener; 0 turns this off. */
    static final String THREADS_PROPERTY = "superserver.answer.threads";

    /**
     * Threads per listener from {@value #THREADS_PROPERTY}: unless set, 2 where the machine has
     * two processors or more, so that clients from elsewhere are accepted on two of them, and 1
     * otherwise (on two cores shared with the load generator one thread and two are level,
     * bench/answer-threads.sh, and both well ahead of the event loop); 0 answers on the listener's
     * event loop instead ({@link AnswerOnAccept}), and gives a {@link HeldStreams} listener's
     * connections channels; at most 16.
     */
    static int threadsWanted() {
        String value = FrameworkProperty.get(THREADS_PROPERTY);
        int byDefault = Runtime.getRuntime().availableProcessors() >= 2 ? 2 : 1;
        if (value == null || value.isBlank()) {
            return byDefault;
        }
        try {
            return Math.max(0, Math.min(16, Integer.parseInt(value.trim())));
        } catch (NumberFormatException e) {
            LOG.warn("PROPERTY {}={} is not a number; {} thread(s) per listener", THREADS_PROPERTY, value, byDefault);
            return byDefault;
        }
    }

    /** Whether this core can answer {@code listening}'s connections on their descriptors. */
    static boolean supports(Channel listening) {
        return listening instanceof UnixChannel unix && unix.fd() instanceof Socket;
    }

    /** Puts the socket in blocking mode and starts the threads. */
    void start() throws IOException {
        try {
            blocking(socket.intValue());
        } catch (IOException e) {
            closeOwnSockets();
            throw e;
        }
        threads.forEach(Thread::start);
    }

    private void run(Socket accepting) {
        byte[] address = new byte[26];
        while (!closed) {
            int fd;
            try {
                fd = accepting.accept(address);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.warn("ACCEPT service={} protocol={} address={} error={}", binding.definition().name(),
                        binding.definition().protocol().configName(), Addresses.format(bound), e.getMessage());
                pause();
                continue;
            }
            if (fd >= 0) {
                served(fd, address);
            }
        }
    }

    private void served(int fd, byte[] address) {
        ServiceDefinition definition = binding.definition();
        if (AnswerOnAccept.needsPipelineBesidesPolicies(definition)) {
            toPipeline(binding, listening, fd);
            return;
        }
        FileDescriptor connection = new FileDescriptor(fd);
        boolean closeNow = true;
        try {
            InetSocketAddress remote = NativeInetAddress.address(address, 1, address[0]);
            InetSocketAddress local = bound != null ? bound : new Socket(fd).localAddress();
            // a verdict that is not ready at once is acted on by the listener's idle event loop
            closeNow = AnswerOnAccept.serve(binding, answers, policies, launcher, listening.eventLoop(), connection,
                    local, remote, alloc);
        } catch (RuntimeException e) {
            LOG.warn("ANSWER service={} error={}", definition.name(), e.toString());
        } finally {
            if (closeNow) {
                AnswerOnAccept.close(connection, definition);
            }
        }
    }

    /**
     * Hands an accepted connection to the listening channel's pipeline, as its event loop would
     * have: it is wrapped in a channel and takes the ordinary path from there.
     */
    static void toPipeline(Binding binding, Channel listening, int fd) {
        Channel child;
        try {
            child = new EpollSocketChannel(fd);
        } catch (RuntimeException e) {
            LOG.warn("ACCEPT service={} error=cannot wrap the connection: {}", binding.definition().name(),
                    e.toString());
            Libc.close(fd);
            return;
        }
        try {
            listening.eventLoop().execute(() -> {
                if (listening.isOpen()) {
                    listening.pipeline().fireChannelRead(child);
                } else {
                    child.unsafe().closeForcibly();
                }
            });
        } catch (RuntimeException stopping) {
            child.unsafe().closeForcibly();
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Wakes and ends the threads; the caller closes the listening channel afterwards. */
    @Override
    public void close() {
        closed = true;
        List<Socket> sockets = new ArrayList<>(ownSockets);
        sockets.add(socket);
        for (Socket accepting : sockets) {
            try {
                accepting.shutdown(true, false);
            } catch (IOException e) {
                LOG.debug("SHUTDOWN service={} error={}", binding.definition().name(), e.toString());
            }
        }
        for (Thread thread : threads) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            try {
                thread.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                LOG.warn("ANSWER service={} thread={} did not end within {} ms", binding.definition().name(),
                        thread.getName(), JOIN_MILLIS);
            }
        }
        closeOwnSockets();
    }
}
