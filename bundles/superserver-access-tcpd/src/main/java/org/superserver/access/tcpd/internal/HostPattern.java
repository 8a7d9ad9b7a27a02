package org.superserver.access.tcpd.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * tcpd's {@code host_match}: one host pattern matched against an endpoint (the client, or the
 * server of a {@code daemon@host} pattern). {@code @netgroup}, {@code /file}, {@code KNOWN} (name
 * and address known), {@code LOCAL} (a known name without a dot), {@code [v6]/len},
 * {@code n.n.n.n/m.m.m.m} and {@code n.n.n.n/len} look at what they need; every other pattern is a
 * {@link StringPattern} tried on the address first and then, unless it is made of digits, dots and
 * slashes only, on the name. So {@code UNKNOWN} and {@code PARANOID} match the name tcpd gives a host
 * without one or with a false one, and a pattern that matches the address never needs the name.
 */
interface HostPattern {

    /** How deep {@code /file} patterns may include one another (tcpd has no limit and overflows). */
    int MAX_FILE_DEPTH = 8;

    boolean matches(Request request, Request.Host host, int depth);

    HostPattern NEVER = (r, h, d) -> false;

    /**
     * Compiles a token; problems (a bad mask, netgroups where the system has none) go to {@code warn}
     * and the pattern then never matches, as in tcpd.
     */
    static HostPattern compile(String token, boolean netgroups, Consumer<String> warn) {
        if (token.startsWith("@")) {
            String group = token.substring(1);
            if (!netgroups) {
                warn.accept("netgroup pattern '" + token + "' never matches: this system has no netgroup support");
                return NEVER;
            }
            return (r, h, d) -> {
                String name = h.name();
                return Request.known(name) && r.lookups.inNetgroup(group, name);
            };
        }
        if (token.startsWith("/")) {
            return (r, h, d) -> {
                // Each file is tried once per host and request; a file met again while it is being
                // tried (it includes itself) counts as no match, so no list of files can loop.
                Boolean known = h.fileMatches.get(token);
                if (known != null || d >= MAX_FILE_DEPTH) {
                    return known != null && known;
                }
                h.fileMatches.put(token, Boolean.FALSE);
                boolean match = false;
                List<HostPattern> patterns = r.patternFiles.get(token);
                if (patterns != null) {
                    for (HostPattern p : patterns) {
                        if (p.matches(r, h, d + 1)) {
                            match = true;
                            break;
                        }
                    }
                }
                h.fileMatches.put(token, match);
                return match;
            };
        }
        String upper = token.toUpperCase(Locale.ROOT);
        if (upper.equals("KNOWN")) {
            return (r, h, d) -> Request.known(h.name()) && !h.addr.equalsIgnoreCase(Request.UNKNOWN);
        }
        if (upper.equals("LOCAL")) {
            return (r, h, d) -> {
                String name = h.name();
                return name.indexOf('.') < 0 && Request.known(name);
            };
        }
        if (token.startsWith("[")) {
            return v6(token, warn);
        }
        int slash = token.indexOf('/');
        if (slash >= 0) {
            return masked(token, token.substring(0, slash), token.substring(slash + 1), warn);
        }
        check(token, warn);
        StringPattern p = StringPattern.compile(token);
        if (p == StringPattern.ALL) {
            return (r, h, d) -> true;
        }
        boolean notInaddr = !token.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.' || c == '/');
        return (r, h, d) -> p.matches(h.addr) || (notInaddr && p.matches(h.name()));
    }

    /**
     * tcpdchk's checks of a name or address pattern: forms that are valid but seldom mean what they
     * seem to. Each warning says what the pattern does match.
     */
    private static void check(String token, Consumer<String> warn) {
        if (token.equals("FAIL")) {
            warn.accept("FAIL is no longer recognized and matches only a host named FAIL; expected EXCEPT, or the "
                    + "deny option");
            return;
        }
        boolean numeric = token.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
        if (!numeric) {
            if (token.endsWith(".")) {
                warn.accept("'" + token + "' ends in a dot: it matches host names that begin with '" + token
                        + "', not the host " + token.substring(0, token.length() - 1) + "; expected the name without"
                        + " the final dot");
            }
        } else if (token.startsWith(".")) {
            warn.accept("'" + token + "' begins with a dot: it matches addresses that end in '" + token + "'; expected"
                    + " a network prefix that ends in a dot (10.1.) or a net/mask");
        } else if (!token.endsWith(".") && token.split("\\.", -1).length != 4) {
            warn.accept("'" + token + "' is neither an IPv4 address (n.n.n.n) nor a network prefix that ends in a dot"
                    + " (n.n.n.), so it never matches");
        }
    }

    /** {@code [net]} or {@code [net]/prefixlen}: IPv6 clients whose first prefixlen bits equal net's. */
    private static HostPattern v6(String token, Consumer<String> warn) {
        long[] net = AddressRanges.v6(token);
        if (net == null && mapped(token)) {
            warn.accept("IPv4-mapped pattern '" + token + "' never matches: Java hands a client at ::ffff:a.b.c.d"
                    + " over as the IPv4 address a.b.c.d; expected the IPv4 form, e.g. 192.0.2.1 or 192.0.2.0/24");
            return NEVER;
        }
        if (net == null) {
            warn.accept("bad IPv6 pattern '" + token + "', never matches; expected [address] or [address]/prefixlen"
                    + " with prefixlen 0-128, e.g. [3ffe:505:2:1::]/64");
            return NEVER;
        }
        int slash = token.indexOf("]/");
        String lenText = slash < 0 ? null : token.substring(slash + 2);
        if (lenText != null && !lenText.matches("[0-9]+")) {
            warn.accept("IPv6 pattern '" + token + "': tcpd reads the prefix length '" + lenText + "' as " + net[0]
                    + (net[0] == 0 ? ", so it matches every IPv6 client" : "") + "; expected a decimal prefix length"
                    + " 0-128, e.g. [3ffe:505:2:1::]/64");
        }
        int len = (int) net[0];
        long highMask = AddressRanges.highMask(len);
        long lowMask = AddressRanges.lowMask(len);
        long high = net[1];
        long low = net[2];
        return (r, h, d) -> h.family() == 6 && (h.high() & highMask) == high && (h.low() & lowMask) == low;
    }

    /** Whether the address inside the brackets is IPv4-mapped ({@code ::ffff:a.b.c.d}), which Java reads as IPv4. */
    private static boolean mapped(String token) {
        int close = token.indexOf(']');
        String literal = close > 1 ? token.substring(1, close) : "";
        if (literal.indexOf(':') < 0 || !literal.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            // With a ':' this is read as an IPv6 literal, never looked up.
            return InetAddress.getByName(literal) instanceof Inet4Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * {@code n.n.n.n/m.m.m.m} or {@code n.n.n.n/len}: IPv4 clients with (address AND mask) == net,
     * read as tcpd reads them ({@link AddressRanges#v4}).
     */
    private static HostPattern masked(String token, String netText, String maskText, Consumer<String> warn) {
        long[] range = AddressRanges.v4(netText, maskText);
        if (range == null) {
            warn.accept(whyBad(token, netText, maskText));
            return NEVER;
        }
        long m = range[0];
        long n = range[1];
        if (AddressText.dotQuad(maskText) == AddressText.NONE && !maskText.matches("[0-9]+")) {
            warn.accept("net/mask pattern '" + token + "': tcpd reads the prefix length '" + maskText + "' as "
                    + Long.bitCount(m) + "; expected a decimal prefix length, e.g. " + netText + "/" + Long.bitCount(m));
        }
        if ((n & m) != n) {
            warn.accept("net/mask pattern '" + token + "' has bits outside its mask and never matches (as in tcpd); "
                    + "expected the network address, e.g. " + Request.format(toAddress(n & m)) + maskSuffix(maskText));
        }
        return (r, h, d) -> h.family() == 4 && (h.low() & m) == n;
    }

    /** tcpdchk's "bad net/mask pattern", with what tcpd makes of it and what was likely meant. */
    private static String whyBad(String token, String netText, String maskText) {
        String bad = "bad net/mask pattern '" + token + "', never matches (as in tcpd): ";
        if (AddressText.inetAton(netText) == 0xffffffffL) {
            return bad + "tcpd reads the net 255.255.255.255 with inet_addr(), which gives its error value for it;"
                    + " expected a network address, e.g. 255.255.255.0/255.255.255.0";
        }
        if (AddressText.dotQuad(netText) == AddressText.NONE) {
            return bad + "'" + netText + "' is not an IPv4 address; expected n.n.n.n/m.m.m.m or n.n.n.n/len,"
                    + " e.g. 131.155.72.0/255.255.254.0 or 131.155.72.0/23";
        }
        if (AddressText.inetAton(maskText) == 0xffffffffL) {
            return bad + "tcpd reads the mask 255.255.255.255 with inet_addr(), which gives its error value for it;"
                    + " expected the address alone or with /32, e.g. " + netText + " or " + netText + "/32";
        }
        if (maskText.matches("0+")) {
            return bad + "tcpd takes prefix lengths 1 to 32 only; expected " + netText + "/0.0.0.0 to match every"
                    + " IPv4 client, or ALL";
        }
        return bad + "expected a mask n.n.n.n or a prefix length 1-32, e.g. 131.155.72.0/255.255.254.0 or"
                + " 131.155.72.0/23";
    }

    private static String maskSuffix(String maskText) {
        return "/" + maskText;
    }

    private static InetAddress toAddress(long v) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
