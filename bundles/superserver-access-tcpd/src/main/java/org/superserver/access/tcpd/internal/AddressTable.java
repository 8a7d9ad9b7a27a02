package org.superserver.access.tcpd.internal;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The rules of a table that name a network of one mask, by network: an open-addressing hash table
 * from a masked address to the numbers of those rules, in file order. An address is two longs: the
 * high and the low 64 bits of an IPv6 address, or 0 and the 32 bits of an IPv4 one. Immutable once
 * built, safe to share between threads; a look-up allocates nothing.
 */
final class AddressTable {

    /** What to AND an address with before looking it up. */
    final long highMask;
    final long lowMask;
    /** The ids of the daemon lists of the rules in this table, so that a view can leave out a table that holds none of its rules. */
    final int[] daemonLists;
    private final int slotMask;
    private final long[] highs;
    private final long[] lows;
    /** Per slot: where its rules start in {@link #rules}, -1 for an empty slot. */
    private final int[] from;
    private final int[] to;
    private final int[] rules;

    private AddressTable(long highMask, long lowMask, int[] daemonLists, long[] highs, long[] lows, int[] from,
                         int[] to, int[] rules) {
        this.highMask = highMask;
        this.lowMask = lowMask;
        this.daemonLists = daemonLists;
        this.slotMask = highs.length - 1;
        this.highs = highs;
        this.lows = lows;
        this.from = from;
        this.to = to;
        this.rules = rules;
    }

    /** The slot of a masked address, or -1 when no rule names it. */
    int find(long high, long low) {
        int i = hash(high, low) & slotMask;
        while (true) {
            if (from[i] < 0) {
                return -1;
            }
            if (highs[i] == high && lows[i] == low) {
                return i;
            }
            i = (i + 1) & slotMask;
        }
    }

    /** The first position of a slot's rules, for {@link #rule(int)}. */
    int from(int slot) {
        return from[slot];
    }

    /** The position after a slot's last rule. */
    int to(int slot) {
        return to[slot];
    }

    /** The rule number at a position: a slot's rules are in increasing order. */
    int rule(int position) {
        return rules[position];
    }

    private static int hash(long high, long low) {
        long h = high * 0x9E3779B97F4A7C15L + low;
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        return (int) h;
    }

    /** Collects (network, rule) pairs in increasing rule order. */
    static final class Builder {
        private final long highMask;
        private final long lowMask;
        private final BitSet daemonLists = new BitSet();
        private long[] highs = new long[8];
        private long[] lows = new long[8];
        private int[] rules = new int[8];
        private int size;

        Builder(long highMask, long lowMask) {
            this.highMask = highMask;
            this.lowMask = lowMask;
        }

        /** A rule names a network (already masked); rules come in increasing order. */
        void add(long high, long low, int rule, int daemonList) {
            if (size == rules.length) {
                highs = Arrays.copyOf(highs, size * 2);
                lows = Arrays.copyOf(lows, size * 2);
                rules = Arrays.copyOf(rules, size * 2);
            }
            highs[size] = high;
            lows[size] = low;
            rules[size] = rule;
            size++;
            daemonLists.set(daemonList);
        }

        AddressTable build() {
            int capacity = Integer.highestOneBit(Math.max(2, size * 2 - 1)) << 1;
            int mask = capacity - 1;
            long[] keyHigh = new long[capacity];
            long[] keyLow = new long[capacity];
            int[] count = new int[capacity];
            int[] slotOf = new int[size];
            boolean[] used = new boolean[capacity];
            for (int e = 0; e < size; e++) {
                int i = hash(highs[e], lows[e]) & mask;
                while (used[i] && (keyHigh[i] != highs[e] || keyLow[i] != lows[e])) {
                    i = (i + 1) & mask;
                }
                used[i] = true;
                keyHigh[i] = highs[e];
                keyLow[i] = lows[e];
                count[i]++;
                slotOf[e] = i;
            }
            int[] from = new int[capacity];
            int[] to = new int[capacity];
            int next = 0;
            for (int i = 0; i < capacity; i++) {
                if (used[i]) {
                    from[i] = next;
                    to[i] = next;
                    next += count[i];
                } else {
                    from[i] = -1;
                    to[i] = -1;
                }
            }
            int[] ordered = new int[next];
            for (int e = 0; e < size; e++) {
                int i = slotOf[e];
                // A rule that names the same network twice is listed once.
                if (to[i] == from[i] || ordered[to[i] - 1] != rules[e]) {
                    ordered[to[i]++] = rules[e];
                }
            }
            return new AddressTable(highMask, lowMask, daemonLists.stream().toArray(), keyHigh, keyLow, from, to,
                    ordered);
        }
    }
}
