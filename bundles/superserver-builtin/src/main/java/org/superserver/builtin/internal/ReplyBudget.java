package org.superserver.builtin.internal;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many replies, and how many payload bytes, each source address may still get from the UDP
 * built-ins: two token buckets per address (replies and bytes), each refilled at its rate up to its
 * burst. A reply is sent only when both buckets hold enough, so from any one address the built-ins
 * send at most {@code burst + rate × t} replies and {@code bytesBurst + bytesRate × t} bytes in
 * {@code t} seconds, whatever it sends: forged requests cannot reflect more than that at a victim.
 *
 * <p>Bounded: the table keeps at most {@link BudgetSettings#sources()} addresses, least recently
 * used first. A new address takes the place of the least recently used one only if that one's
 * buckets have refilled completely (then forgetting it changes nothing); otherwise, while every
 * tracked address is busy, new addresses share one further pair of buckets. A flood from forged
 * sources therefore costs a fixed amount of memory and still gets no more than one budget's worth
 * of replies. Thread-safe; the clock is injected so that tests count tokens without waiting.
 */
final class ReplyBudget {

    private static final double NANOS_PER_SECOND = 1e9;

    private final BudgetSettings settings;
    private final LongSupplier nanos;
    private final Map<InetAddress, Buckets> table = new LinkedHashMap<>(64, 0.75f, true);
    private final Buckets shared;

    /**
     * @param settings rates, bursts and table size
     * @param nanos a monotonic clock in nanoseconds ({@code System::nanoTime} in service)
     */
    ReplyBudget(BudgetSettings settings, LongSupplier nanos) {
        this.settings = settings;
        this.nanos = nanos;
        this.shared = new Buckets(nanos.getAsLong());
    }

    /**
     * Charges one reply of {@code replyBytes} payload bytes to {@code source}'s budget.
     *
     * @return whether the budget allowed it; if not, nothing was charged and the reply must not be sent
     */
    synchronized boolean charge(InetAddress source, int replyBytes) {
        long now = nanos.getAsLong();
        Buckets buckets = bucketsOf(source, now);
        buckets.refill(now);
        if (buckets.replies < 1 || buckets.bytes < replyBytes) {
            return false;
        }
        buckets.replies -= 1;
        buckets.bytes -= replyBytes;
        return true;
    }

    /** How many addresses the table tracks now. */
    synchronized int tracked() {
        return table.size();
    }

    private Buckets bucketsOf(InetAddress source, long now) {
        Buckets buckets = table.get(source);
        if (buckets != null) {
            return buckets;
        }
        if (table.size() >= settings.sources()) {
            Iterator<Buckets> eldest = table.values().iterator();
            Buckets leastRecent = eldest.next();
            leastRecent.refill(now);
            if (!leastRecent.full()) {
                return shared;
            }
            eldest.remove();
        }
        buckets = new Buckets(now);
        table.put(source, buckets);
        return buckets;
    }

    /** One address's reply and byte buckets. */
    private final class Buckets {
        double replies = settings.repliesBurst();
        double bytes = settings.bytesBurst();
        long refilled;

        Buckets(long now) {
            refilled = now;
        }

        void refill(long now) {
            long elapsed = now - refilled;
            if (elapsed <= 0) {
                return;
            }
            refilled = now;
            double seconds = elapsed / NANOS_PER_SECOND;
            replies = Math.min(settings.repliesBurst(), replies + seconds * settings.repliesPerSecond());
            bytes = Math.min(settings.bytesBurst(), bytes + seconds * settings.bytesPerSecond());
        }

        boolean full() {
            return replies >= settings.repliesBurst() && bytes >= settings.bytesBurst();
        }
    }
}
