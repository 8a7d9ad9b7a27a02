package org.superserver.access.tcpd.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;

/**
 * Netgroup membership for {@code @group} patterns, as a blocking, bounded predicate (group, host).
 * glibc's {@code innetgr} keeps the netgroup it walks in static state and is not thread-safe, so
 * every query runs on one thread of its own ({@code netgroupThread}, never an event loop, never a
 * name lookup's thread: a NIS server that does not answer holds up netgroups only), and
 * {@link NativeNames#inNetgroup} holds one lock besides. A caller waits at most the lookup timeout
 * (then the host is not a member, as when tcpd's query fails). Answers are kept for a short time,
 * so a busy {@code @group} rule asks once per client and cache period.
 */
final class Netgroups implements BiPredicate<String, String> {

    private static final class Entry {
        final boolean member;
        final long expires;

        Entry(boolean member, long expires) {
            this.member = member;
            this.expires = expires;
        }
    }

    private final BiPredicate<String, String> innetgr;
    private final Executor netgroupThread;
    private final long timeoutMillis;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    /**
     * @param innetgr the system's query (blocking, not thread-safe)
     * @param netgroupThread a single thread for the queries
     */
    Netgroups(BiPredicate<String, String> innetgr, Executor netgroupThread, long timeoutMillis, long ttlMillis,
              int maxEntries, LongSupplier nanoClock) {
        this.innetgr = innetgr;
        this.netgroupThread = netgroupThread;
        this.timeoutMillis = timeoutMillis;
        this.ttlNanos = Math.max(0, ttlMillis) * 1_000_000L;
        this.maxEntries = maxEntries;
        this.clock = nanoClock;
    }

    @Override
    public boolean test(String group, String host) {
        String key = group + '\0' + host;
        long now = clock.getAsLong();
        Entry e = cache.get(key);
        if (e != null && now - e.expires < 0) {
            return e.member;
        }
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        try {
            netgroupThread.execute(() -> {
                try {
                    answer.complete(innetgr.test(group, host));
                } catch (RuntimeException | LinkageError ex) {
                    answer.completeExceptionally(ex);
                }
            });
            boolean member = answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
            if (ttlNanos > 0) {
                if (cache.size() >= maxEntries) {
                    cache.clear();
                }
                cache.put(key, new Entry(member, now + ttlNanos));
            }
            return member;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RejectedExecutionException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException ex) {
            return false;
        }
    }
}
