package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.superserver.api.status.ConnectionDurations;

/** The fixed buckets of connection durations: bounds are inclusive, counts cumulative, sums in seconds. */
public class DurationsTest {

    @Test
    public void aDurationCountsInTheFirstBucketWhoseBoundItDoesNotExceed() {
        Durations durations = new Durations();
        durations.record(TimeUnit.MILLISECONDS.toNanos(1));
        durations.record(TimeUnit.MILLISECONDS.toNanos(1) + 1);
        durations.record(TimeUnit.MILLISECONDS.toNanos(700));
        durations.record(TimeUnit.MINUTES.toNanos(2));
        durations.record(-5);

        ConnectionDurations snapshot = durations.snapshot();
        assertEquals(List.of(2L, 3L, 3L, 3L, 3L, 3L, 4L, 4L, 4L, 4L, 5L), snapshot.counts());
        assertEquals(5, snapshot.count());
        assertEquals(120.702, snapshot.sum(), 1e-6);
    }

    @Test
    public void nothingRecordedIsTheEmptyHistogram() {
        assertEquals(ConnectionDurations.none(), new Durations().snapshot());
    }
}
