package org.superserver.access.tcpd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a client list matches when it is made only of patterns that look at the IPv4 address: ALL,
 * an address ({@code 10.0.0.1}), a prefix ({@code 10.0.}), {@code n.n.n.n/m.m.m.m} or
 * {@code n.n.n.n/len}, without EXCEPT. Such lists need no lookup and can be indexed, so that a file
 * of thousands of address rules costs a few hash look-ups per connection instead of a scan.
 */
final class AddressRanges {

    /** Whether the list holds ALL (matches every client, IPv6 too). */
    final boolean all;
    /** (mask, net) pairs: an IPv4 address a matches when (a &amp; mask) == net. */
    final List<long[]> ranges;

    private AddressRanges(boolean all, List<long[]> ranges) {
        this.all = all;
        this.ranges = List.copyOf(ranges);
    }

    /** The ranges of a client list's tokens, or {@code null} when a token looks at more than the address. */
    static AddressRanges of(List<String> tokens) {
        boolean all = false;
        List<long[]> ranges = new ArrayList<>();
        for (String t : tokens) {
            if (t.equalsIgnoreCase("EXCEPT")) {
                return null;
            }
            if (t.toUpperCase(Locale.ROOT).equals("ALL")) {
                all = true;
                continue;
            }
            long[] range = range(t);
            if (range == null) {
                return null;
            }
            if (range.length == 2) {
                ranges.add(range);
            }
        }
        return tokens.isEmpty() ? null : new AddressRanges(all, ranges);
    }

    /**
     * One token's (mask, net), an empty array for a valid pattern that matches nothing, or
     * {@code null} when the token is not an address pattern this class understands. Octets must be
     * written canonically (tcpd compares such patterns as text: {@code 010.} never matches).
     */
    private static long[] range(String t) {
        int slash = t.indexOf('/');
        if (slash >= 0) {
            long net = quad(t.substring(0, slash), 4);
            String maskText = t.substring(slash + 1);
            long mask;
            if (maskText.matches("[0-9]{1,2}")) {
                int len = Integer.parseInt(maskText);
                mask = len > 32 ? -1 : len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
            } else {
                mask = quad(maskText, 4);
            }
            if (net < 0 || mask < 0) {
                return null;
            }
            return (net & mask) == net ? new long[] {mask, net} : new long[0];
        }
        if (t.endsWith(".")) {
            String body = t.substring(0, t.length() - 1);
            int octets = body.split("\\.", -1).length;
            if (octets > 3) {
                return null;
            }
            long prefix = quad(body, octets);
            if (prefix < 0) {
                return null;
            }
            int shift = 8 * (4 - octets);
            return new long[] {(0xffffffffL << shift) & 0xffffffffL, prefix << shift};
        }
        long address = quad(t, 4);
        return address < 0 ? null : new long[] {0xffffffffL, address};
    }

    /** {@code count} canonical decimal octets separated by dots, as a number; -1 otherwise. */
    private static long quad(String s, int count) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != count) {
            return -1;
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                return -1;
            }
            int o = Integer.parseInt(p);
            if (o > 255) {
                return -1;
            }
            v = (v << 8) | o;
        }
        return v;
    }
}
