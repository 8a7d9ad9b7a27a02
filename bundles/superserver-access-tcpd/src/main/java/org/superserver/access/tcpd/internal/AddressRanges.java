package org.superserver.access.tcpd.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.superserver.api.AddressLiterals;

/**
 * The addresses a client list can match, when the patterns before its first EXCEPT look only at the
 * client's address: ALL, an IPv4 address ({@code 10.0.0.1}), a prefix ({@code 10.0.}),
 * {@code n.n.n.n/m.m.m.m}, {@code n.n.n.n/len}, {@code [v6]}, {@code [v6]/len}, or {@code user@} one
 * of those. Such a list matches only clients in these ranges, and makes no lookup for any other
 * client (tcpd tries the host part of {@code user@host} before the user, and the part after EXCEPT
 * only when a pattern before it matched). When the list has neither EXCEPT nor {@code user@}, it
 * matches exactly these ranges ({@link #exact}). So a file of thousands of address rules costs a few
 * hash look-ups per connection instead of a scan.
 */
final class AddressRanges {

    /** Whether the list holds ALL: it matches every client, IPv6 too (only in an exact list). */
    final boolean all;
    /** Whether the list matches exactly the clients in these ranges: no EXCEPT, no {@code user@}. */
    final boolean exact;
    /** IPv4 (mask, net) pairs: an IPv4 address a is in the range when (a &amp; mask) == net. */
    final List<long[]> ranges;
    /**
     * IPv6 (prefix length, high 64 bits, low 64 bits) of the network, bits after the prefix cleared:
     * an IPv6 address is in the range when its first prefix-length bits equal the network's.
     */
    final List<long[]> ranges6;

    private AddressRanges(boolean all, boolean exact, List<long[]> ranges, List<long[]> ranges6) {
        this.all = all;
        this.exact = exact;
        this.ranges = List.copyOf(ranges);
        this.ranges6 = List.copyOf(ranges6);
    }

    /**
     * The ranges of a client list's tokens, or {@code null} when a token before the first EXCEPT looks
     * at more than the address, or when the list may match any client without being exact (ALL
     * followed by EXCEPT, {@code user@ALL}).
     */
    static AddressRanges of(List<String> tokens) {
        if (tokens.isEmpty()) {
            return null;
        }
        boolean all = false;
        boolean exact = true;
        List<long[]> ranges = new ArrayList<>();
        List<long[]> ranges6 = new ArrayList<>();
        for (String t : tokens) {
            if (t.equalsIgnoreCase("EXCEPT")) {
                exact = false;
                break;
            }
            // As PatternList reads a client pattern: user@host when '@' follows the first character.
            int at = t.indexOf('@', 1);
            String host = t;
            if (at >= 0) {
                exact = false;
                host = t.substring(at + 1);
            }
            if (host.toUpperCase(Locale.ROOT).equals("ALL")) {
                all = true;
                continue;
            }
            if (host.startsWith("[")) {
                long[] net = v6(host);
                if (net != null) {
                    ranges6.add(net);
                }
                continue;
            }
            long[] range = range(host);
            if (range == null) {
                return null;
            }
            if (range.length == 2) {
                ranges.add(range);
            }
        }
        if (all && !exact) {
            return null;
        }
        return new AddressRanges(all, exact, ranges, ranges6);
    }

    /**
     * {@code [net]} or {@code [net]/prefixlen} as (prefix length, high 64 bits, low 64 bits) with the
     * bits after the prefix cleared; {@code null} when the token is not a valid IPv6 pattern (it
     * never matches). The length is read as tcpd reads it ({@link AddressText#atoi}) and must be 0
     * to 128. The one reading of such a pattern, for {@link HostPattern} and the index.
     */
    static long[] v6(String token) {
        int close = token.indexOf(']');
        String rest = close < 0 ? "" : token.substring(close + 1);
        String literal = close < 0 ? "" : token.substring(1, close);
        InetAddress net = AddressLiterals.parse(literal).orElse(null);
        int len = 128;
        if (!rest.isEmpty()) {
            // tcpd reads the length with atoi: "/abc" and "/" are 0, "/64x" is 64
            len = rest.startsWith("/") ? AddressText.atoi(rest.substring(1)) : -1;
        }
        if (!(net instanceof Inet6Address) || len < 0 || len > 128) {
            return null;
        }
        byte[] b = net.getAddress();
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (b[i] & 0xffL);
            low = (low << 8) | (b[i + 8] & 0xffL);
        }
        return new long[] {len, high & highMask(len), low & lowMask(len)};
    }

    /**
     * {@code net/mask} as tcpd's {@code masked_match} reads it: net a dotted quad, mask a dotted quad
     * or else a prefix length of 1 to 32 (both read by {@link AddressText}, so {@code 255.255.255.255}
     * is read as neither, and {@code /0} is no length). Returns (mask, net), the net as written (it
     * may have bits outside the mask, and then matches nothing), or {@code null} when tcpd never
     * matches the pattern. The one reading of such a pattern, for {@link HostPattern} and the index.
     */
    static long[] v4(String netText, String maskText) {
        long net = AddressText.dotQuad(netText);
        long mask = AddressText.dotQuad(maskText);
        if (mask == AddressText.NONE) {
            int len = AddressText.atoi(maskText);
            mask = len < 1 || len > 32 ? AddressText.NONE : (0xffffffffL << (32 - len)) & 0xffffffffL;
        }
        return net == AddressText.NONE || mask == AddressText.NONE ? null : new long[] {mask, net};
    }

    /** The mask of the first 64 bits of an IPv6 address for a prefix of {@code len} bits. */
    static long highMask(int len) {
        return len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
    }

    /** The mask of the last 64 bits of an IPv6 address for a prefix of {@code len} bits. */
    static long lowMask(int len) {
        return len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
    }

    /**
     * One token's (mask, net), an empty array for a pattern that matches nothing (a net/mask tcpd
     * rejects, or one with bits outside its mask), or {@code null} when the token is not an IPv4
     * address pattern this class understands. Addresses and prefixes must be written canonically
     * (tcpd compares them as text: {@code 010.} never matches); net/mask is read as tcpd reads it.
     */
    private static long[] range(String t) {
        if (t.startsWith("/") || t.startsWith("@")) {
            return null;
        }
        int slash = t.indexOf('/');
        if (slash >= 0) {
            long[] range = v4(t.substring(0, slash), t.substring(slash + 1));
            return range != null && (range[1] & range[0]) == range[1] ? range : new long[0];
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
