package org.superserver.access.xinetd.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;

/**
 * The {@code xinetd} access policy: decides in xinetd's order (access_times, then SENSOR and the
 * global no_access list of clients that touched a sensor, then {@code no_access} and
 * {@code only_from}) on the caller's thread when no name and no file is needed, otherwise on the
 * lookup executor. A client that both lists match is denied, as xinetd 2.3.15 does (its man page
 * says the better match decides). The rules of a definition are read once and kept
 * ({@link #rules}); a decision for a non-sensor service changes nothing, so it may be asked again.
 */
final class XinetdPolicy implements AccessPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(XinetdPolicy.class);
    /** Definitions whose rules are kept; past this the cache starts afresh (reloads make new definitions). */
    static final int MAX_CACHED_DEFINITIONS = 4096;
    /** Address entries and intervals kept in all; past this the cache starts afresh (memory stays bounded). */
    static final long MAX_CACHED_ENTRIES = 1_000_000;
    /** Up to this many entries and intervals, rules are read on the caller's thread (about 10 µs once compiled). */
    static final int INLINE_BUILD_LIMIT = 64;
    private static final String BOTH_MATCH = "only_from and no_access both match";

    /** The settings that shape decisions. */
    record Settings(long lookupTimeoutMillis, long nameCacheMillis, int nameCacheSize, long hostRefreshMillis,
                    int bannerMaxBytes) {
    }

    private final Resolver resolver;
    private final Executor lookups;
    private final Supplier<Clock> clock;
    private final LongSupplier nanoClock;
    private final SensorTable sensors;
    private final Settings settings;
    private final NameCache names;
    private final BannerFiles banners;
    private final Map<ServiceDefinition, CompletableFuture<ServiceRules>> rules = new ConcurrentHashMap<>();
    private final AtomicLong cachedEntries = new AtomicLong();

    XinetdPolicy(Resolver resolver, Executor lookups, Supplier<Clock> clock, LongSupplier nanoClock,
                 SensorTable sensors, Settings settings) {
        this.resolver = resolver;
        this.lookups = lookups;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.sensors = sensors;
        this.settings = settings;
        this.names = new NameCache(resolver, lookups, settings.nameCacheMillis(), settings.lookupTimeoutMillis(),
                settings.nameCacheSize(), nanoClock);
        this.banners = new BannerFiles(settings.bannerMaxBytes());
    }

    @Override
    public CompletionStage<Decision> check(ConnectionInfo connection, ServiceDefinition definition) {
        CompletableFuture<ServiceRules> r = rules(definition);
        ServiceRules ready = r.getNow(null);
        if (ready != null) {
            return decide(ready, connection);
        }
        return r.handle((x, e) -> x).thenCompose(x -> x == null
                ? CompletableFuture.completedFuture(Decision.deny("the rules could not be read"))
                : decide(x, connection));
    }

    /** The rules of a definition: kept, read on the caller's thread when small, else on the lookup executor. */
    CompletableFuture<ServiceRules> rules(ServiceDefinition d) {
        CompletableFuture<ServiceRules> known = rules.get(d);
        if (known != null) {
            return known;
        }
        int size = ServiceRules.size(d);
        if (rules.size() >= MAX_CACHED_DEFINITIONS || cachedEntries.addAndGet(size) > MAX_CACHED_ENTRIES) {
            rules.clear();
            cachedEntries.set(size);
        }
        CompletableFuture<ServiceRules> mine = new CompletableFuture<>();
        CompletableFuture<ServiceRules> raced = rules.putIfAbsent(d, mine);
        if (raced != null) {
            return raced;
        }
        ServiceRules inline = size <= INLINE_BUILD_LIMIT ? read(d) : null;
        if (inline != null && !inline.hasHostNames()) {
            mine.complete(inline);
            return mine;
        }
        try {
            lookups.execute(() -> {
                try {
                    ServiceRules parsed = inline != null ? inline : read(d);
                    parsed.resolveHosts();
                    mine.complete(parsed);
                } catch (RuntimeException | Error e) {
                    LOG.error("XINETD service={} origin={} rules cannot be read", d.name(), d.origin(), e);
                    rules.remove(d, mine);
                    mine.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            rules.remove(d, mine);
            mine.completeExceptionally(e);
        }
        return mine;
    }

    private ServiceRules read(ServiceDefinition d) {
        ServiceRules r = ServiceRules.of(d, resolver, settings.hostRefreshMillis(), nanoClock);
        for (String p : r.problems) {
            LOG.error("XINETD service={} origin={} {}", d.name(), d.origin(), p);
        }
        LOG.debug("XINETD service={} rules only_from={} no_access={} access_times={} sensor={}", d.name(),
                r.onlyFrom, r.noAccess, r.accessTimes, r.sensor);
        return r;
    }

    private CompletionStage<Decision> decide(ServiceRules r, ConnectionInfo c) {
        if (c.peer() != null) {
            return CompletableFuture.completedFuture(unixPeer(r, c));
        }
        Client client = Client.of(c.remote().getAddress());
        Clock now = clock.get();
        if (r.accessTimes != null && !r.accessTimes.admits(LocalTime.now(now))) {
            return finish(r, c, client, false, "outside access_times " + r.accessTimes);
        }
        if (r.sensor) {
            touchSensor(r, c, client, now);
            return finish(r, c, client, false, "SENSOR");
        }
        if (sensors.denies(client.address, now.millis())) {
            return finish(r, c, client, false, "deny_time: the client touched a SENSOR");
        }
        boolean noAccess = r.noAccess != null && r.noAccess.matchesAddress(client, lookups);
        boolean onlyFrom = r.onlyFrom != null && r.onlyFrom.matchesAddress(client, lookups);
        if (noAccess || (r.onlyFrom != null && !onlyFrom && !r.onlyFrom.hasDomains())) {
            return addresses(r, c, client, noAccess, onlyFrom);
        }
        boolean needName = (r.noAccess != null && r.noAccess.hasDomains())
                || (r.onlyFrom != null && !onlyFrom && r.onlyFrom.hasDomains());
        if (!needName) {
            return addresses(r, c, client, false, onlyFrom);
        }
        String name = names.peek(client.address);
        if (name != null) {
            return byName(r, c, client, onlyFrom, name);
        }
        return names.lookup(client.address).thenComposeAsync(n -> byName(r, c, client, onlyFrom, n), lookups);
    }

    private CompletionStage<Decision> byName(ServiceRules r, ConnectionInfo c, Client client, boolean onlyFrom,
                                             String name) {
        boolean na = r.noAccess != null && r.noAccess.matchesName(name);
        boolean of = onlyFrom || (r.onlyFrom != null && r.onlyFrom.matchesName(name));
        return addresses(r, c, client, na, of);
    }

    private CompletionStage<Decision> addresses(ServiceRules r, ConnectionInfo c, Client client, boolean noAccess,
                                                boolean onlyFrom) {
        if (noAccess && onlyFrom) {
            return finish(r, c, client, false, BOTH_MATCH);
        }
        if (noAccess) {
            return finish(r, c, client, false, "no_access");
        }
        if (r.onlyFrom != null && !onlyFrom) {
            return finish(r, c, client, false, r.onlyFrom.entries == 0 ? "only_from is empty" : "not in only_from");
        }
        return finish(r, c, client, true, r.onlyFrom != null ? "only_from" : "no restriction");
    }

    private void touchSensor(ServiceRules r, ConnectionInfo c, Client client, Clock now) {
        long minutes = r.denyMinutes;
        if (minutes == 0) {
            LOG.warn("SENSOR service={} from={} deny_time=NEVER (logged only)", c.serviceName(), client);
            return;
        }
        long nowMillis = now.millis();
        long until = minutes == ServiceRules.FOREVER ? SensorTable.FOREVER : nowMillis + minutes * 60_000L;
        if (sensors.add(client.address, until, nowMillis)) {
            LOG.warn("SENSOR service={} from={} deny_time={} until={}: denied by every xinetd service",
                    c.serviceName(), client, minutes == ServiceRules.FOREVER ? "FOREVER" : minutes,
                    until == SensorTable.FOREVER ? "restart" : Instant.ofEpochMilli(until));
        }
    }

    /** The decision, with the banner files to send: read on the lookup executor when there are any. */
    private CompletionStage<Decision> finish(ServiceRules r, ConnectionInfo c, Client client, boolean allowed,
                                             String reason) {
        if (allowed) {
            LOG.debug("XINETD service={} from={} allow reason={}", c.serviceName(), client, reason);
        } else if (reason == BOTH_MATCH) {
            LOG.warn("XINETD service={} from={} deny reason={} (denied as xinetd 2.3.15 does; see README)",
                    c.serviceName(), client, reason);
        } else {
            // the core logs every denial with its reason (DENY ... reason=xinetd: ...)
            LOG.debug("XINETD service={} from={} deny reason={}", c.serviceName(), client, reason);
        }
        String second = allowed ? r.bannerSuccess : r.bannerFail;
        if (r.banner == null && second == null) {
            return CompletableFuture.completedFuture(decision(allowed, reason, null));
        }
        CompletableFuture<Decision> d = new CompletableFuture<>();
        try {
            lookups.execute(() -> {
                StringBuilder text = new StringBuilder();
                if (r.banner != null) {
                    append(text, banners.read(r.banner, r.service, ServiceRules.BANNER));
                }
                if (second != null) {
                    append(text, banners.read(second, r.service, allowed ? ServiceRules.BANNER_SUCCESS : "banner_fail"));
                }
                d.complete(decision(allowed, reason, text.length() == 0 ? null : text.toString()));
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("XINETD service={} from={} banners skipped: too many waiting lookups", c.serviceName(), client);
            d.complete(decision(allowed, reason, null));
        }
        return d;
    }

    /**
     * A Unix-domain client has no address: only_from, no_access and SENSOR, which name addresses,
     * do not apply to it (xinetd has no Unix-domain services); access_times does.
     */
    private Decision unixPeer(ServiceRules r, ConnectionInfo c) {
        if (r.accessTimes != null && !r.accessTimes.admits(LocalTime.now(clock.get()))) {
            return Decision.deny("outside access_times " + r.accessTimes);
        }
        LOG.debug("XINETD service={} from={} allow reason=unix-domain client", c.serviceName(), c.peer());
        return Decision.allow("only_from, no_access and SENSOR do not apply to a unix-domain client");
    }

    private static void append(StringBuilder b, String text) {
        if (text != null) {
            b.append(text);
        }
    }

    private static Decision decision(boolean allowed, String reason, String banner) {
        return Decision.builder(allowed).reason(reason).banner(banner).build();
    }

    /** The global table of clients that touched a sensor. */
    SensorTable sensors() {
        return sensors;
    }
}
