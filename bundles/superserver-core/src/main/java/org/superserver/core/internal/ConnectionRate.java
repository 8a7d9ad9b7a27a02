package org.superserver.core.internal;

/**
 * xinetd's {@code cps = rate pause}: more than {@code rate} connections within one second trips
 * the limit, and the service stops accepting for its pause. Counted in whole-second windows (xinetd
 * divides the connections since its window began by the seconds elapsed, which lets a burst of up
 * to twice the rate through at a second's edge; a fixed window bounds every second alike).
 * Thread-safe; {@code rate} 0 means no limit.
 */
final class ConnectionRate {

    private static final long SECOND_NANOS = 1_000_000_000L;

    private final int rate;
    private long windowStart;
    private int count;
    private boolean started;

    ConnectionRate(int rate) {
        this.rate = rate;
    }

    /** Counts one connection at {@code nowNanos}; false when it is one more than the rate allows. */
    synchronized boolean admit(long nowNanos) {
        if (rate <= 0) {
            return true;
        }
        if (!started || nowNanos - windowStart >= SECOND_NANOS) {
            started = true;
            windowStart = nowNanos;
            count = 0;
        }
        count++;
        return count <= rate;
    }
}
