package org.superserver.core.internal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connections (or servers) open at once per client address, for xinetd's {@code per_source}. An
 * address is in the table only while it has something open, so the table never holds more than the
 * open connections; it is also bounded by {@value #MAX_ADDRESSES} addresses, beyond which a new
 * address is refused (fail closed) until others close. Thread-safe.
 */
final class SourceTable {

    /** The most client addresses tracked at once. */
    static final int MAX_ADDRESSES = 65_536;

    /** One counted connection; released once, however often {@link #release} is called. */
    final class Hold {

        private final InetAddress address;
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Hold(InetAddress address) {
            this.address = address;
        }

        void release() {
            if (held.compareAndSet(true, false)) {
                give(address);
            }
        }
    }

    private final Map<InetAddress, Integer> open = new HashMap<>();
    private final int maxAddresses;

    SourceTable() {
        this(MAX_ADDRESSES);
    }

    SourceTable(int maxAddresses) {
        this.maxAddresses = maxAddresses;
    }

    /**
     * Counts one more connection from {@code address} if it has fewer than {@code max} open, or
     * returns {@code null} when it has {@code max} already (or the table is full).
     */
    synchronized Hold tryTake(InetAddress address, int max) {
        Integer now = open.get(address);
        if (now == null) {
            if (open.size() >= maxAddresses || max < 1) {
                return null;
            }
            open.put(address, 1);
            return new Hold(address);
        }
        if (now >= max) {
            return null;
        }
        open.put(address, now + 1);
        return new Hold(address);
    }

    private synchronized void give(InetAddress address) {
        Integer now = open.get(address);
        if (now == null) {
            return;
        }
        if (now <= 1) {
            open.remove(address);
        } else {
            open.put(address, now - 1);
        }
    }

    /** What {@code address} has open now. */
    synchronized int count(InetAddress address) {
        return open.getOrDefault(address, 0);
    }

    /** The addresses with something open now. */
    synchronized int addresses() {
        return open.size();
    }
}
