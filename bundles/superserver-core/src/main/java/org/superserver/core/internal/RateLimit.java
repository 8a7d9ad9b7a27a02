package org.superserver.core.internal;

import java.util.ArrayDeque;

/**
 * inetd's {@code .max}: at most {@code max} invocations (connections of a nowait service, spawns
 * of a wait service, datagrams of an internal datagram service) in any 60 s; the next one within
 * the window trips the limit. {@code max} 0 means no limit. Thread-safe; memory is bounded by
 * {@code max}.
 */
final class RateLimit {

    static final long WINDOW_NANOS = 60_000_000_000L;

    private final int max;
    private final ArrayDeque<Long> recent = new ArrayDeque<>();

    RateLimit(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /** Counts one invocation at {@code nowNanos}; false when it is one too many for the window. */
    synchronized boolean admit(long nowNanos) {
        if (max <= 0) {
            return true;
        }
        while (!recent.isEmpty() && nowNanos - recent.peekFirst() >= WINDOW_NANOS) {
            recent.pollFirst();
        }
        if (recent.size() >= max) {
            return false;
        }
        recent.addLast(nowNanos);
        return true;
    }
}
