package org.superserver.access.xinetd.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host names of one address list and the addresses they resolve to (or, for a name that is no
 * host, the network it names in /etc/networks, as xinetd's {@code net_addr}). They are resolved when
 * the rules are built (on a lookup thread) and again, in the background, once the addresses are
 * older than the refresh interval; decisions meanwhile use the addresses last found, so a decision
 * never waits for a name. A name that does not resolve matches nobody until it does.
 */
final class HostNames {

    private static final Logger LOG = LoggerFactory.getLogger(HostNames.class);

    private record Snapshot(AddressIndex index, long resolvedAt) {
    }

    final List<String> names;
    private final String where;
    private final Resolver resolver;
    private final long refreshNanos;
    private final LongSupplier nanoClock;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Snapshot snapshot;

    /**
     * @param where the service and attribute, for log lines
     */
    HostNames(List<String> names, String where, Resolver resolver, long refreshMillis, LongSupplier nanoClock) {
        this.names = List.copyOf(names);
        this.where = where;
        this.resolver = resolver;
        this.refreshNanos = Math.max(1, refreshMillis) * 1_000_000L;
        this.nanoClock = nanoClock;
        // nothing resolved yet: stale from the start
        this.snapshot = new Snapshot(AddressIndex.EMPTY, nanoClock.getAsLong() - refreshNanos);
    }

    /** Resolves every name now; blocks, so only on a lookup thread. */
    void resolve() {
        AddressIndex.Builder b = new AddressIndex.Builder();
        for (String name : names) {
            List<InetAddress> found;
            try {
                found = resolver.addressesOf(name);
            } catch (Exception | LinkageError e) {
                found = List.of();
            }
            if (found == null || found.isEmpty()) {
                long[] network = network(name);
                if (network != null) {
                    b.v4(network[0], (int) network[1]);
                    continue;
                }
                LOG.warn("XINETD {} host={} resolves to no address and names no network: it matches nobody "
                        + "until it does", where, name);
                continue;
            }
            for (InetAddress a : found) {
                Client c = Client.of(a);
                if (c.v4) {
                    b.v4(c.v4Address, 32);
                } else {
                    b.v6(c.high, c.low, 128);
                }
            }
        }
        snapshot = new Snapshot(b.build(), nanoClock.getAsLong());
    }

    /** A network name's network (/etc/networks), tried for a name that is no host, as xinetd does. */
    private long[] network(String name) {
        try {
            return resolver.networkOf(name);
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    /** The addresses last found; starts a refresh on {@code executor} when they are old. */
    AddressIndex current(Executor executor) {
        Snapshot s = snapshot;
        if (nanoClock.getAsLong() - s.resolvedAt - refreshNanos >= 0 && refreshing.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    try {
                        resolve();
                    } finally {
                        refreshing.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                refreshing.set(false);
            }
        }
        return s.index;
    }
}
