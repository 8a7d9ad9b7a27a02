package org.superserver.access.xinetd.internal;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Verified client names for {@code .domain} entries, looked up on a small executor and kept for a
 * while: at most {@code maxEntries} addresses, each for {@code ttl}. Concurrent connections from
 * one address share one lookup; a failed lookup is kept too (as no name), so a slow name server is
 * not asked once per connection. A lookup that takes longer than the timeout counts as no name.
 */
final class NameCache {

    /** What a lookup gives when the address has no (verified) name. */
    static final String NO_NAME = "";

    private record Entry(CompletableFuture<String> name, long expires) {
    }

    private final Resolver resolver;
    private final Executor executor;
    private final long ttlNanos;
    private final long timeoutMillis;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Entry> entries = new ConcurrentHashMap<>();

    NameCache(Resolver resolver, Executor executor, long ttlMillis, long timeoutMillis, int maxEntries,
              LongSupplier nanoClock) {
        this.resolver = resolver;
        this.executor = executor;
        this.ttlNanos = Math.max(0, ttlMillis) * 1_000_000L;
        this.timeoutMillis = Math.max(1, timeoutMillis);
        this.maxEntries = Math.max(1, maxEntries);
        this.nanoClock = nanoClock;
    }

    /** The name of an address (lower case, {@link #NO_NAME} when none), from the cache or a new lookup. */
    CompletableFuture<String> lookup(InetAddress address) {
        long now = nanoClock.getAsLong();
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
        name.completeOnTimeout(NO_NAME, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            executor.execute(() -> name.complete(resolve(address)));
        } catch (RejectedExecutionException ex) {
            entries.remove(address, fresh);
            name.complete(NO_NAME);
        }
        return name;
    }

    /** The name when it is known and fresh, else {@code null} (and a lookup is started). */
    String peek(InetAddress address) {
        CompletableFuture<String> f = lookup(address);
        return f.isDone() ? f.getNow(NO_NAME) : null;
    }

    int size() {
        return entries.size();
    }

    private String resolve(InetAddress address) {
        try {
            String name = resolver.nameOf(address);
            if (name == null || name.isEmpty()) {
                return NO_NAME;
            }
            name = name.toLowerCase(Locale.ROOT);
            return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        } catch (Exception | LinkageError e) {
            return NO_NAME;
        }
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
