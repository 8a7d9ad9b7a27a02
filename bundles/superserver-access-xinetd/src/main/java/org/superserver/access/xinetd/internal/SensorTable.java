package org.superserver.access.xinetd.internal;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * xinetd's global no_access list: the clients that touched a SENSOR service, each until its
 * {@code deny_time} runs out (or for ever). Every service of the {@code xinetd} policy denies them.
 * Bounded: at most {@code maxEntries} clients (xinetd: 10,240); when it is full, expired entries
 * are dropped, and if none has expired the new client is logged and not added, as in xinetd.
 * Expired entries are dropped when seen.
 */
final class SensorTable {

    private static final Logger LOG = LoggerFactory.getLogger(SensorTable.class);
    /** An entry that never expires ({@code deny_time = FOREVER}). */
    static final long FOREVER = Long.MAX_VALUE;

    private final Map<InetAddress, Long> until = new ConcurrentHashMap<>();
    private final int maxEntries;

    SensorTable(int maxEntries) {
        this.maxEntries = Math.max(1, maxEntries);
    }

    /**
     * Records a client that touched a sensor, denied until {@code untilMillis} (or {@link #FOREVER});
     * a client already denied keeps the later of the two times, as in xinetd.
     *
     * @return whether the client is in the table now
     */
    synchronized boolean add(InetAddress client, long untilMillis, long nowMillis) {
        Long known = until.get(client);
        if (known == null && until.size() >= maxEntries) {
            until.values().removeIf(t -> t != FOREVER && t - nowMillis <= 0);
            if (until.size() >= maxEntries) {
                LOG.error("SENSOR from={} not added: the global no_access list is full ({} clients)",
                        client.getHostAddress(), maxEntries);
                return false;
            }
        }
        until.merge(client, untilMillis, Math::max);
        return true;
    }

    /** Whether the client is denied at {@code nowMillis}; an expired entry is dropped. */
    boolean denies(InetAddress client, long nowMillis) {
        if (until.isEmpty()) {
            return false;
        }
        Long t = until.get(client);
        if (t == null) {
            return false;
        }
        if (t != FOREVER && t - nowMillis <= 0) {
            if (until.remove(client, t)) {
                LOG.info("SENSOR from={} deny_time expired, removed from the global no_access list",
                        client.getHostAddress());
            }
            return false;
        }
        return true;
    }

    /** When the client's entry expires, or {@code null} when it has none. */
    Long until(InetAddress client) {
        return until.get(client);
    }

    int size() {
        return until.size();
    }
}
