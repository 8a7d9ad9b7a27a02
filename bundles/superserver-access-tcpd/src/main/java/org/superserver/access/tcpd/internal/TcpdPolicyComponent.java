package org.superserver.access.tcpd.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;
import org.superserver.api.access.PolicyInspector;

/**
 * The {@code tcpd} access policy service: hosts.allow and hosts.deny from configuration
 * {@code org.superserver.access.tcpd} or the framework properties {@code superserver.hosts.allow} /
 * {@code superserver.hosts.deny} (default /etc/hosts.allow, /etc/hosts.deny), polled for changes on
 * one small thread. Lookups run on at most four threads and decisions that wait for them on at most
 * two, so the event loops never wait. Registered also as the policy's {@link PolicyInspector}, with
 * the same {@code superserver.policy=tcpd}: tcpdmatch and tcpdchk for the shell, over the same files
 * and netgroups (one thread for innetgr, which is not thread-safe, shared by both); its name
 * lookups run on two threads of their own and are not cached for connections, so
 * a slow lookup typed in the shell cannot hold up a connection's.
 */
@Component(name = TcpdPolicyComponent.PID,
        configurationPid = TcpdPolicyComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        service = {AccessPolicy.class, PolicyInspector.class},
        property = AccessPolicy.NAME_PROPERTY + "=" + TcpdPolicyComponent.POLICY_NAME)
@Designate(ocd = TcpdConfig.class)
public final class TcpdPolicyComponent implements AccessPolicy, PolicyInspector {

    static final String PID = "org.superserver.access.tcpd";
    static final String POLICY_NAME = "tcpd";
    static final String ALLOW_PROPERTY = "superserver.hosts.allow";
    static final String DENY_PROPERTY = "superserver.hosts.deny";
    static final String DEFAULT_ALLOW = "/etc/hosts.allow";
    static final String DEFAULT_DENY = "/etc/hosts.deny";
    static final long MIN_POLL_MS = 100;
    static final int MAX_CACHED_NAMES = 10_000;
    /** Threads and waiting room for the shell's lookups (tcpdmatch); a lookup refused times out as unknown. */
    static final int INSPECTION_THREADS = 2;
    static final int INSPECTION_QUEUE = 16;

    private static final Logger LOG = LoggerFactory.getLogger(TcpdPolicyComponent.class);

    /** The settings of a configuration, resolved against the framework properties. */
    static final class Settings {
        final Path allow;
        final Path deny;
        final long lookupTimeoutMillis;
        final long cacheMillis;
        final boolean ident;
        final long pollMillis;

        Settings(TcpdConfig c, UnaryOperator<String> frameworkProperty) {
            this.allow = path(c.allow__file(), frameworkProperty.apply(ALLOW_PROPERTY), DEFAULT_ALLOW);
            this.deny = path(c.deny__file(), frameworkProperty.apply(DENY_PROPERTY), DEFAULT_DENY);
            this.lookupTimeoutMillis = Math.max(1, c.lookup__timeout__ms());
            this.cacheMillis = Math.max(0, c.cache__seconds()) * 1000;
            this.ident = c.ident();
            this.pollMillis = c.poll__interval__ms() <= 0 ? 0 : Math.max(MIN_POLL_MS, c.poll__interval__ms());
        }

        private static Path path(String configured, String property, String fallback) {
            String p = configured != null && !configured.isBlank() ? configured
                    : property != null && !property.isBlank() ? property : fallback;
            return Path.of(p.trim()).toAbsolutePath().normalize();
        }
    }

    private final BundleContext context;
    private final Resolver resolver;
    /** innetgr, not thread-safe: every query goes through this one thread ({@link Netgroups}). */
    private final BiPredicate<String, String> innetgr;
    private final ThreadPoolExecutor netgroupThread;
    private final ThreadPoolExecutor lookups;
    private final ThreadPoolExecutor evaluator;
    private final ThreadPoolExecutor inspection;
    private final ScheduledExecutorService poller;
    private volatile TcpdPolicy policy;
    private volatile TcpdInspector inspector;
    private ScheduledFuture<?> poll;

    @Activate
    public TcpdPolicyComponent(BundleContext context, TcpdConfig config) {
        this.context = context;
        Resolver r;
        BiPredicate<String, String> n;
        try {
            NativeNames.load();
            r = NativeNames.RESOLVER;
            n = NativeNames::inNetgroup;
            LOG.debug("Host names through the C library (getnameinfo), netgroups through innetgr");
        } catch (LinkageError e) {
            r = Resolver.SYSTEM;
            n = null;
            LOG.info("JNA is not available ({}): host names through the JVM's resolver (PARANOID cannot be told "
                    + "from UNKNOWN) and no netgroups (@netgroup never matches)", e.toString());
        }
        this.resolver = r;
        this.innetgr = n;
        if (TcpdPolicy.SETSID == null) {
            LOG.warn("setsid(1) not found in /usr/bin or /bin: spawn and aclexec commands run in the server's session");
        }
        this.netgroupThread = pool("tcpd-netgroup", 1, 1024);
        this.lookups = pool("tcpd-lookup", 4, 1024);
        this.evaluator = pool("tcpd-check", 2, 4096);
        this.inspection = pool("tcpd-inspect", INSPECTION_THREADS, INSPECTION_QUEUE);
        ScheduledThreadPoolExecutor p = new ScheduledThreadPoolExecutor(1, threads("tcpd-poll"));
        p.setRemoveOnCancelPolicy(true);
        this.poller = p;
        apply(new Settings(config, context::getProperty));
    }

    @Modified
    void modified(TcpdConfig config) {
        apply(new Settings(config, context::getProperty));
    }

    @Deactivate
    synchronized void deactivate() {
        if (poll != null) {
            poll.cancel(false);
        }
        poller.shutdownNow();
        evaluator.shutdownNow();
        lookups.shutdownNow();
        netgroupThread.shutdownNow();
        inspection.shutdownNow();
    }

    @Override
    public CompletionStage<Decision> check(ConnectionInfo connection, ServiceDefinition definition) {
        return policy.check(connection, definition);
    }

    /** tcpdmatch: what the rules in effect decide for a daemon and a client; runs nothing, logs nothing. */
    @Override
    public Explanation explain(String daemon, String client) {
        return inspector.explain(daemon, client);
    }

    /** tcpdchk: the problems of hosts.allow, hosts.deny and their pattern files as they are on disk now. */
    @Override
    public List<Diagnostic> check() {
        return inspector.check();
    }

    /** The policy in effect. */
    TcpdPolicy policy() {
        return policy;
    }

    private synchronized void apply(Settings s) {
        NameCache names = new NameCache(resolver, lookups, s.cacheMillis, MAX_CACHED_NAMES, System::nanoTime);
        BiPredicate<String, String> netgroups = innetgr == null ? null : new Netgroups(innetgr, netgroupThread,
                s.lookupTimeoutMillis, s.cacheMillis, MAX_CACHED_NAMES, System::nanoTime);
        TcpdPolicy next = new TcpdPolicy(s.allow, s.deny, s.lookupTimeoutMillis, s.ident, names, evaluator,
                netgroups, Ident.RFC1413, TcpdPolicy.SH);
        TcpdPolicy previous = policy;
        // The views the connections use now are made before the new policy takes them.
        next.reload(previous == null ? null : previous.rules());
        policy = next;
        inspector = new TcpdInspector(next, inspection, resolver, netgroups, s.lookupTimeoutMillis);
        if (poll != null) {
            poll.cancel(false);
            poll = null;
        }
        if (s.pollMillis > 0) {
            poll = poller.scheduleWithFixedDelay(() -> {
                try {
                    next.reloadIfChanged();
                } catch (RuntimeException e) {
                    LOG.error("Checking {} for changes failed", next, e);
                }
            }, s.pollMillis, s.pollMillis, TimeUnit.MILLISECONDS);
        }
    }

    private static ThreadPoolExecutor pool(String name, int threads, int queue) {
        ThreadPoolExecutor e = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queue), threads(name));
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    private static java.util.concurrent.ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

}
