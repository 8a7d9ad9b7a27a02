package org.superserver.api.status;

import java.util.List;
import java.util.Objects;

/**
 * How long a service's connections lasted, from accept to close, as a histogram with fixed
 * buckets: an immutable snapshot. A connection counts once it has ended, whether it was served in
 * process, by a started server or relayed.
 *
 * @param bounds  the upper bound of each bucket in seconds, ascending, the last one
 *                {@link Double#POSITIVE_INFINITY}
 * @param counts  the connections that lasted at most the bound of the same index (cumulative, so the
 *                last is every counted connection); as many as {@code bounds}
 * @param sum     the seconds that all counted connections lasted together
 * @since 1.4
 */
public record ConnectionDurations(List<Double> bounds, List<Long> counts, double sum) {

    /** The bucket bounds the core uses, in seconds. */
    public static final List<Double> BOUNDS = List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 60.0,
            Double.POSITIVE_INFINITY);

    private static final ConnectionDurations NONE = new ConnectionDurations(BOUNDS,
            BOUNDS.stream().map(b -> 0L).toList(), 0);

    public ConnectionDurations {
        bounds = List.copyOf(Objects.requireNonNull(bounds, "bounds"));
        counts = List.copyOf(Objects.requireNonNull(counts, "counts"));
        if (bounds.isEmpty() || bounds.get(bounds.size() - 1) != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("bounds must end with +Inf: " + bounds);
        }
        if (bounds.size() != counts.size()) {
            throw new IllegalArgumentException(bounds.size() + " bounds but " + counts.size() + " counts");
        }
    }

    /** No connection counted yet, over {@link #BOUNDS}. */
    public static ConnectionDurations none() {
        return NONE;
    }

    /** The number of connections counted: the count of the {@code +Inf} bucket. */
    public long count() {
        return counts.get(counts.size() - 1);
    }
}
