package org.superserver.access.xinetd.internal;

/**
 * A set of non-negative longs in one open-addressed array: a look-up is a multiply, a shift and
 * usually one probe, with nothing allocated. Filled once, read by many threads afterwards.
 */
final class LongSet {

    private static final long EMPTY = -1L;
    private long[] slots;
    private int shift;
    private int size;

    LongSet() {
        slots = new long[16];
        java.util.Arrays.fill(slots, EMPTY);
        shift = 64 - 4;
    }

    int size() {
        return size;
    }

    /** Adds a key (0 or more). */
    void add(long key) {
        if (key < 0) {
            throw new IllegalArgumentException("negative key " + key);
        }
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        if (insert(slots, shift, key)) {
            size++;
        }
    }

    boolean contains(long key) {
        long[] s = slots;
        int mask = s.length - 1;
        for (int i = index(key, shift); ; i = (i + 1) & mask) {
            long v = s[i];
            if (v == key) {
                return true;
            }
            if (v == EMPTY) {
                return false;
            }
        }
    }

    private static int index(long key, int shift) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private static boolean insert(long[] s, int shift, long key) {
        int mask = s.length - 1;
        for (int i = index(key, shift); ; i = (i + 1) & mask) {
            if (s[i] == key) {
                return false;
            }
            if (s[i] == EMPTY) {
                s[i] = key;
                return true;
            }
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        java.util.Arrays.fill(bigger, EMPTY);
        int nextShift = shift - 1;
        for (long v : slots) {
            if (v != EMPTY) {
                insert(bigger, nextShift, v);
            }
        }
        slots = bigger;
        shift = nextShift;
    }
}
