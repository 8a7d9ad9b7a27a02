package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.ArrayList;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ServerStatus;
import org.superserver.api.status.ConnectionDurations;
import org.superserver.api.status.ServiceStats;

/**
 * The core's state: the definitions, handlers and access policies registered, and one listener per
 * definition id. Every change is queued on one thread, which reconciles the listeners with the
 * latest definition per id (see {@link Planner}); callers never wait for sockets.
 *
 * <p>A service over its rate limit ({@code ServiceDefinition.maxPerMinute()}) is paused as inetd
 * does: its socket is closed, it reports {@code PAUSED}, and it is bound again after the configured
 * {@code rate.pause.seconds}. Exec'd services are prepared here (identity, program checks) and
 * started by one shared {@link Launcher}, created with the first of them.
 *
 * <p>A socket that cannot be bound (the address is in use, or not configured yet) is tried again
 * after {@value #FIRST_RETRY_MILLIS} ms, then after twice as long each time up to {@value
 * #MAX_RETRY_MILLIS} ms, reporting {@code RETRYING} meanwhile.
 *
 * <p>A change of the core's settings is applied in place ({@link #reconfigure}): listeners,
 * connections and children stay; only a new transport or worker thread count needs new event
 * loops, and then the listeners (not the connections) move to them.
 *
 * <p>A service over its {@code cps} is paused the same way for its own {@code cpsPauseSeconds}; its
 * counts ({@link Occupancy}) belong to the service id and outlive the pause. A replaced definition
 * whose access rules or {@code instances} changed has its live clients checked again, and a
 * removed xinetd service has its clients ended ({@link Recheck}). Every started child is logged
 * and listed ({@link ConnectionLog}, {@link LiveChildren}) for the state dump ({@link StateDump}).
 *
 * <p>Services are registered under a caller-chosen key (the OSGi service id, or any object in
 * tests) and removed by the same key.
 */
final class Registry implements ServerStatus {

    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

    /** The first delay before a failed bind is tried again. */
    static final long FIRST_RETRY_MILLIS = 1_000;
    /** The longest delay between two tries of a failed bind. */
    static final long MAX_RETRY_MILLIS = 60_000;

    /** A registered handler or policy: the names it serves under, its ranking and arrival order. */
    private record Registered<T>(Set<String> names, int ranking, long order, T service) {
    }

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "superserver-registry");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService resumes = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "superserver-resume");
        thread.setDaemon(true);
        return thread;
    });

    // Confined to the executor's thread.
    private final Map<Object, ServiceDefinition> definitions = new LinkedHashMap<>();
    private final Map<Object, Registered<Handler>> handlers = new LinkedHashMap<>();
    private final Map<Object, Registered<AccessPolicy>> policies = new LinkedHashMap<>();
    private Map<String, Handler> handlersByName = Map.of();
    private long arrivals;
    private Transport transport;
    private Listeners listeners;
    private ChannelGroup everyConnection;
    /** The threads of every listener that holds connections as bare descriptors, until their last one ends. */
    private final Set<HeldStreams> everyHeld = ConcurrentHashMap.newKeySet();
    private Settings settings;
    private PolicyChain policyChain;
    private final List<Transport> retired = new ArrayList<>();
    private volatile Launcher launcher;
    private final ChildSlots slots = new ChildSlots(Settings.CHILDREN_MAX);

    // Read from any thread.
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Occupancy> occupancies = new ConcurrentHashMap<>();
    private final LiveChildren children = new LiveChildren();
    private final ConnectionLog connectionLog;
    private final BannerFiles banners = new BannerFiles();
    private final LoadAverage load = new LoadAverage();
    private final java.time.Instant created = java.time.Instant.now();
    private final ConnectionNumbers numbers = new ConnectionNumbers();

    // The service manager's sockets and notifications (systemd); confined to the executor's thread.
    private final java.util.function.Function<String, String> environment;
    private final int firstPassedFd;
    private PassedSockets passed = PassedSockets.none();
    private ListeningRecord record = ListeningRecord.none();
    private long sweepQuietMillis;
    /** When the definitions, handlers or policies last changed ({@link System#nanoTime}). */
    private long lastChange = System.nanoTime();
    private ServiceManager manager;
    private boolean applied;
    private boolean reloading;
    private boolean explicitReload;
    private long changes;

    /** How long the definitions must stay unchanged before a reload counts as applied ({@code READY=1}). */
    static final long RELOAD_QUIET_MILLIS = 200;

    /** The latest that passed sockets no service took are closed after the framework has started. */
    static final long SWEEP_LATEST_MILLIS = 10_000;

    Registry() {
        this(new LogWriter(), new Ident());
    }

    /**
     * @param environment where the service manager's variables ({@code LISTEN_*}, {@code NOTIFY_SOCKET})
     *                    are looked up: the process environment, or a test's
     */
    Registry(java.util.function.Function<String, String> environment) {
        this(environment, PassedSockets.FIRST_FD);
    }

    /**
     * @param firstPassedFd the descriptor of the first passed socket: 3, or wherever a test put its
     *                      sockets (the JVM holds 3 and more of its own)
     */
    Registry(java.util.function.Function<String, String> environment, int firstPassedFd) {
        this(new LogWriter(), new Ident(), environment, firstPassedFd);
    }

    /**
     * @param writer writes connection lines to the definitions' files and syslog
     * @param ident asks clients' ident servers (USERID)
     */
    Registry(LogWriter writer, Ident ident) {
        this(writer, ident, System::getenv, PassedSockets.FIRST_FD);
    }

    Registry(LogWriter writer, Ident ident, java.util.function.Function<String, String> environment,
             int firstPassedFd) {
        this.connectionLog = new ConnectionLog(writer, ident);
        this.environment = environment;
        this.firstPassedFd = firstPassedFd;
    }
    private volatile Map<String, AccessPolicy> policiesByName = Map.of();

    /**
     * Keeps the record of the listening sockets ({@link ListeningRecord}) in {@code file} from now
     * on, with the fingerprint {@code key} of the configuration ({@code null}: none); call before
     * {@link #start}.
     */
    void recordListening(java.nio.file.Path file, String key) {
        run(() -> record = ListeningRecord.at(file, key));
    }

    /** Starts the event loops and binds whatever is registered already. Returns at once. */
    CompletableFuture<Void> start(Settings settings) {
        return run(() -> {
            this.settings = settings;
            slots.max(settings.childrenMax());
            passed = PassedSockets.from(environment, ProcessHandle.current().pid(), firstPassedFd);
            passed.takeEarly(System.getProperties());
            manager = ServiceManager.from(environment);
            transport = Transport.start(settings);
            everyConnection = new DefaultChannelGroup("superserver-connections", GlobalEventExecutor.INSTANCE);
            policyChain = new PolicyChain(name -> policiesByName.get(name), settings.policyTimeoutMillis());
            listeners = newListeners(settings);
            LOG.info("START transport={} workers={} backlog={} write_buffer={}/{} children_max={}", transport.name(),
                    settings.effectiveWorkerThreads(), settings.backlog(), settings.writeBufferLow(),
                    settings.writeBufferHigh(), settings.childrenMax());
            reconcile();
        });
    }

    /**
     * Applies changed settings in place: {@code children.max}, the access policy timeout, the rate
     * pause and the write buffer water marks of new connections at once, the backlog for sockets
     * bound from now on. Listeners, connections and children stay. Only a new transport or worker
     * thread count needs new event loops: then every listener is bound again on them (its port
     * closed for a moment), while the open connections stay on the old event loops, which stop once
     * the last of them is closed.
     */
    CompletableFuture<Void> reconfigure(Settings next) {
        return run(() -> {
            Settings before = settings;
            settings = next;
            if (listeners == null || next.equals(before)) {
                return;
            }
            slots.max(next.childrenMax());
            policyChain.timeoutMillis(next.policyTimeoutMillis());
            boolean rebind = before.needsNewEventLoops(next);
            if (rebind) {
                moveListeners(next);
            } else {
                listeners.settings(next);
            }
            // logged once applied: a listener bound again is listening when this line is read
            LOG.info("CONFIG transport={} workers={} backlog={} write_buffer={}/{} policy_timeout={}ms"
                            + " rate_pause={}s children_max={} applied={}", next.transport(),
                    next.effectiveWorkerThreads(), next.backlog(), next.writeBufferLow(), next.writeBufferHigh(),
                    next.policyTimeoutMillis(), next.ratePauseSeconds(), next.childrenMax(),
                    rebind ? "listeners rebound on new event loops (connections stay)" : "in place");
        });
    }

    /** Starts new event loops, binds every listener again on them and retires the old ones. */
    private void moveListeners(Settings next) {
        Transport old = transport;
        transport = Transport.start(next);
        listeners = newListeners(next);
        for (Entry entry : entries.values()) {
            if (entry.binding() != null) {
                ServiceDefinition definition = entry.definition();
                if (entry.binding().boundAddress() != null) {
                    listeners.keepAddress(definition.id(), entry.binding().boundAddress());
                }
                closeListener(entry, "new event loops (transport " + transport.name() + ", "
                        + next.effectiveWorkerThreads() + " workers)");
                bind(entry, definition);
            }
        }
        retire(old);
    }

    private Listeners newListeners(Settings with) {
        Listeners made = new Listeners(transport, with, policyChain, everyConnection, this::launcher,
                this::overloaded, slots, new DispatchServices(connectionLog, banners, load, this::cpsExceeded),
                this::occupancy, numbers, everyHeld);
        made.passedSockets(passed);
        return made;
    }

    /**
     * The first configuration has been applied (every bundle of the framework has started, so the
     * config sources have published what they read, or are about to): the service manager is told
     * {@code READY=1}, and once the configuration stays unchanged passed sockets that no service took
     * are reported and closed ({@link #sweepWhenQuiet}). Later calls do nothing.
     */
    CompletableFuture<Void> configurationApplied() {
        return run(() -> {
            if (applied || listeners == null) {
                return;
            }
            applied = true;
            manager.ready(statusLine());
            sweepWhenQuiet(System.nanoTime());
        });
    }

    /**
     * Once the definitions, handlers and policies have stayed unchanged for {@link #sweepQuietMillis}
     * (at the latest {@value #SWEEP_LATEST_MILLIS} ms after {@code since}): passed sockets that no
     * service took are reported and closed, and the listening sockets recorded for the next start.
     * A config source may publish its services a little after the framework has started (FileInstall
     * reads its directories on its own thread), and a socket closed before its service comes would
     * turn away the clients waiting on it. On the registry's thread.
     */
    private void sweepWhenQuiet(long since) {
        long now = System.nanoTime();
        long quiet = TimeUnit.MILLISECONDS.toNanos(sweepQuietMillis);
        if (listeners == null) {
            return;
        }
        if (now - lastChange >= quiet || now - since >= TimeUnit.MILLISECONDS.toNanos(SWEEP_LATEST_MILLIS)) {
            passed.sweep();
            record.write(entries.values(), settings.backlog());
            return;
        }
        try {
            resumes.schedule(() -> run(() -> sweepWhenQuiet(since)), Math.max(10, sweepQuietMillis / 4),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /**
     * How long the configuration must stay unchanged after the framework has started before passed
     * sockets no service took are closed ({@link #sweepWhenQuiet}); 0 (the default) closes them at
     * once.
     */
    void sweepQuietMillis(long millis) {
        run(() -> sweepQuietMillis = millis);
    }

    /**
     * A definition changes after the first configuration was applied: the service manager hears
     * {@code RELOADING=1} before the first change of a burst and {@code READY=1} once the definitions
     * have stayed unchanged for {@value #RELOAD_QUIET_MILLIS} ms (a config source republishes its
     * services one by one).
     */
    private void changing() {
        if (!applied) {
            return;
        }
        if (!reloading) {
            reloading = true;
            manager.reloading(statusLine());
        }
        readyWhenQuiet();
    }

    /** Sends {@code READY=1} once no change has come for {@value #RELOAD_QUIET_MILLIS} ms, outside a reload. */
    private void readyWhenQuiet() {
        long mine = ++changes;
        try {
            resumes.schedule(() -> run(() -> {
                if (reloading && !explicitReload && changes == mine && listeners != null) {
                    reloading = false;
                    manager.ready(statusLine());
                    record.write(entries.values(), settings.backlog());
                }
            }), RELOAD_QUIET_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /**
     * Every config source is about to be read again (SIGHUP): the service manager hears
     * {@code RELOADING=1} now, and {@code READY=1} only after {@link #reloadEnds} and the changes
     * it brought.
     */
    CompletableFuture<Void> reloadStarts() {
        return run(() -> {
            if (!applied) {
                return;
            }
            explicitReload = true;
            if (!reloading) {
                reloading = true;
                manager.reloading(statusLine());
            }
        });
    }

    /** The sources have been read again: {@code READY=1} once their changes are applied. */
    CompletableFuture<Void> reloadEnds() {
        return run(() -> {
            if (!applied || !explicitReload) {
                return;
            }
            explicitReload = false;
            readyWhenQuiet();
        });
    }

    /** The threads that hold connections of service {@code id}. */
    private List<HeldStreams> held(String id) {
        List<HeldStreams> of = new ArrayList<>();
        for (HeldStreams held : everyHeld) {
            if (held.binding().definition().id().equals(id)) {
                of.add(held);
            }
        }
        return of;
    }

    /** {@code <n> services, <m> connections}: listening services, open connections and running servers. */
    private String statusLine() {
        long listening = entries.values().stream().filter(e -> e.binding() != null).count();
        int open = (everyConnection == null ? 0 : everyConnection.size()) + children.all().size()
                + everyHeld.stream().mapToInt(HeldStreams::size).sum();
        return listening + " services, " + open + " connections";
    }

    /** The counts of service {@code id}, kept across its listeners. */
    private Occupancy occupancy(String id) {
        return occupancies.computeIfAbsent(id, k -> new Occupancy());
    }

    /** Stops {@code old}'s event loops once the connections they serve are closed. */
    private void retire(Transport old) {
        List<Channel> staying = new ArrayList<>();
        for (Channel channel : everyConnection) {
            if (channel.eventLoop().parent() == old.workers()) {
                staying.add(channel);
            }
        }
        retired.add(old);
        LOG.info("TRANSPORT retired={} open_connections={} (its event loops stop once these are closed)", old.name(),
                staying.size());
        AtomicInteger left = new AtomicInteger(staying.size() + 1);
        Runnable closed = () -> {
            if (left.decrementAndGet() == 0) {
                run(() -> {
                    if (retired.remove(old)) {
                        old.close();
                    }
                });
            }
        };
        for (Channel channel : staying) {
            channel.closeFuture().addListener(f -> closed.run());
        }
        closed.run();
    }

    /** Closes every listener and connection and stops the event loops; waits a few seconds at most. */
    void stop() {
        CompletableFuture<Void> done = run(() -> {
            if (manager != null) {
                manager.stopping();
                manager.close();
            }
            if (transport == null) {
                connectionLog.close();
                banners.close();
                load.close();
                return;
            }
            for (Entry entry : entries.values()) {
                closeListener(entry, "core stopped", false);
            }
            entries.clear();
            passed.close();
            everyConnection.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            List.copyOf(everyHeld).forEach(HeldStreams::closeAll);
            transport.close();
            retired.forEach(Transport::close);
            retired.clear();
            transport = null;
            listeners = null;
            if (launcher != null) {
                launcher.close();
                launcher = null;
            }
            connectionLog.close();
            banners.close();
            load.close();
            LOG.info("STOP");
        });
        try {
            done.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("STOP error={}", e.toString());
        } finally {
            executor.shutdown();
            resumes.shutdownNow();
        }
    }

    /** Completes once every change queued before it has been applied. */
    CompletableFuture<Void> settled() {
        return run(() -> { });
    }

    void addDefinition(Object key, ServiceDefinition definition) {
        run(() -> {
            changing();
            definitions.remove(key);
            definitions.put(key, definition);
            reconcile();
        });
    }

    void removeDefinition(Object key) {
        run(() -> {
            if (definitions.remove(key) != null) {
                changing();
                reconcile();
            }
        });
    }

    /** Registers a handler under every name in {@code names}; the highest ranking wins a name, then the oldest. */
    void addHandler(Object key, Collection<String> names, int ranking, Handler handler) {
        run(() -> {
            handlers.put(key, new Registered<>(Set.copyOf(names), ranking, arrivals++, handler));
            handlersByName = byName(handlers);
            reconcile();
        });
    }

    /**
     * Applies changed service properties of a handler. A new ranking takes effect without touching
     * connections; new names count as the handler leaving and arriving again; no names at all as
     * it leaving.
     */
    void updateHandler(Object key, Collection<String> names, int ranking, Handler handler) {
        run(() -> {
            Registered<Handler> known = handlers.get(key);
            Set<String> renamed = Set.copyOf(names);
            if (known != null && known.service() == handler && known.names().equals(renamed)) {
                handlers.put(key, new Registered<>(renamed, ranking, known.order(), handler));
            } else {
                handlerLeft(key);
                if (!renamed.isEmpty()) {
                    handlers.put(key, new Registered<>(renamed, ranking, arrivals++, handler));
                }
            }
            handlersByName = byName(handlers);
            reconcile();
        });
    }

    /**
     * Removes a handler: closes the listeners it serves and every connection it is serving (its code
     * is going away), then binds them again with another handler of the same name if there is one.
     */
    void removeHandler(Object key) {
        run(() -> {
            handlerLeft(key);
            reconcile();
        });
    }

    private void handlerLeft(Object key) {
        Registered<Handler> gone = handlers.remove(key);
        if (gone == null) {
            return;
        }
        handlersByName = byName(handlers);
        if (listeners == null) {
            return;
        }
        Handler leaving = gone.service();
        for (Entry entry : entries.values()) {
            Binding binding = entry.binding();
            if (binding != null && binding.handler() == leaving) {
                binding.handlerGone();
                closeListener(entry, "handler " + entry.definition().handler() + " left");
                waiting(entry, entry.definition(), !handlersByName.containsKey(entry.definition().handler()));
            }
        }
        everyConnection.close(channel -> channel.attr(Listeners.HANDLER).get() == leaving)
                .awaitUninterruptibly(2, TimeUnit.SECONDS);
        for (HeldStreams held : everyHeld) {
            if (held.answers() == leaving) {
                held.endAll();
            }
        }
    }

    void addPolicy(Object key, Collection<String> names, int ranking, AccessPolicy policy) {
        run(() -> {
            policies.put(key, new Registered<>(Set.copyOf(names), ranking, arrivals++, policy));
            policiesByName = byName(policies);
        });
    }

    void removePolicy(Object key) {
        run(() -> {
            if (policies.remove(key) != null) {
                policiesByName = byName(policies);
            }
        });
    }

    @Override
    public List<ListenerStatus> listeners() {
        List<ListenerStatus> snapshot = new ArrayList<>();
        for (Entry entry : entries.values()) {
            snapshot.add(entry.status());
        }
        return List.copyOf(snapshot);
    }

    /** The state dump ({@link StateDump}): services, running servers, open connections, counters. */
    @Override
    public String dump() {
        return StateDump.text(new StateDump.Input(java.time.Instant.now(), created, List.copyOf(entries.values()),
                occupancies::get, children.all(), everyConnection == null ? List.of() : everyConnection,
                everyHeld.stream().flatMap(held -> held.statuses().stream()).toList(), slots,
                connectionLog));
    }

    /**
     * The open in-process and relayed connections (from the group of every connection) and the
     * running servers (from the table of children), oldest first. An exec'd service's connection
     * is its server: the core lets go of the socket once the server has it.
     */
    @Override
    public List<ConnectionStatus> connections() {
        List<ConnectionStatus> all = new ArrayList<>();
        ChannelGroup open = everyConnection;
        if (open != null) {
            for (Channel channel : open) {
                LiveConnection live = LiveConnection.of(channel);
                if (live == null || !channel.isActive()) {
                    continue;
                }
                ServiceDefinition d = live.definition();
                all.add(new ConnectionStatus(live.id(), d.id(), d.name(),
                        d.isRedirect() ? ConnectionStatus.Kind.RELAY : ConnectionStatus.Kind.HANDLER,
                        Peers.local(channel), Peers.remote(channel),
                        live.accepted(), live.in(channel), live.out(channel), 0));
            }
        }
        for (HeldStreams held : everyHeld) {
            all.addAll(held.statuses());
        }
        for (LiveChildren.Child child : children.all()) {
            ServiceDefinition d = child.definition();
            all.add(new ConnectionStatus(child.id(), d.id(), d.name(), ConnectionStatus.Kind.CHILD, child.local(),
                    child.remote(), child.started(), -1, -1, child.pid()));
        }
        all.sort(Comparator.comparing(ConnectionStatus::started).thenComparingLong(ConnectionStatus::id));
        return List.copyOf(all);
    }

    /** The counters of every known service, kept across its listeners ({@link Occupancy}). */
    @Override
    public List<ServiceStats> stats() {
        List<ServiceStats> all = new ArrayList<>();
        for (Entry entry : entries.values()) {
            ServiceDefinition d = entry.definition();
            Occupancy o = occupancies.get(entry.id());
            if (o == null) {
                all.add(new ServiceStats(d.id(), d.name(), 0, 0, Map.of(), 0, Map.of(), 0, 0, 0, 0, Map.of(),
                        ConnectionDurations.none()));
                continue;
            }
            all.add(new ServiceStats(d.id(), d.name(), o.accepted.get(), o.denied.get(),
                    Occupancy.snapshot(o.deniedBy), o.refused.get(), Occupancy.snapshot(o.refusedBy),
                    o.childrenStarted.get(), o.childrenFailed.get(), o.bytesIn.get(), o.bytesOut.get(),
                    Occupancy.snapshot(o.exits), o.durations.snapshot()));
        }
        all.sort(Comparator.comparing(ServiceStats::service).thenComparing(ServiceStats::serviceId));
        return List.copyOf(all);
    }

    /**
     * Ends connection (or server) number {@code id}: closes an in-process connection, terminates a
     * server ({@link Terminator}: SIGTERM, then SIGKILL after the grace period).
     *
     * @return false when nothing of that number is live
     */
    boolean close(long id) {
        ChannelGroup open = everyConnection;
        if (open != null) {
            for (Channel channel : open) {
                LiveConnection live = LiveConnection.of(channel);
                if (live != null && live.id() == id && channel.isActive()) {
                    ServiceDefinition d = live.definition();
                    LOG.warn("KILL service={} protocol={} connection={} from={} action=closed reason=by the"
                                    + " administrator", d.name(), d.protocol().configName(), id,
                            Addresses.format(Peers.remote(channel)));
                    channel.close();
                    return true;
                }
            }
        }
        for (HeldStreams held : everyHeld) {
            HeldStreams.Open ended = held.end(id);
            if (ended != null) {
                ServiceDefinition d = held.binding().definition();
                LOG.warn("KILL service={} protocol={} connection={} from={} action=closed reason=by the"
                        + " administrator", d.name(), d.protocol().configName(), id, Addresses.format(ended.remote()));
                return true;
            }
        }
        for (LiveChildren.Child child : children.all()) {
            if (child.id() == id && !child.exit().isDone()) {
                Terminator.terminate(child, Terminator.GRACE_MILLIS, resumes, "connection " + id
                        + " ended by the administrator");
                return true;
            }
        }
        return false;
    }

    /**
     * Terminates the running server with process id {@code pid} if this core started it; any other
     * process is left alone.
     */
    boolean terminate(int pid) {
        LiveChildren.Child child = children.byPid(pid);
        if (child == null || child.exit().isDone()) {
            return false;
        }
        Terminator.terminate(child, Terminator.GRACE_MILLIS, resumes, "terminated by the administrator");
        return true;
    }

    /** The connection log, for tests. */
    ConnectionLog connectionLog() {
        return connectionLog;
    }

    /** The running children, for tests. */
    LiveChildren children() {
        return children;
    }

    /** The bound socket of a service id, or {@code null}: for tests that look at the descriptor itself. */
    Binding binding(String id) {
        Entry entry = entries.get(id);
        return entry == null ? null : entry.binding();
    }

    private void reconcile() {
        lastChange = System.nanoTime();
        if (listeners == null) {
            return;
        }
        Map<String, ServiceDefinition> desired = new LinkedHashMap<>();
        for (ServiceDefinition definition : definitions.values()) {
            desired.put(definition.id(), definition);
        }
        Map<String, Planner.Current> current = new HashMap<>();
        entries.forEach((id, entry) -> current.put(id, new Planner.Current(entry.definition(), entry.state())));
        List<Planner.Action> plan = Planner.plan(current, desired, handlersByName.keySet());
        Map<String, ServiceDefinition> replaced = new LinkedHashMap<>();
        for (Planner.Action action : plan) {
            Entry entry = entries.computeIfAbsent(action.id(), id -> new Entry(action.definition()));
            if (action.kind() == Planner.Kind.SWAP || action.kind() == Planner.Kind.REBIND) {
                replaced.put(action.id(), entry.definition());
            }
            switch (action.kind()) {
                case CLOSE:
                    entries.remove(action.id());
                    closeListener(entry, "definition removed", false);
                    passed.release(action.id());
                    removed(entry.definition());
                    break;
                case WAIT:
                    closeListener(entry, "handler " + action.definition().handler() + " is missing");
                    waiting(entry, action.definition(), true);
                    break;
                case REBIND:
                    closeListener(entry, "definition changed");
                    break;
                default:
                    break;
            }
        }
        for (Planner.Action action : plan) {
            Entry entry = entries.get(action.id());
            switch (action.kind()) {
                case REBIND:
                case BIND:
                    bind(entry, action.definition());
                    break;
                case RETAG:
                    retag(entry, action.definition());
                    break;
                case SWAP:
                    if (!action.definition().isInternal() && !action.definition().isRedirect()
                            && !swapProgram(entry, action.definition())) {
                        break;
                    }
                    if (action.definition().isInternal() || action.definition().isRedirect()) {
                        entry.swap(action.definition());
                    }
                    LOG.info("UPDATE service={} protocol={} address={} origin={} socket=kept", action.definition().name(),
                            action.definition().protocol().configName(),
                            Addresses.format(entry.binding() == null ? null : entry.binding().boundAddress()),
                            action.definition().origin());
                    break;
                default:
                    break;
            }
        }
        replaced.forEach((id, before) -> {
            Entry entry = entries.get(id);
            if (entry == null) {
                return;
            }
            ServiceDefinition after = entry.definition();
            if (Recheck.accessChanged(before, after)) {
                LOG.info("RECHECK service={} protocol={} origin={} reason=access rules changed; asking the policies"
                                + " again about its clients", after.name(), after.protocol().configName(), after.origin());
                Recheck.askAgain(after, everyConnection, children, policyChain, resumes, occupancy(id));
                Recheck.askAgain(after, held(id), policyChain, resumes, occupancy(id));
            }
            if (after.instances() > 0 && (before.instances() == 0 || after.instances() < before.instances())) {
                Recheck.trimToInstances(after, everyConnection, held(id), children, resumes, occupancy(id));
            }
        });
    }

    /** A service removed by a reload: xinetd's end its clients, inetd's are left to finish. */
    private void removed(ServiceDefinition definition) {
        occupancies.remove(definition.id());
        connectionLog.forget(definition.id());
        if (Recheck.endsClientsWhenRemoved(definition)) {
            Recheck.endAll(definition, everyConnection, held(definition.id()), children, resumes);
        }
    }

    /** A started child: its START and EXIT lines, and its place in the table of children until reaped. */
    private void childStarted(ServiceDefinition definition, int pid, java.net.InetSocketAddress local,
                              java.net.InetSocketAddress remote, CompletableFuture<Reaper.Exit> exit) {
        LiveChildren.Child child = new LiveChildren.Child(numbers.next(), pid, definition, local, remote,
                java.time.Instant.now(), exit);
        children.add(child);
        Occupancy occupancy = occupancies.get(definition.id());
        if (occupancy != null) {
            occupancy.childrenStarted.incrementAndGet();
            long startedNanos = System.nanoTime();
            exit.thenAccept(e -> {
                if (e.code() != 0) {
                    occupancy.childrenFailed.incrementAndGet();
                }
                occupancy.exited(e);
                if (!definition.isWait()) {
                    // a nowait server is its connection: the connection lasted as long as the server
                    occupancy.durations.record(e.endNanos() - startedNanos);
                }
            });
        }
        connectionLog.child(definition, pid, local, remote, exit);
        Entry entry = entries.get(definition.id());
        if (entry == null) {
            if (Recheck.endsClientsWhenRemoved(definition)) {
                // started as its xinetd service was being removed: it goes the way of the others
                Recheck.endLate(definition, child, resumes);
            }
        } else if (entry.definition() != definition && Recheck.accessChanged(definition, entry.definition())) {
            // admitted under the rules before a reload that may be rechecking the others right now
            Recheck.askAgain(entry.definition(), child, children, policyChain, resumes, occupancy(definition.id()));
        }
    }

    private void bind(Entry entry, ServiceDefinition definition) {
        if (definition.isRedirect()) {
            bindRedirect(entry, definition);
            return;
        }
        if (!definition.isInternal()) {
            bindProgram(entry, definition);
            return;
        }
        Handler handler = handlersByName.get(definition.handler());
        try {
            Binding binding = listeners.bind(definition, handler);
            entry.listening(definition, binding);
            LOG.info("LISTEN service={} protocol={} address={} handler={} origin={}", definition.name(),
                    definition.protocol().configName(), Addresses.format(binding.boundAddress()),
                    definition.handler(), definition.origin());
        } catch (Listeners.BindFailure e) {
            retryLater(entry, definition, e.getMessage());
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            entry.unbound(definition, ListenerState.FAILED, why);
            LOG.error("FAIL service={} protocol={} address={} origin={} reason={}", definition.name(),
                    definition.protocol().configName(),
                    Addresses.configured(definition),
                    definition.origin(), why);
        }
    }

    /** Binds a {@code redirect} service: its clients are relayed in process, no program is prepared. */
    private void bindRedirect(Entry entry, ServiceDefinition definition) {
        try {
            Binding binding = listeners.bindRedirect(definition);
            entry.listening(definition, binding);
            LOG.info("LISTEN service={} protocol={} address={} redirect={}:{} origin={}", definition.name(),
                    definition.protocol().configName(), Addresses.format(binding.boundAddress()),
                    definition.redirectHost(), definition.redirectPort(), definition.origin());
        } catch (Listeners.BindFailure e) {
            retryLater(entry, definition, e.getMessage());
        } catch (Exception e) {
            failed(entry, definition, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Closes the listener to bind it again later: a socket adopted from the service manager is kept for it. */
    private void closeListener(Entry entry, String reason) {
        closeListener(entry, reason, true);
    }

    /**
     * @param keepPassed whether a socket adopted from the service manager is kept for the service's
     *                   next listener (false when the service is removed or the core stops)
     */
    private void closeListener(Entry entry, String reason, boolean keepPassed) {
        Binding binding = entry.binding();
        if (binding == null) {
            return;
        }
        listeners.close(binding, keepPassed);
        ServiceDefinition definition = binding.definition();
        LOG.info("CLOSE service={} protocol={} address={} origin={} reason={} open_connections={}", definition.name(),
                definition.protocol().configName(), Addresses.format(binding.boundAddress()), definition.origin(),
                reason, binding.openConnections());
        entry.unbound(entry.definition(), ListenerState.STARTING, "");
    }

    private static void waiting(Entry entry, ServiceDefinition definition, boolean log) {
        entry.unbound(definition, ListenerState.WAITING_FOR_HANDLER,
                "waiting for handler " + definition.handler());
        if (log) {
            LOG.info("WAIT service={} protocol={} handler={} origin={} reason=no handler of this name is registered",
                    definition.name(), definition.protocol().configName(), definition.handler(),
                    definition.origin());
        }
    }

    /**
     * Binds an exec'd service after its load-time checks: an identity that must not be used, a
     * transport without raw descriptors or a missing JNA fail the service; a missing or
     * non-executable program is logged at ERROR and the listener stays up (each attempt is then
     * logged and its connection closed). A user or group that does not exist is logged at WARN and
     * the listener stays up too, as under inetd: each connection looks the account up again and is
     * refused, with a line naming it, until the account exists (NSS/LDAP accounts may appear later).
     */
    private void bindProgram(Entry entry, ServiceDefinition definition) {
        Program program;
        try {
            program = launcher().prepare(definition);
        } catch (IllegalArgumentException e) {
            failed(entry, definition, e.getMessage());
            return;
        } catch (LinkageError e) {
            failed(entry, definition, "exec'd services need JNA (com.sun.jna) and glibc 2.34 or later: " + e);
            return;
        }
        try {
            Binding binding = listeners.bind(definition, program);
            String problem = program.resolved() ? program.problem() : program.unresolved();
            binding.warning(problem);
            entry.listening(definition, binding);
            LOG.info("LISTEN service={} protocol={} address={} server={} wait={} user={} origin={}", definition.name(),
                    definition.protocol().configName(), Addresses.format(binding.boundAddress()), definition.server(),
                    definition.isWait() ? "wait" : "nowait", program.userName(), definition.origin());
            programProblem(definition, program, problem);
        } catch (Listeners.BindFailure e) {
            retryLater(entry, definition, e.getMessage());
        } catch (Exception e) {
            failed(entry, definition, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /**
     * A socket could not be bound: report {@code RETRYING} with the error and the time of the next
     * try, and try again then (1 s, doubling up to 60 s; inetd waits its RETRYTIME, 10 minutes).
     */
    private void retryLater(Entry entry, ServiceDefinition definition, String why) {
        long delay = entry.nextRetryMillis(FIRST_RETRY_MILLIS, MAX_RETRY_MILLIS);
        String when = java.time.Instant.now().plusMillis(delay).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        Object token = entry.retrying(definition, why + "; next try in " + delay / 1000 + " s, at " + when);
        LOG.warn("RETRY service={} protocol={} address={} origin={} reason={} next_try_in={}s", definition.name(),
                definition.protocol().configName(), Addresses.configured(definition), definition.origin(), why, delay / 1000);
        try {
            resumes.schedule(() -> run(() -> retry(entry, token)), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void retry(Entry entry, Object token) {
        if (listeners == null || entries.get(entry.id()) != entry || !entry.awaiting(ListenerState.RETRYING, token)) {
            return;
        }
        ServiceDefinition definition = entry.definition();
        if (definition.isInternal() && !handlersByName.containsKey(definition.handler())) {
            waiting(entry, definition, true);
            return;
        }
        bind(entry, definition);
    }

    /**
     * A definition that differs from the one served only in its origin (file and line): the
     * listener, its connections and its state stay, and new connections are served (and logged)
     * with the new one.
     */
    private void retag(Entry entry, ServiceDefinition definition) {
        Binding binding = entry.binding();
        if (binding != null && binding.program() != null) {
            try {
                entry.swap(definition, launcher().prepare(definition));
                return;
            } catch (IllegalArgumentException | LinkageError e) {
                // keep the prepared program; only its origin is older
            }
        }
        entry.swap(definition);
    }

    /** Prepares a changed exec'd definition whose socket stays; false when it must no longer be served. */
    private boolean swapProgram(Entry entry, ServiceDefinition definition) {
        if (entry.binding() == null) {
            entry.swap(definition);
            return true;
        }
        Program program;
        try {
            program = launcher().prepare(definition);
        } catch (IllegalArgumentException | LinkageError e) {
            closeListener(entry, "definition changed");
            failed(entry, definition, e.getMessage() == null ? e.toString() : e.getMessage());
            return false;
        }
        entry.swap(definition, program);
        String problem = program.resolved() ? program.problem() : program.unresolved();
        entry.binding().warning(problem);
        programProblem(definition, program, problem);
        return true;
    }

    private static void programProblem(ServiceDefinition definition, Program program, String problem) {
        if (program.notice() != null) {
            LOG.warn("NOTICE service={} protocol={} origin={} {}", definition.name(),
                    definition.protocol().configName(), definition.origin(), program.notice());
        }
        if (!program.resolved()) {
            LOG.warn("PROGRAM service={} protocol={} origin={} error={}; the listener stays up and refuses each"
                    + " connection until the account exists", definition.name(), definition.protocol().configName(),
                    definition.origin(), problem);
        } else if (problem != null) {
            LOG.error("PROGRAM service={} protocol={} origin={} error={}; the listener stays up and closes every"
                    + " connection until the program is there", definition.name(), definition.protocol().configName(),
                    definition.origin(), problem);
        }
    }

    private static void failed(Entry entry, ServiceDefinition definition, String why) {
        entry.unbound(definition, ListenerState.FAILED, why);
        LOG.error("FAIL service={} protocol={} address={} origin={} reason={}", definition.name(),
                definition.protocol().configName(), Addresses.configured(definition), definition.origin(), why);
    }

    /** The launcher of exec'd services, started with the first of them. */
    private Launcher launcher() {
        Launcher l = launcher;
        if (l == null) {
            synchronized (this) {
                l = launcher;
                if (l == null) {
                    l = new Launcher();
                    l.watch(this::childStarted);
                    launcher = l;
                }
            }
        }
        return l;
    }

    /**
     * A binding's rate limit tripped: as inetd, close its socket, report the service PAUSED, and
     * bind it again after {@code rate.pause.seconds}.
     */
    private void overloaded(Binding binding) {
        ServiceDefinition d = binding.definition();
        pause(binding, "rate limit", () -> settings.ratePauseSeconds(),
                () -> "more than " + d.maxPerMinute() + " invocations within 60 s");
    }

    /**
     * A binding went over its {@code cps}: as xinetd, close its socket for the definition's {@code cps}
     * pause, then bind it again. Its running servers and open connections stay counted against
     * {@code instances} and {@code per_source} ({@link Occupancy}), unlike xinetd, which starts
     * counting from zero when the service comes back.
     */
    private void cpsExceeded(Binding binding) {
        ServiceDefinition d = binding.definition();
        pause(binding, "cps", () -> (long) d.cpsPauseSeconds(),
                () -> "more than " + d.cps() + " connections within one second (cps)");
    }

    private void pause(Binding binding, String limit, java.util.function.LongSupplier pauseSeconds,
                       java.util.function.Supplier<String> over) {
        run(() -> {
            ServiceDefinition definition = binding.definition();
            Entry entry = entries.get(definition.id());
            if (entry == null || entry.binding() != binding) {
                return;
            }
            long seconds = pauseSeconds.getAsLong();
            closeListener(entry, limit);
            String why = over.get() + "; paused for " + seconds + " s";
            Object token = entry.awaitInState(ListenerState.PAUSED, why);
            LOG.warn("PAUSE service={} protocol={} origin={} reason={} resume_in={}s", definition.name(),
                    definition.protocol().configName(), definition.origin(), why, seconds);
            try {
                resumes.schedule(() -> run(() -> resume(entry, token)), seconds, TimeUnit.SECONDS);
            } catch (RejectedExecutionException e) {
                // stopping
            }
        });
    }

    private void resume(Entry entry, Object token) {
        if (listeners == null || entries.get(entry.id()) != entry || !entry.awaiting(ListenerState.PAUSED, token)) {
            return;
        }
        ServiceDefinition definition = entry.definition();
        LOG.info("RESUME service={} protocol={} origin={}", definition.name(), definition.protocol().configName(),
                definition.origin());
        if (definition.isInternal() && !handlersByName.containsKey(definition.handler())) {
            waiting(entry, definition, true);
            return;
        }
        bind(entry, definition);
    }

    private static <T> Map<String, T> byName(Map<Object, Registered<T>> registered) {
        Map<String, Registered<T>> best = new HashMap<>();
        for (Registered<T> r : registered.values()) {
            for (String name : r.names()) {
                best.merge(name, r, (a, b) -> b.ranking() > a.ranking()
                        || (b.ranking() == a.ranking() && b.order() < a.order()) ? b : a);
            }
        }
        Map<String, T> result = new HashMap<>();
        best.forEach((name, r) -> result.put(name, r.service()));
        return Map.copyOf(result);
    }

    private CompletableFuture<Void> run(Runnable change) {
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    change.run();
                } catch (RuntimeException | LinkageError e) {
                    LOG.error("REGISTRY error={}", e.toString(), e);
                    throw e;
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
