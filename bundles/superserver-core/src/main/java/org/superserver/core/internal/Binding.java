package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;

/**
 * One bound socket serving one service, with a handler or a server program: the listening (or
 * datagram) channel, the definition new connections get, the rate limit and the counters the
 * status reports.
 *
 * <p>Children are counted in {@link Slot}s, against the definition's {@code instances} and the
 * core's {@code children.max} ({@link ChildSlots}); whoever stops accepting at a limit registers
 * {@link #onRoom} to be told when a slot is given back.
 */
final class Binding {

    private static final Logger LOG = LoggerFactory.getLogger(Binding.class);

    /** The refusal of a client over the definition's invocations per minute, as the counters name it. */
    static final String RATE_LIMIT = "rate_limit";

    /**
     * One child counted against the limits, from the moment its connection is accepted (or its
     * datagram is taken) until it is reaped; giving it back twice gives it back once.
     */
    final class Slot {

        private final AtomicBoolean held = new AtomicBoolean(true);
        private volatile Admission.Admitted client = Admission.FREE;

        /** Gives the slot back, and what its client holds against the limits; later calls do nothing. */
        void release() {
            if (held.compareAndSet(true, false)) {
                giveBack();
                client.release();
            }
        }

        /** Has {@code admitted} given back with this slot (or the slot it is passed to). */
        void holding(Admission.Admitted admitted) {
            this.client = admitted;
        }

        /** A slot owning this one's count (this one is then spent), or a forced new one if it was released. */
        Slot pass() {
            if (held.compareAndSet(true, false)) {
                Slot next = new Slot();
                next.client = client;
                return next;
            }
            return acquire();
        }
    }

    private final Handler handler;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong servedOnAccept = new AtomicLong();
    private final AtomicInteger children;
    private final Occupancy occupancy;
    private final DispatchServices services;
    private final AtomicBoolean cpsTripped = new AtomicBoolean();
    private volatile ConnectionRate cps;
    private final ChannelGroup connections;
    private final AtomicBoolean overloaded = new AtomicBoolean();
    private final Consumer<Binding> onOverload;
    private volatile ServiceDefinition definition;
    private volatile Program program;
    private volatile RateLimit rateLimit;
    private volatile Channel channel;
    private volatile boolean handlerGone;
    private volatile String busy;
    private volatile String warning;
    private volatile WaitService waitService;
    private volatile DirectAnswer directAnswer;
    private volatile DatagramAnswerThread datagramAnswer;
    private volatile HeldStreams heldStreams;
    private volatile PassedSockets.Passed adopted;
    private volatile SocketFile socketFile;
    private final ChildSlots slots;
    private volatile String limited;
    private volatile TlsContext tls;

    /**
     * @param handler the in-process handler, or {@code null} for an exec'd service
     * @param program the exec'd server, or {@code null} for an in-process service
     * @param onOverload told once when the rate limit trips
     */
    Binding(ServiceDefinition definition, Handler handler, Program program, Consumer<Binding> onOverload,
            ChildSlots slots) {
        this(definition, handler, program, onOverload, slots, new Occupancy(), null);
    }

    /**
     * @param occupancy the service's counts, kept across its listeners
     * @param services the connection log, banners and load average, or {@code null} in tests that
     *                 need none
     */
    Binding(ServiceDefinition definition, Handler handler, Program program, Consumer<Binding> onOverload,
            ChildSlots slots, Occupancy occupancy, DispatchServices services) {
        this.occupancy = occupancy;
        this.children = occupancy.children;
        this.services = services;
        this.cps = new ConnectionRate(definition.cps());
        this.slots = slots;
        this.definition = definition;
        this.handler = handler;
        this.program = program;
        this.onOverload = onOverload;
        this.rateLimit = new RateLimit(definition.maxPerMinute());
        this.connections = new DefaultChannelGroup(definition.id(), GlobalEventExecutor.INSTANCE);
    }

    Binding(ServiceDefinition definition, Handler handler) {
        this(definition, handler, null, b -> { }, new ChildSlots(Settings.CHILDREN_MAX));
    }

    Handler handler() {
        return handler;
    }

    /** The TLS context of a {@code tls = yes} service, or {@code null}. */
    TlsContext tls() {
        return tls;
    }

    void tls(TlsContext context) {
        this.tls = context;
    }

    /**
     * Whether an accepted connection is handed, unread, to an exec'd server: true for exec'd
     * services unless the server terminates TLS for them ({@link TlsChild}).
     */
    boolean handsOverSocket() {
        return program != null && !definition.tls();
    }

    /** The exec'd server of new connections, or {@code null} for an in-process service. */
    Program program() {
        return program;
    }

    /** The definition new connections (or datagrams) are served with. */
    ServiceDefinition definition() {
        return definition;
    }

    /** Serves new connections with {@code next}; the socket stays bound. */
    void swap(ServiceDefinition next) {
        swap(next, program);
    }

    /** Serves new connections with {@code next} and its prepared {@code nextProgram}. */
    void swap(ServiceDefinition next, Program nextProgram) {
        if (next.maxPerMinute() != definition.maxPerMinute()) {
            rateLimit = new RateLimit(next.maxPerMinute());
        }
        if (next.cps() != definition.cps()) {
            cps = new ConnectionRate(next.cps());
        }
        boolean otherInstances = next.instances() != definition.instances();
        this.program = nextProgram;
        this.definition = next;
        if (otherInstances) {
            occupancy.onRoom.run(); // a listener held back by the old bound looks again
        }
    }

    /**
     * Counts one invocation against the rate limit. False when it is one too many: the caller
     * refuses it, and the first refusal tells the registry to pause the service.
     */
    boolean admit() {
        if (rateLimit.admit(System.nanoTime())) {
            return true;
        }
        occupancy.refused(RATE_LIMIT);
        if (overloaded.compareAndSet(false, true)) {
            onOverload.accept(this);
        }
        return false;
    }

    /**
     * Counts one connection against {@code cps}. False when it is one too many: the caller refuses
     * it, and the first refusal tells the registry to pause the service for its {@code cps} pause.
     */
    boolean admitCps() {
        if (cps.admit(System.nanoTime())) {
            return true;
        }
        if (cpsTripped.compareAndSet(false, true) && services != null) {
            services.onCps().accept(this);
        }
        return false;
    }

    /** The service's counts, kept across its listeners. */
    Occupancy occupancy() {
        return occupancy;
    }

    /** The connection log, banners and load average, or {@code null} in tests that need none. */
    DispatchServices services() {
        return services;
    }

    Channel channel() {
        return channel;
    }

    void bound(Channel bound) {
        this.channel = bound;
    }

    /**
     * The address actually bound (the real port when the definition asked for 0), or {@code null};
     * for a Unix-domain socket, its path as an unresolved address of port 0.
     */
    InetSocketAddress boundAddress() {
        Channel c = channel;
        if (c == null) {
            return null;
        }
        String path = socketPath();
        return path != null ? InetSocketAddress.createUnresolved(path, 0) : (InetSocketAddress) c.localAddress();
    }

    /**
     * Where clients reach a Unix-domain service: the definition's socket path, or that of the socket
     * adopted from the service manager (which a name may have matched wherever it is; {@code @name}
     * when abstract, {@code (unnamed)} when it has none); {@code null} for an IP service.
     */
    String socketPath() {
        String path = definition.socketPath();
        PassedSockets.Passed passed = adopted;
        if (path == null || passed == null || !passed.isUnix()) {
            return path;
        }
        return passed.path().isEmpty() ? "(unnamed)" : passed.path();
    }

    /** Counts one accepted connection or received datagram. */
    void countAccepted() {
        accepted.incrementAndGet();
        occupancy.accepted.incrementAndGet();
    }

    /** One more connection handed to its server on the accepting thread, without a pipeline. */
    void countServedOnAccept() {
        servedOnAccept.incrementAndGet();
    }

    /** Connections handed to their server on the accepting thread ({@link ExecDispatcher#serveOnAccept}). */
    long servedOnAccept() {
        return servedOnAccept.get();
    }

    long accepted() {
        return accepted.get();
    }

    /** The open stream connections accepted by this socket. */
    ChannelGroup connections() {
        return connections;
    }

    /**
     * A slot for one more child, or {@code null} when the definition's {@code instances} or the
     * core's {@code children.max} is reached (see {@link #full()}).
     */
    Slot reserve() {
        int instances = definition.instances();
        while (true) {
            int now = children.get();
            if (instances > 0 && now >= instances) {
                return null;
            }
            if (children.compareAndSet(now, now + 1)) {
                break;
            }
        }
        if (!slots.tryTake()) {
            children.decrementAndGet();
            return null;
        }
        return new Slot();
    }

    /** A slot taken over the limits: a child that cannot wait (a twist command). */
    Slot acquire() {
        children.incrementAndGet();
        slots.force();
        return new Slot();
    }

    private void giveBack() {
        children.decrementAndGet();
        slots.give();
        occupancy.onRoom.run();
    }

    /**
     * The limit that stops the next child now: {@code instances} or {@code children.max}, or
     * {@code null} when there is room.
     */
    String full() {
        int instances = definition.instances();
        if (instances > 0 && children.get() >= instances) {
            return "instances";
        }
        return slots.isFull() ? "children.max" : null;
    }

    /** Runs {@code task} whenever this binding gives a slot back (and, once, when the core has room again). */
    void onRoom(Runnable task) {
        occupancy.onRoom = task; // the service's latest listener: a child of an earlier one ends here too
    }

    /** Has {@link #onRoom}'s task run once the core's count has room again. */
    void whenCoreHasRoom() {
        slots.whenRoom(occupancy.onRoom);
    }

    /**
     * Marks the listener as held back by {@code limit} ({@code instances} or {@code children.max};
     * {@code null}: the episode is over), with one {@code LIMIT ... accepting=paused} line when an
     * episode starts and one {@code accepting=resumed} line when it ends. An episode ends when the
     * listener accepts again and nothing is left waiting for it, so a flood that keeps a service
     * at its limit is one episode, not two lines per child.
     */
    void limited(String limit) {
        String before = limited;
        limited = limit;
        ServiceDefinition d = definition;
        if (limit != null && before == null) {
            LOG.warn("LIMIT service={} protocol={} limit={} max={} running={} origin={} accepting=paused", d.name(),
                    d.protocol().configName(), limit, limit.equals("instances") ? d.instances() : slots.max(),
                    limit.equals("instances") ? children.get() : slots.running(), d.origin());
        } else if (limit == null && before != null) {
            LOG.info("LIMIT service={} protocol={} limit={} max={} running={} origin={} accepting=resumed", d.name(),
                    d.protocol().configName(), before, before.equals("instances") ? d.instances() : slots.max(),
                    before.equals("instances") ? children.get() : slots.running(), d.origin());
        }
    }

    /** The limit the listener waits on, or {@code null} when it accepts. */
    String limited() {
        return limited;
    }

    /** Children started (or about to be) for this socket and not reaped yet. */
    int children() {
        return children.get();
    }

    /** Marks the handler as gone: connections still being accepted are closed, not dispatched. */
    void handlerGone() {
        handlerGone = true;
    }

    boolean isHandlerGone() {
        return handlerGone;
    }

    /** Why the socket is not being watched now (a wait service's server has it), or {@code null}. */
    String busy() {
        return busy;
    }

    void busy(String why) {
        this.busy = why;
    }

    /** A problem that does not stop the listener (a missing server program), or {@code null}. */
    String warning() {
        return warning;
    }

    void warning(String problem) {
        this.warning = problem;
    }

    WaitService waitService() {
        return waitService;
    }

    void waitService(WaitService service) {
        this.waitService = service;
    }

    /** The threads that answer this binding's connections on their descriptors, or {@code null}. */
    DirectAnswer directAnswer() {
        return directAnswer;
    }

    void directAnswer(DirectAnswer answer) {
        this.directAnswer = answer;
    }

    /** The thread that answers this binding's datagrams, or {@code null}. */
    DatagramAnswerThread datagramAnswer() {
        return datagramAnswer;
    }

    void datagramAnswer(DatagramAnswerThread answer) {
        this.datagramAnswer = answer;
    }

    /** The threads that hold this binding's connections as bare descriptors, or {@code null}. */
    HeldStreams heldStreams() {
        return heldStreams;
    }

    void heldStreams(HeldStreams held) {
        this.heldStreams = held;
    }

    /** The binding's open connections: its channels and its held connections. */
    int openConnections() {
        HeldStreams held = heldStreams;
        return connections.size() + (held == null ? 0 : held.size());
    }

    /** The socket passed by the service manager that this listener serves, or {@code null} when it bound its own. */
    PassedSockets.Passed adopted() {
        return adopted;
    }

    void adopted(PassedSockets.Passed passed) {
        this.adopted = passed;
    }

    /** The socket file of a Unix-domain service, or {@code null}. */
    SocketFile socketFile() {
        return socketFile;
    }

    void socketFile(SocketFile file) {
        this.socketFile = file;
    }
}
