package org.superserver.core.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbers the connections and servers of one core run, 1, 2, 3, ...: what the status lists as a
 * connection's id and {@code inetd:kill} takes. In-process connections and started servers share
 * the sequence, so a number names one of them only.
 */
final class ConnectionNumbers {

    private final AtomicLong last = new AtomicLong();

    long next() {
        return last.incrementAndGet();
    }
}
