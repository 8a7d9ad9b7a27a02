package org.superserver.access.xinetd.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * Networks filed by prefix length in hash sets, so that whether a client is in any of them costs
 * one look-up per distinct prefix length present (at most 33 for IPv4, 129 for IPv6; a list of
 * single addresses has one), whatever the number of entries. Every address form of xinetd.conf(5)
 * is a prefix: an address ({@code /32}), trailing zeros ({@code 10.0.0.0} is {@code /8}), a
 * factorized address, CIDR. Immutable once built.
 */
final class AddressIndex {

    static final AddressIndex EMPTY = new Builder().build();

    /** The IPv6 network of one entry, bits after the prefix cleared. */
    private record V6(int length, long high, long low) {
    }

    /** Keys {@code length << 32 | network}. */
    private final LongSet v4;
    private final int[] v4Lengths;
    private final Set<V6> v6;
    private final int[] v6Lengths;
    private final int size;

    private AddressIndex(Builder b) {
        this.v4 = b.v4;
        this.v4Lengths = lengths(b.v4Used);
        this.v6 = Set.copyOf(b.v6);
        this.v6Lengths = lengths(b.v6Used);
        this.size = b.size;
    }

    /** Whether the client is in one of the networks. */
    boolean matches(Client c) {
        if (c.v4) {
            long a = c.v4Address;
            for (int len : v4Lengths) {
                if (v4.contains(((long) len << 32) | (a & mask4(len)))) {
                    return true;
                }
            }
            return false;
        }
        for (int len : v6Lengths) {
            if (v6.contains(new V6(len, c.high & highMask(len), c.low & lowMask(len)))) {
                return true;
            }
        }
        return false;
    }

    /** How many entries were added (duplicates counted once per form they were written in). */
    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    static long mask4(int len) {
        return len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
    }

    static long highMask(int len) {
        return len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
    }

    static long lowMask(int len) {
        return len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
    }

    private static int[] lengths(boolean[] used) {
        int n = 0;
        for (boolean u : used) {
            n += u ? 1 : 0;
        }
        int[] out = new int[n];
        // most specific first: single addresses are the usual case
        for (int len = used.length - 1, i = 0; len >= 0; len--) {
            if (used[len]) {
                out[i++] = len;
            }
        }
        return out;
    }

    /** Collects networks; not thread-safe. */
    static final class Builder {
        private final LongSet v4 = new LongSet();
        private final boolean[] v4Used = new boolean[33];
        private final Set<V6> v6 = new HashSet<>();
        private final boolean[] v6Used = new boolean[129];
        private int size;

        /** An IPv4 network: {@code address} with its first {@code length} bits (0 to 32) significant. */
        Builder v4(long address, int length) {
            v4.add(((long) length << 32) | (address & mask4(length)));
            v4Used[length] = true;
            size++;
            return this;
        }

        /** An IPv6 network: the address's first {@code length} bits (0 to 128) significant. */
        Builder v6(long high, long low, int length) {
            v6.add(new V6(length, high & highMask(length), low & lowMask(length)));
            v6Used[length] = true;
            size++;
            return this;
        }

        AddressIndex build() {
            return new AddressIndex(this);
        }
    }
}
