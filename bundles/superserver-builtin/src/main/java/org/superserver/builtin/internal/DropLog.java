package org.superserver.builtin.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DEBUG lines about unanswered datagrams: at most one per source address per period, saying how
 * many were dropped since the previous one, so that a flood cannot flood the log. Bounded like
 * {@link ReplyBudget}: it remembers at most {@link BudgetSettings#sources()} addresses; while all of
 * them are recent, the drops of further addresses are summed into one line per period
 * ({@code from=others}). Thread-safe; does nothing unless DEBUG is on.
 */
final class DropLog {

    private static final Logger LOG = LoggerFactory.getLogger(DatagramGuard.class);

    private final long periodNanos;
    private final int sources;
    private final LongSupplier nanos;
    private final Map<InetAddress, Recent> recent = new LinkedHashMap<>(64, 0.75f, true);
    private final Recent others;

    /** When a source's last line was written, and how many drops since then went unlogged. */
    private static final class Recent {
        long logged;
        long unlogged;

        Recent(long logged) {
            this.logged = logged;
        }
    }

    DropLog(BudgetSettings settings, LongSupplier nanos) {
        this.periodNanos = settings.dropLogSeconds() * 1_000_000_000L;
        this.sources = settings.sources();
        this.nanos = nanos;
        this.others = new Recent(nanos.getAsLong() - periodNanos);
    }

    /** Notes that a datagram from {@code from} to {@code local} went unanswered for {@code why}. */
    void dropped(InetSocketAddress from, SocketAddress local, Refusal why) {
        if (!LOG.isDebugEnabled()) {
            return;
        }
        long count = due(from.getAddress());
        if (count > 0) {
            LOG.debug("DROP protocol=udp local={} from={} reason={} dropped={} period={}s", format(local),
                    format(from), why.word(), count, periodNanos / 1_000_000_000L);
        } else if (count < 0) {
            LOG.debug("DROP protocol=udp local={} from=others reason={} dropped={} period={}s", format(local),
                    why.word(), -count, periodNanos / 1_000_000_000L);
        }
    }

    /**
     * Counts one drop from {@code source}; returns the drops to report now when a line is due for
     * it, their negation when a line is due for the untracked others, and 0 when no line is due.
     */
    synchronized long due(InetAddress source) {
        long now = nanos.getAsLong();
        Recent last = recent.get(source);
        if (last == null) {
            if (recent.size() >= sources) {
                Iterator<Recent> eldest = recent.values().iterator();
                if (now - eldest.next().logged < periodNanos) {
                    return -report(others, now);
                }
                eldest.remove();
            }
            recent.put(source, new Recent(now));
            return 1;
        }
        return report(last, now);
    }

    private long report(Recent last, long now) {
        last.unlogged++;
        if (now - last.logged < periodNanos) {
            return 0;
        }
        long count = last.unlogged;
        last.unlogged = 0;
        last.logged = now;
        return count;
    }

    private static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
