package org.superserver.access.tcpd.internal;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Verified host names, looked up on demand on a small executor and kept briefly: tcpd's
 * {@code sock_hostname}. The reverse lookup gives the name; the forward lookup of that name must
 * give the address back, else the name is {@code paranoid}; no name is {@code unknown}. Concurrent
 * connections from one address share one lookup. Failed lookups are cached too (for the same time),
 * so an unreachable name server cannot be asked once per connection.
 */
final class NameCache {

    private static final class Entry {
        final CompletableFuture<String> name;
        final long expires;

        Entry(CompletableFuture<String> name, long expires) {
            this.name = name;
            this.expires = expires;
        }
    }

    private final Resolver resolver;
    private final Executor executor;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier clock;
    private final Map<InetAddress, Entry> entries = new ConcurrentHashMap<>();

    NameCache(Resolver resolver, Executor executor, long ttlMillis, int maxEntries, LongSupplier nanoClock) {
        this.resolver = resolver;
        this.executor = executor;
        this.ttlNanos = Math.max(0, ttlMillis) * 1_000_000L;
        this.maxEntries = maxEntries;
        this.clock = nanoClock;
    }

    /** The name of an address, from the cache or a new lookup. */
    CompletableFuture<String> lookup(InetAddress address) {
        long now = clock.getAsLong();
        Entry e = entries.get(address);
        if (e != null && now - e.expires < 0) {
            return e.name;
        }
        CompletableFuture<String> name = new CompletableFuture<>();
        Entry fresh = new Entry(name, now + ttlNanos);
        Entry raced = e == null ? entries.putIfAbsent(address, fresh)
                : entries.replace(address, e, fresh) ? null : entries.get(address);
        if (raced != null) {
            return raced.name;
        }
        if (entries.size() > maxEntries) {
            evict(now);
        }
        try {
            executor.execute(() -> name.complete(resolve(address)));
        } catch (RejectedExecutionException ex) {
            entries.remove(address, fresh);
            name.complete(Request.UNKNOWN);
        }
        return name;
    }

    /** The name when it is already known (and fresh), else {@code null}; starts a lookup if none runs. */
    String peek(InetAddress address) {
        CompletableFuture<String> f = lookup(address);
        return f.isDone() ? f.getNow(Request.UNKNOWN) : null;
    }

    /**
     * Runs a blocking query on the lookup executor and waits at most {@code timeoutMillis} for it;
     * {@code fallback} when it fails, is refused or takes too long.
     */
    <T> T bounded(Supplier<T> query, long timeoutMillis, T fallback) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(query.get());
                } catch (RuntimeException | LinkageError e) {
                    f.complete(fallback);
                }
            });
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            return fallback;
        }
    }

    private String resolve(InetAddress address) {
        String name;
        try {
            name = resolver.nameOf(address);
        } catch (Exception | LinkageError e) {
            return Request.UNKNOWN;
        }
        if (name == null || name.isEmpty()) {
            return Request.UNKNOWN;
        }
        try {
            List<InetAddress> back = resolver.addressesOf(name);
            if (back != null && back.contains(address)) {
                return name;
            }
        } catch (Exception | LinkageError e) {
            // the name does not map back: paranoid, as tcpd calls it
        }
        return Request.PARANOID;
    }

    private void evict(long now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (now - e.expires >= 0 && e.name.isDone()) {
                it.remove();
            }
        }
        if (entries.size() > maxEntries) {
            entries.clear();
        }
    }
}
