package org.superserver.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.superserver.api.status.ConnectionDurations;

/**
 * How long one service's connections lasted, counted into the fixed buckets of {@link
 * ConnectionDurations#BOUNDS}. Recording is a few comparisons and two atomic adds, without a lock,
 * so any thread that sees a connection end may record it.
 */
final class Durations {

    private static final long[] BOUNDS_NANOS = ConnectionDurations.BOUNDS.stream()
            .mapToLong(b -> b.isInfinite() ? Long.MAX_VALUE : Math.round(b * TimeUnit.SECONDS.toNanos(1)))
            .toArray();

    /** Connections per bucket, not cumulative. */
    private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS_NANOS.length);
    private final LongAdder sumNanos = new LongAdder();

    /** Counts a connection that lasted {@code nanos} (a negative value counts as 0). */
    void record(long nanos) {
        long duration = Math.max(0, nanos);
        int bucket = 0;
        while (duration > BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        buckets.incrementAndGet(bucket);
        sumNanos.add(duration);
    }

    /** The counts so far, cumulative as Prometheus has them. */
    ConnectionDurations snapshot() {
        List<Long> counts = new ArrayList<>(BOUNDS_NANOS.length);
        long total = 0;
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            total += buckets.get(i);
            counts.add(total);
        }
        return new ConnectionDurations(ConnectionDurations.BOUNDS, counts, sumNanos.sum() / 1e9);
    }
}
