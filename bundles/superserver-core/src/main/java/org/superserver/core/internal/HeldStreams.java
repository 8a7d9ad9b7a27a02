package org.superserver.core.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netty.channel.Channel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.NativeInetAddress;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.StreamAnswer;
import org.superserver.api.status.ConnectionStatus;

/**
 * Serves a stream service whose handler is a {@link StreamAnswer} (echo) with connections held as
 * bare descriptors: each thread of the listener ({@value DirectAnswer#THREADS_PROPERTY}) waits in
 * an epoll set of its own that holds the listening socket ({@code EPOLLEXCLUSIVE}) and the
 * connections it accepted; it reads a connection when it is readable, has the handler answer, and
 * writes the answer back. A connection costs a record of a few dozen bytes ({@link Held}) instead
 * of a Netty channel, its pipeline and their objects (about 1.6 KiB), which is what a server with
 * tens of thousands of idle connections spends its memory on.
 *
 * <p>An answer the socket cannot take whole is kept and the connection is not read again until it
 * is sent ({@code EPOLLOUT}), so a client that sends without reading holds at most one read's
 * answer. End of file, a reset, or an error closes the connection; so does the end of the
 * administrator's {@link #end} and of the whole core.
 *
 * <p>A connection that needs more ({@link #holds}: TLS, connection logging at debug level, a socket
 * option, a {@code banner_fail}) is wrapped in a channel and passed into the listening channel's
 * pipeline, where it takes the ordinary path. The limits ({@link Admission}) and the rate limit are
 * checked here, then the access policies of a service they guard are asked, and their verdict is
 * acted on as {@link StreamDispatcher} acts on it ({@link ServedClients#allowedBy}); a verdict that
 * comes later (a name or a user to look up) is acted on where it completes, and the thread then
 * holds the allowed connection. The START and EXIT lines ({@code log_on_success}) are logged here,
 * as for a channel.
 *
 * <p>The listening channel stays Netty's, but its event loop never reads it. Closing the listener
 * ({@link #stopAccepting}) takes it out of the epoll sets before the channel closes; the held
 * connections stay and are served until they end, as inetd leaves a removed service's clients, and
 * the threads end with the last of them. {@link #closeAll} ends everything (the core stops).
 */
final class HeldStreams {

    private static final Logger LOG = LoggerFactory.getLogger(HeldStreams.class);

    /** The bytes read from a connection at once, and the most an answer that could not be sent keeps. */
    static final int READ_BYTES = 64 * 1024;
    private static final int MAX_EVENTS = 64;
    /** Connections accepted per wake-up before the others' events are looked at. */
    private static final int ACCEPTS_PER_WAKE = 64;
    private static final long ERROR_PAUSE_MILLIS = 100;
    private static final long STACK_BYTES = 256 * 1024;
    private static final long JOIN_MILLIS = 2_000;

    /** One held connection. Its counts are written by its thread only, and read by others without a lock. */
    static final class Held {
        final int fd;
        final long id;
        final long acceptedMillis;
        final long acceptedNanos;
        final Admission.Admitted admitted;
        /** Logs the EXIT line when it closes, or {@code null} when its service logs no success. */
        final ConnectionLog.Served served;
        /** Whether the EXIT line counts the bytes. */
        final boolean traffic;
        long in;
        long out;
        /** An answer not yet sent whole; while there is one, the connection is not read. */
        ByteBuffer pending;

        Held(int fd, long id, long acceptedMillis, long acceptedNanos, Admission.Admitted admitted,
             ConnectionLog.Served served, boolean traffic) {
            this.fd = fd;
            this.id = id;
            this.acceptedMillis = acceptedMillis;
            this.acceptedNanos = acceptedNanos;
            this.admitted = admitted;
            this.served = served;
            this.traffic = traffic;
        }
    }

    /** A held connection as the status and the rechecks see it. */
    record Open(long id, Instant accepted, InetSocketAddress local, InetSocketAddress remote, long in, long out) {
    }

    private final Binding binding;
    private final StreamAnswer answers;
    private final PolicyChain policies;
    private final Supplier<Launcher> launcher;
    private final Channel listening;
    private final Socket socket;
    private final InetSocketAddress bound;
    private final ConnectionNumbers ids;
    private final Consumer<HeldStreams> ended;
    private final List<Loop> loops = new ArrayList<>();
    /** Threads not yet ended. */
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean accepting = true;
    private volatile boolean closing;

    /**
     * @param policies asked about each connection of a service they guard
     * @param launcher starts the twist command of a policy's verdict (asked for only then)
     * @param threads how many threads serve the listener (each accepts for itself)
     * @param ids numbers each connection, as the core numbers its channels and children
     * @param ended told once the last thread has ended
     */
    HeldStreams(Binding binding, StreamAnswer answers, PolicyChain policies, Supplier<Launcher> launcher,
                Channel listening, int threads, ConnectionNumbers ids, Consumer<HeldStreams> ended) throws IOException {
        this.binding = binding;
        this.answers = answers;
        this.policies = policies;
        this.launcher = launcher;
        this.listening = listening;
        this.socket = (Socket) ((UnixChannel) listening).fd();
        InetSocketAddress local = (InetSocketAddress) listening.localAddress();
        this.bound = DirectAnswer.fixedLocal(local);
        this.ids = ids;
        this.ended = ended;
        String name = "superserver-held-" + binding.definition().name() + "-" + local.getPort();
        try {
            for (int i = 0; i < threads; i++) {
                loops.add(new Loop(threads == 1 ? name : name + "-" + (i + 1)));
            }
        } catch (IOException | RuntimeException e) {
            loops.forEach(Loop::release);
            throw e;
        }
    }

    /** Whether this core can hold {@code listening}'s connections: an IP stream socket on epoll, on a 64-bit Linux. */
    static boolean supports(Channel listening) {
        return Native.POINTER_SIZE == 8 && listening instanceof UnixChannel unix && unix.fd() instanceof Socket
                && listening.localAddress() instanceof InetSocketAddress;
    }

    /**
     * Whether a connection to {@code definition} can be held bare: nothing but its handler's
     * answers, its limits, its access policies and its START and EXIT lines has to happen to it (no
     * TLS, connection logging at debug level, {@code banner_fail} or socket option; see {@link
     * AnswerOnAccept#needsPipelineBesidesPolicies}).
     */
    static boolean holds(ServiceDefinition definition) {
        return !AnswerOnAccept.needsPipelineBesidesPolicies(definition) && !definition.keepAlive()
                && !definition.noDelay() && definition.socketPath() == null;
    }

    /** The handler whose answers these threads send. */
    StreamAnswer answers() {
        return answers;
    }

    /** The binding whose connections these are (its definition may since have been replaced). */
    Binding binding() {
        return binding;
    }

    void start() {
        running.set(loops.size());
        loops.forEach(loop -> loop.thread.start());
    }

    /** How many connections are held. */
    int size() {
        int n = 0;
        for (Loop loop : loops) {
            n += loop.size();
        }
        return n;
    }

    /**
     * Takes the listening socket out of every thread's epoll set, and waits until they have; the
     * caller closes the listening channel afterwards. The held connections stay.
     */
    void stopAccepting() {
        accepting = false;
        loops.forEach(Loop::wake);
        for (Loop loop : loops) {
            if (loop.thread == Thread.currentThread()) {
                continue;
            }
            try {
                if (!loop.listenerOut.await(JOIN_MILLIS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("HELD service={} thread={} did not let go of the listener within {} ms",
                            binding.definition().name(), loop.thread.getName(), JOIN_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Closes every held connection and ends the threads (the core stops). */
    void closeAll() {
        accepting = false;
        closing = true;
        loops.forEach(Loop::wake);
        for (Loop loop : loops) {
            if (loop.thread == Thread.currentThread()) {
                continue;
            }
            try {
                loop.thread.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (loop.thread.isAlive()) {
                LOG.warn("HELD service={} thread={} did not end within {} ms", binding.definition().name(),
                        loop.thread.getName(), JOIN_MILLIS);
            }
        }
    }

    /** The held connections, with their addresses. */
    List<Open> open() {
        List<Open> all = new ArrayList<>();
        for (Loop loop : loops) {
            loop.open(all);
        }
        return all;
    }

    /** The held connections as the status lists them, under the definition they are served by now. */
    List<ConnectionStatus> statuses() {
        ServiceDefinition d = binding.definition();
        List<ConnectionStatus> all = new ArrayList<>();
        for (Open o : open()) {
            all.add(new ConnectionStatus(o.id(), d.id(), d.name(), ConnectionStatus.Kind.HANDLER, o.local(),
                    o.remote(), o.accepted(), o.in(), o.out(), 0));
        }
        return all;
    }

    /**
     * Ends connection number {@code id} if it is held here: shuts its socket down, and its thread
     * closes it.
     *
     * @return the connection ended, or {@code null} when none of that number is held here
     */
    Open end(long id) {
        for (Loop loop : loops) {
            Open ended = loop.end(id);
            if (ended != null) {
                return ended;
            }
        }
        return null;
    }

    /** Ends every held connection, as {@link #end} does; how many there were. */
    int endAll() {
        int n = 0;
        for (Loop loop : loops) {
            n += loop.endAll();
        }
        return n;
    }

    private InetSocketAddress local(int fd) {
        if (bound != null) {
            return bound;
        }
        try {
            return new Socket(fd).localAddress();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Gives back what a closing connection held, and adds its bytes and time to the service's. */
    private void given(Held held) {
        givenBack(held.admitted, held.acceptedNanos);
        Occupancy occupancy = binding.occupancy();
        occupancy.bytesIn.addAndGet(held.in);
        occupancy.bytesOut.addAndGet(held.out);
    }

    /** Gives back the place {@code admitted} holds, if any, and adds the connection's time to the service's. */
    private void givenBack(Admission.Admitted admitted, long acceptedNanos) {
        if (admitted != null) {
            admitted.release();
        }
        binding.occupancy().durations.record(System.nanoTime() - acceptedNanos);
    }

    /** Closes a connection's descriptor and logs its EXIT line. */
    private static void closed(Held held) {
        Libc.close(held.fd);
        if (held.served != null) {
            held.served.ended(null, held.traffic ? held.in : -1, held.traffic ? held.out : -1);
        }
    }

    /** A connection accepted and admitted by its limits, not yet held. */
    private final class Arrival {
        /** Whether its verdict, or its thread's end, has already decided what becomes of it. */
        private final AtomicBoolean settled = new AtomicBoolean();
        final int fd;
        final long acceptedMillis;
        final long acceptedNanos;
        final Admission.Admitted admitted;
        final InetSocketAddress remote;

        Arrival(int fd, long acceptedMillis, long acceptedNanos, Admission.Admitted admitted,
                InetSocketAddress remote) {
            this.fd = fd;
            this.acceptedMillis = acceptedMillis;
            this.acceptedNanos = acceptedNanos;
            this.admitted = admitted;
            this.remote = remote;
        }

        /** The connection as held, its START line logged when {@code definition} logs successes. */
        Held held(ServiceDefinition definition) {
            DispatchServices services = binding.services();
            ConnectionLog.Served served = services != null && !definition.logOnSuccess().isEmpty()
                    ? services.log().served(definition, local(fd), remote, 0) : null;
            return new Held(fd, ids.next(), acceptedMillis, acceptedNanos, admitted, served,
                    definition.logOnSuccess().contains(org.superserver.api.LogField.TRAFFIC));
        }

        /** Claims the connection for whoever acts on it: its later verdict, or its thread's end; once. */
        boolean settle() {
            return settled.compareAndSet(false, true);
        }

        /** Closes a connection the policies turned away (or handed to a twist command), giving back its place. */
        void turnAway() {
            givenBack(admitted, acceptedNanos);
            Libc.close(fd);
        }
    }

    /** One thread, its epoll set and the connections it accepted. */
    private final class Loop implements Runnable {

        private final Thread thread;
        private final int epollFd;
        private final WakeUp wakeUp;
        private final Memory events = new Memory((long) MAX_EVENTS * Libc.EPOLL_EVENT_SIZE);
        private final Memory event = new Memory(16);
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES);
        private final byte[] address = new byte[26];
        private final CountDownLatch listenerOut = new CountDownLatch(1);
        /** The held connections by descriptor; guarded by {@code this}, written by the thread only. */
        private Held[] byFd = new Held[64];
        private int count;
        /** Whether {@link #epollFd} is closed; guarded by {@code this}. */
        private boolean released;
        /** Whether the listening socket is still in this thread's epoll set. */
        private boolean watchesListener = true;
        /** Connections whose policies' verdict came later, allowed, for this thread to hold. */
        private final Queue<Held> adopted = new ConcurrentLinkedQueue<>();
        /**
         * Connections accepted here whose policies' verdict has not come yet; those still here when
         * the thread ends are closed then (a verdict may never come once the core's event loops
         * have stopped).
         */
        private final Set<Arrival> awaiting = ConcurrentHashMap.newKeySet();

        Loop(String name) throws IOException {
            int epoll = Libc.epoll_create1(Libc.EPOLL_CLOEXEC);
            if (epoll < 0) {
                throw new IOException("epoll_create1: " + Libc.describe(Libc.errno()));
            }
            this.epollFd = epoll;
            try {
                this.wakeUp = new WakeUp();
            } catch (IllegalStateException e) {
                Libc.close(epoll);
                throw new IOException(e.getMessage(), e);
            }
            if (!control(Libc.EPOLL_CTL_ADD, wakeUp.fd(), Libc.EPOLLIN)
                    || !control(Libc.EPOLL_CTL_ADD, socket.intValue(), Libc.EPOLLIN | Libc.EPOLLEXCLUSIVE)) {
                String why = Libc.describe(Libc.errno());
                release();
                throw new IOException("epoll_ctl: " + why);
            }
            this.thread = new Thread(null, this, name, STACK_BYTES);
            thread.setDaemon(true);
        }

        private boolean control(int op, int fd, int flags) {
            return Libc.epollControl(event, epollFd, op, fd, flags, fd);
        }

        @Override
        public void run() {
            long base = Pointer.nativeValue(events);
            try {
                while (true) {
                    if (closing) {
                        closeEveryone();
                        return;
                    }
                    if (watchesListener && !accepting) {
                        control(Libc.EPOLL_CTL_DEL, socket.intValue(), 0);
                        watchesListener = false;
                        listenerOut.countDown();
                    }
                    // awaiting before adopted: a verdict queues its connection before it stops being awaited
                    if (!watchesListener && size() == 0 && awaiting.isEmpty() && adopted.isEmpty()) {
                        return;
                    }
                    int n = Libc.epoll_wait(epollFd, base, MAX_EVENTS, -1);
                    if (n < 0) {
                        if (Libc.errno() != Libc.EINTR) {
                            failed("epoll_wait");
                        }
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        long at = (long) i * Libc.EPOLL_EVENT_SIZE;
                        int fd = (int) events.getLong(at + Libc.EPOLL_DATA_OFFSET);
                        if (fd == wakeUp.fd()) {
                            wakeUp.drain();
                            holdAdopted();
                        } else if (fd == socket.intValue()) {
                            if (watchesListener) {
                                acceptSome();
                            }
                        } else {
                            Held held = fd < byFd.length ? byFd[fd] : null;
                            if (held == null) {
                                continue;
                            }
                            if (held.pending != null) {
                                flush(held); // writable, or an error that the write reports
                            } else {
                                readable(held);
                            }
                        }
                    }
                }
            } catch (RuntimeException | Error e) {
                LOG.error("HELD service={} thread={} ended: {}; its connections are closed", binding.definition().name(),
                        thread.getName(), e.toString());
                closeEveryone();
            } finally {
                listenerOut.countDown();
                release();
                if (running.decrementAndGet() == 0) {
                    if (accepting && !closing && listening.isOpen()) {
                        // the last thread failed: the event loop accepts from now on, a channel per connection
                        LOG.error("HELD service={} no thread is left; the event loop accepts its connections",
                                binding.definition().name());
                        listening.config().setAutoRead(true);
                    }
                    ended.accept(HeldStreams.this);
                }
            }
        }

        private void acceptSome() {
            for (int i = 0; i < ACCEPTS_PER_WAKE && accepting; i++) {
                int fd;
                try {
                    fd = socket.accept(address);
                } catch (IOException e) {
                    if (!accepting) {
                        return;
                    }
                    LOG.warn("ACCEPT service={} protocol={} address={} error={}", binding.definition().name(),
                            binding.definition().protocol().configName(), Addresses.format(bound), e.getMessage());
                    pause();
                    return;
                }
                if (fd < 0) {
                    return;
                }
                accepted(fd);
            }
        }

        private void accepted(int fd) {
            ServiceDefinition definition = binding.definition();
            if (!holds(definition)) {
                DirectAnswer.toPipeline(binding, listening, fd);
                return;
            }
            long acceptedMillis = System.currentTimeMillis();
            long acceptedNanos = System.nanoTime();
            binding.countAccepted();
            if (binding.isHandlerGone() || !binding.admit()) {
                Libc.close(fd);
                return;
            }
            boolean guarded = PolicyChain.guards(definition);
            Admission.Admitted admitted = null;
            InetSocketAddress remote = null;
            DispatchServices services = binding.services();
            boolean logs = services != null && !definition.logOnSuccess().isEmpty();
            if (guarded || logs || (services != null && Admission.applies(definition))) {
                remote = NativeInetAddress.address(address, 1, address[0]);
            }
            if (services != null && (logs || Admission.applies(definition))) {
                Object result = Admission.check(binding, remote, true, services.load());
                if (result instanceof String reason) {
                    Refusal.record(binding, definition, reason, local(fd), remote, services);
                    Libc.close(fd);
                    return;
                }
                admitted = result == Admission.FREE ? null : (Admission.Admitted) result;
            }
            Arrival arrival = new Arrival(fd, acceptedMillis, acceptedNanos, admitted, remote);
            if (!guarded) {
                hold(arrival.held(definition));
                return;
            }
            ConnectionInfo connection = Peers.info(definition, local(fd), remote, Instant.now());
            CompletableFuture<PolicyChain.Verdict> verdict;
            try {
                verdict = policies.check(connection, definition, listening.eventLoop()).toCompletableFuture();
            } catch (RuntimeException e) {
                LOG.error("POLICY service={} from={} origin={} error={}, denied", definition.name(),
                        Addresses.format(remote), definition.origin(), e.toString());
                arrival.turnAway();
                return;
            }
            if (verdict.isDone()) {
                Held held = decided(arrival, verdict, connection, definition);
                if (held != null) {
                    hold(held);
                }
                return;
            }
            // a later verdict (a name or a user looked up) is acted on where it completes
            awaiting.add(arrival);
            verdict.whenComplete((v, e) -> {
                if (!arrival.settle()) {
                    return; // closed when the thread ended
                }
                try {
                    Held held = decided(arrival, verdict, connection, definition);
                    if (held != null) {
                        adopt(held);
                    }
                } finally {
                    awaiting.remove(arrival); // after adopt: the thread sees it queued or still awaited
                    wake(); // nothing once the thread has ended
                }
            });
        }

        /**
         * Acts on the policies' completed verdict ({@link ServedClients#allowedBy}); a failure on the
         * way closes this connection alone.
         *
         * @return the connection to hold, or {@code null} when it was turned away (and closed)
         */
        private Held decided(Arrival arrival, CompletableFuture<PolicyChain.Verdict> verdict,
                             ConnectionInfo connection, ServiceDefinition definition) {
            Held held = null;
            try {
                if (ServedClients.allowedBy(verdict, binding, launcher, arrival.fd, connection, definition)) {
                    held = arrival.held(binding.definition());
                }
            } catch (RuntimeException | LinkageError failure) {
                LOG.error("POLICY service={} from={} origin={} error={}, closed", definition.name(),
                        Addresses.format(connection.remote()), definition.origin(), failure.toString());
            }
            if (held == null) {
                arrival.turnAway();
            }
            return held;
        }

        /** Lists {@code held} as this thread's and watches it for reading; on the thread only. */
        private void hold(Held held) {
            synchronized (this) {
                if (held.fd >= byFd.length) {
                    byFd = Arrays.copyOf(byFd, Math.max(held.fd + 1, byFd.length * 2));
                }
                byFd[held.fd] = held;
                count++;
            }
            if (!control(Libc.EPOLL_CTL_ADD, held.fd, Libc.EPOLLIN)) {
                LOG.warn("HELD service={} error=epoll_ctl: {}", binding.definition().name(),
                        Libc.describe(Libc.errno()));
                close(held);
            }
        }

        /**
         * Has this thread hold a connection allowed by a verdict that came on another thread; closes
         * it instead when the thread has ended.
         */
        private void adopt(Held held) {
            synchronized (this) {
                if (!released) {
                    adopted.add(held);
                    wake();
                    return;
                }
            }
            finish(held);
        }

        /** Holds the connections that {@link #adopt} queued; on the thread only. */
        private void holdAdopted() {
            Held held;
            while ((held = adopted.poll()) != null) {
                if (closing) {
                    finish(held);
                } else {
                    hold(held);
                }
            }
        }

        private void readable(Held held) {
            FileDescriptor fd = new FileDescriptor(held.fd);
            int read;
            try {
                read = fd.read(buffer, 0, buffer.capacity());
            } catch (IOException e) {
                close(held);
                return;
            }
            if (read == 0) {
                return; // nothing after all
            }
            if (read < 0) {
                close(held); // end of file: nothing is left to send
                return;
            }
            held.in += read;
            buffer.clear().limit(read);
            ByteBuffer answer;
            try {
                answer = answers.answer(buffer);
            } catch (RuntimeException | LinkageError e) {
                StreamDispatcher.handlerFailed(binding.definition(), null, e);
                close(held);
                return;
            }
            if (answer == null || !answer.hasRemaining()) {
                return;
            }
            if (!send(held, fd, answer)) {
                return;
            }
            if (answer.hasRemaining()) {
                ByteBuffer rest;
                try {
                    rest = ByteBuffer.allocateDirect(answer.remaining());
                } catch (OutOfMemoryError e) { // the direct memory limit: this connection goes, the others stay
                    LOG.warn("HELD service={} error=no memory for an answer of {} bytes the client does not read; closed",
                            binding.definition().name(), answer.remaining());
                    close(held);
                    return;
                }
                rest.put(answer).flip();
                held.pending = rest;
                if (!control(Libc.EPOLL_CTL_MOD, held.fd, Libc.EPOLLOUT)) {
                    close(held);
                }
            }
        }

        /** Sends what the socket takes of {@code answer}; false when the connection was closed. */
        private boolean send(Held held, FileDescriptor fd, ByteBuffer answer) {
            try {
                while (answer.hasRemaining()) {
                    int written;
                    if (answer.isDirect()) {
                        written = fd.write(answer, answer.position(), answer.limit());
                    } else {
                        ByteBuffer direct = answer == buffer ? buffer : copy(answer);
                        written = fd.write(direct, direct.position(), direct.limit());
                    }
                    if (written <= 0) {
                        return true;
                    }
                    answer.position(answer.position() + written);
                    held.out += written;
                }
                return true;
            } catch (IOException e) {
                close(held);
                return false;
            }
        }

        /** A heap answer's bytes in native memory (the read buffer is free again once read). */
        private ByteBuffer copy(ByteBuffer answer) {
            int length = Math.min(answer.remaining(), buffer.capacity());
            buffer.clear();
            buffer.put(answer.duplicate().limit(answer.position() + length)).flip();
            return buffer;
        }

        private void flush(Held held) {
            FileDescriptor fd = new FileDescriptor(held.fd);
            ByteBuffer pending = held.pending;
            if (!send(held, fd, pending)) {
                return;
            }
            if (!pending.hasRemaining()) {
                held.pending = null;
                if (!control(Libc.EPOLL_CTL_MOD, held.fd, Libc.EPOLLIN)) {
                    close(held);
                }
            }
        }

        private void close(Held held) {
            synchronized (this) {
                if (byFd[held.fd] != held) {
                    return;
                }
                // what it held and counted first: whoever no longer sees it listed sees its place
                // given back and its bytes in the service's totals
                given(held);
                byFd[held.fd] = null;
                count--;
            }
            closed(held);
        }

        /** Closes a connection that was never listed here (its thread had ended). */
        private void finish(Held held) {
            given(held);
            closed(held);
        }

        private void closeEveryone() {
            List<Held> all = new ArrayList<>();
            synchronized (this) {
                for (Held held : byFd) {
                    if (held != null) {
                        all.add(held);
                    }
                }
            }
            all.forEach(this::close);
        }

        synchronized int size() {
            return count;
        }

        synchronized void open(List<Open> into) {
            for (Held held : byFd) {
                if (held != null) {
                    into.add(open(held));
                }
            }
        }

        /** One held connection with its addresses; under the lock, so that its descriptor is still its own. */
        private Open open(Held held) {
            InetSocketAddress remote;
            try {
                remote = new Socket(held.fd).remoteAddress();
            } catch (RuntimeException e) {
                remote = null;
            }
            return new Open(held.id, Instant.ofEpochMilli(held.acceptedMillis), local(held.fd), remote, held.in,
                    held.out);
        }

        synchronized Open end(long id) {
            for (Held held : byFd) {
                if (held != null && held.id == id) {
                    Open ended = open(held);
                    shutDown(held);
                    return ended;
                }
            }
            return null;
        }

        synchronized int endAll() {
            int n = 0;
            for (Held held : byFd) {
                if (held != null) {
                    shutDown(held);
                    n++;
                }
            }
            return n;
        }

        /** Ends both directions of the connection: the thread reads its end and closes it. */
        private void shutDown(Held held) {
            try {
                new Socket(held.fd).shutdown(true, true);
            } catch (IOException e) {
                LOG.debug("SHUTDOWN service={} error={}", binding.definition().name(), e.toString());
            }
        }

        private void failed(String call) {
            LOG.warn("HELD service={} thread={} error={}: {}", binding.definition().name(), thread.getName(), call,
                    Libc.describe(Libc.errno()));
            pause();
        }

        private void pause() {
            try {
                TimeUnit.MILLISECONDS.sleep(ERROR_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closing = true;
            }
        }

        /** Makes the thread's epoll_wait return. */
        void wake() {
            wakeUp.wake();
        }

        synchronized void release() {
            if (!released) {
                released = true;
                wakeUp.close();
                Libc.close(epollFd);
                Held held;
                while ((held = adopted.poll()) != null) {
                    finish(held);
                }
                for (Arrival arrival : awaiting) {
                    if (arrival.settle()) {
                        arrival.turnAway();
                    }
                }
            }
        }
    }
}
