package org.superserver.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The core's bound on running children, all services together ({@code children.max}): a count of
 * the servers started, or about to be, and not reaped yet. A listener that stopped accepting
 * because the count was full asks to be told when a child ends ({@link #whenRoom}). The listeners
 * log the episodes ({@link Binding#limited}).
 */
final class ChildSlots {

    private final AtomicInteger running = new AtomicInteger();
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
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
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

    private void room() {
        if (isFull()) {
            return;
        }
        for (Runnable task : waiting) {
            if (waiting.remove(task)) {
                task.run();
            }
        }
    }
}
