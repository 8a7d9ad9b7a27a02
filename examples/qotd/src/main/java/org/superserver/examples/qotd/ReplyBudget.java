package org.superserver.examples.qotd;

import java.util.function.LongSupplier;

/**
 * How many UDP quotes the handler may still send: one token bucket for every sender together,
 * refilled at {@code rate} a second up to {@code burst}. In any {@code t} seconds at most
 * {@code burst + rate × t} quotes go out, whatever arrives, so forged requests cannot reflect more
 * than that at a victim. Thread-safe; the clock is injected so that tests count without waiting.
 */
final class ReplyBudget {

    static final int DEFAULT_RATE = 20;
    static final int DEFAULT_BURST = 40;
    private static final double NANOS_PER_SECOND = 1e9;

    private final int rate;
    private final int burst;
    private final LongSupplier nanos;
    private double tokens;
    private long refilledAt;

    /**
     * @param rate replies per second once the burst is spent, at least 1
     * @param burst replies at once, at least 1
     * @param nanos a monotonic clock in nanoseconds ({@code System::nanoTime} in service)
     */
    ReplyBudget(int rate, int burst, LongSupplier nanos) {
        if (rate < 1 || burst < 1) {
            throw new IllegalArgumentException("udp_replies_per_second and udp_replies_burst must be at least 1, not "
                    + rate + " and " + burst);
        }
        this.rate = rate;
        this.burst = burst;
        this.nanos = nanos;
        this.tokens = burst;
        this.refilledAt = nanos.getAsLong();
    }

    /** Takes one reply from the budget; {@code false} (and nothing taken) when none is left. */
    synchronized boolean take() {
        long now = nanos.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) / NANOS_PER_SECOND * rate);
        refilledAt = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    @Override
    public String toString() {
        return "udp_replies_per_second=" + rate + " udp_replies_burst=" + burst;
    }
}
