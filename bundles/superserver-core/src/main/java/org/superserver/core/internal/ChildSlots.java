package org.superserver.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's bound on running children, all services together ({@code children.max}): a count of
 * the servers started, or about to be, and not reaped yet. A listener that stopped accepting
 * because the count was full asks to be told when a child ends ({@link #whenRoom}). Logs one
 * {@code LIMIT limit=children.max ... accepting=paused} line when the count fills up and one
 * {@code accepting=resumed} line when it has room again.
 */
final class ChildSlots {

    private static final Logger LOG = LoggerFactory.getLogger(ChildSlots.class);

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean full = new AtomicBoolean();
    private final Set<Runnable> waiting = ConcurrentHashMap.newKeySet();
    private volatile int max;

    ChildSlots(int max) {
        this.max = max;
    }

    /** Takes a slot if one is free. */
    boolean tryTake() {
        while (true) {
            int now = running.get();
            if (now >= max) {
                filled(now);
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                if (now + 1 >= max) {
                    filled(now + 1);
                }
                return true;
            }
        }
    }

    /** Takes a slot even over the bound: a child that must be counted but cannot wait (a twist command). */
    void force() {
        running.incrementAndGet();
    }

    /** Gives a slot back (a child was reaped, or a connection did not become one). */
    void give() {
        running.decrementAndGet();
        room();
    }

    boolean isFull() {
        return running.get() >= max;
    }

    int running() {
        return running.get();
    }

    int max() {
        return max;
    }

    /** Changes the bound; listeners waiting for room are told at once when the new bound gives some. */
    void max(int value) {
        this.max = value;
        room();
    }

    /** Runs {@code task} once, as soon as there is room (at once when there is some now). */
    void whenRoom(Runnable task) {
        waiting.add(task);
        if (!isFull()) {
            room();
        }
    }

    private void filled(int now) {
        if (full.compareAndSet(false, true)) {
            LOG.warn("LIMIT limit=children.max max={} running={} accepting=paused reason=every exec'd service waits"
                    + " until a child exits", max, now);
        }
    }

    private void room() {
        if (isFull()) {
            return;
        }
        if (full.compareAndSet(true, false)) {
            LOG.info("LIMIT limit=children.max max={} running={} accepting=resumed", max, running.get());
        }
        for (Runnable task : waiting) {
            if (waiting.remove(task)) {
                task.run();
            }
        }
    }
}
