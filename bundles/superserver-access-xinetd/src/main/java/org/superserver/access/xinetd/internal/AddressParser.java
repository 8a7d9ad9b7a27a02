package org.superserver.access.xinetd.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import org.superserver.api.AddressLiterals;

/**
 * Reads one {@code only_from} / {@code no_access} entry as xinetd 2.3.15 does ({@code addr.c}),
 * trying the forms in its order:
 * <ol>
 * <li>a numeric address: IPv4 as inet_aton(3) reads it, whose zero octets on the right are
 *     wildcards ({@code 10.1.0.0} is 10.1/16, {@code 0.0.0.0} and {@code 0} everyone); IPv6 as
 *     written, one address;</li>
 * <li>{@code .domain}, matched against the client's name, and a host name, matched against the
 *     addresses it resolves to;</li>
 * <li>{@code address/length}, IPv4 or IPv6;</li>
 * <li>a factorized address {@code a.b.c.{x,y,z}} (fewer octets make networks:
 *     {@code 10.{1,2}} is 10.1/16 and 10.2/16).</li>
 * </ol>
 * Where xinetd does something its man page does not say, this reads the entry as the man page
 * says: {@code 0.0.0.0} and {@code ::} match every client, IPv6 ones too (xinetd: IPv4 only, and
 * {@code ::} nobody); {@code v6/128} is that address (xinetd never matches it); an IPv4-mapped
 * entry ({@code ::ffff:10.0.0.1}) is the IPv4 entry. An entry that is none of these is reported and
 * matches nobody, as in xinetd ("failed to parse").
 */
final class AddressParser {

    /** Where the parts of a list go. */
    interface Sink {
        void network4(long address, int length);

        void network6(long high, long low, int length);

        /** A host name, to be resolved to its addresses. */
        void host(String name);

        /** A domain suffix, with its leading dot, lower case. */
        void domain(String suffix);
    }

    private AddressParser() {
    }

    /**
     * Reads {@code entry} into {@code sink}.
     *
     * @return {@code null}, or what is wrong with the entry (then nothing was added)
     */
    static String parse(String entry, Sink sink) {
        if (entry.isEmpty()) {
            return "empty entry";
        }
        boolean slash = entry.indexOf('/') >= 0;
        boolean curly = entry.indexOf('{') >= 0;
        if (!slash && !curly) {
            long v4 = entry.indexOf(':') >= 0 ? -1 : inetAton(entry);
            if (v4 >= 0) {
                sink.network4(v4, v4 == 0 ? 0 : trailingZeroPrefix(v4));
                if (v4 == 0) {
                    sink.network6(0, 0, 0);
                }
                return null;
            }
            InetAddress v6 = v6Literal(entry);
            if (v6 != null) {
                Client c = Client.of(v6);
                if (c.v4) {
                    sink.network4(c.v4Address, 32);
                } else if (c.high == 0 && c.low == 0) {
                    sink.network4(0, 0);
                    sink.network6(0, 0, 0);
                } else {
                    sink.network6(c.high, c.low, 128);
                }
                return null;
            }
            if (entry.startsWith(".")) {
                if (entry.length() > 1 && isName(entry.substring(1)) && !entry.chars().allMatch(ch -> ch == '.'
                        || (ch >= '0' && ch <= '9'))) {
                    sink.domain(stripDot(entry.toLowerCase(Locale.ROOT)));
                    return null;
                }
                return "not a domain: a domain is written .example.com";
            }
            if (isName(entry)) {
                sink.host(stripDot(entry.toLowerCase(Locale.ROOT)));
                return null;
            }
            return "not an address, a network, a host name or a .domain";
        }
        if (slash && !curly) {
            return cidr(entry, sink);
        }
        if (curly && !slash) {
            return factorized(entry, sink);
        }
        return "not an address/length nor a factorized address";
    }

    /** {@code address/length}. */
    private static String cidr(String entry, Sink sink) {
        int slash = entry.indexOf('/');
        String address = entry.substring(0, slash);
        String length = entry.substring(slash + 1);
        if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return "the length after / must be a number of bits";
        }
        int len = Integer.parseInt(length);
        long v4 = address.indexOf(':') >= 0 ? -1 : inetAton(address);
        if (v4 >= 0) {
            if (len > 32) {
                return "an IPv4 network has at most 32 bits";
            }
            sink.network4(v4, len);
            return null;
        }
        InetAddress v6 = v6Literal(address);
        if (v6 == null) {
            return "not an IPv4 or IPv6 address before /";
        }
        if (len > 128) {
            return "an IPv6 network has at most 128 bits";
        }
        Client c = Client.of(v6);
        if (c.v4) {
            // an IPv4-mapped network: IPv4 clients arrive as IPv4, so it is read as the IPv4 network
            if (len >= 96) {
                sink.network4(c.v4Address, len - 96);
            } else {
                sink.network6(0, 0xffff00000000L | c.v4Address, len);
            }
            return null;
        }
        sink.network6(c.high, c.low, len);
        return null;
    }

    /** {@code a.b.c.{x,y}}, {@code a.b.{x,y}}, {@code a.{x}}, {@code {x,y}}. */
    private static String factorized(String entry, Sink sink) {
        int open = entry.indexOf('{');
        String prefix = entry.substring(0, open);
        if (!entry.endsWith("}") || entry.indexOf('}') != entry.length() - 1 || entry.indexOf('{', open + 1) >= 0) {
            return "a factorized address ends with {x,y,...}";
        }
        long address = 0;
        int octets = 0;
        if (!prefix.isEmpty()) {
            if (!prefix.endsWith(".")) {
                return "a factorized address is written a.b.c.{x,y,...}";
            }
            for (String part : prefix.substring(0, prefix.length() - 1).split("\\.", -1)) {
                int octet = octet(part);
                if (octet < 0) {
                    return "bad octet '" + part + "' (0 to 255)";
                }
                address = (address << 8) | octet;
                octets++;
            }
            if (octets > 3) {
                return "a factorized address has at most three octets before {";
            }
        }
        String[] factors = entry.substring(open + 1, entry.length() - 1).split(",", -1);
        int[] values = new int[factors.length];
        for (int i = 0; i < factors.length; i++) {
            values[i] = octet(factors[i]);
            if (values[i] < 0) {
                return "bad octet '" + factors[i] + "' in {} (0 to 255)";
            }
        }
        int shift = 8 * (3 - octets);
        int length = 32 - shift;
        for (int v : values) {
            sink.network4((address << (shift + 8)) | ((long) v << shift), length);
        }
        return null;
    }

    /** A decimal octet 0 to 255, or -1. */
    private static int octet(String s) {
        if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return -1;
        }
        int v = Integer.parseInt(s);
        return v > 255 ? -1 : v;
    }

    /**
     * The prefix length that xinetd gives a numeric IPv4 address: the zero octets on the right are
     * wildcards ({@code 10.0.0.0} is /8, {@code 10.1.0.0} /16, {@code 10.0.1.0} /24).
     */
    static int trailingZeroPrefix(long address) {
        int len = 32;
        while (len > 0 && (address & ~AddressIndex.mask4(len - 8) & 0xffffffffL) == 0) {
            len -= 8;
        }
        return len;
    }

    /**
     * An IPv4 address as inet_aton(3) reads it (the numeric form getaddrinfo accepts): one to four
     * parts, decimal, octal with a leading 0 or hex with 0x, the last part filling the bytes left;
     * -1 when the text is not one.
     */
    static long inetAton(String s) {
        if (s.isEmpty() || s.length() > 40) {
            return -1;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length > 4) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < parts.length; i++) {
            long part = number(parts[i]);
            if (part < 0) {
                return -1;
            }
            boolean last = i == parts.length - 1;
            if (!last) {
                if (part > 255) {
                    return -1;
                }
                value = (value << 8) | part;
            } else {
                int bytesLeft = 4 - i;
                if (part >= (1L << (8 * bytesLeft))) {
                    return -1;
                }
                value = (value << (8 * bytesLeft)) | part;
            }
        }
        return value;
    }

    private static long number(String p) {
        if (p.isEmpty()) {
            return -1;
        }
        int radix = 10;
        String digits = p;
        if (p.startsWith("0x") || p.startsWith("0X")) {
            radix = 16;
            digits = p.substring(2);
            if (digits.isEmpty()) {
                return 0;
            }
        } else if (p.length() > 1 && p.charAt(0) == '0') {
            radix = 8;
            digits = p.substring(1);
        }
        if (digits.length() > 11) {
            return -1;
        }
        try {
            long v = Long.parseLong(digits, radix);
            return v < 0 ? -1 : v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static InetAddress v6Literal(String s) {
        if (s.indexOf(':') < 0) {
            return null;
        }
        InetAddress a = AddressLiterals.parse(s).orElse(null);
        if (a instanceof Inet6Address) {
            return a;
        }
        // the JDK makes an IPv4-mapped literal an Inet4Address, which AddressLiterals does not take
        String bare = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (bare.matches("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
            try {
                return InetAddress.getByName(bare);
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    /** Letters, digits, '-', '_' and dots: what a host or domain name may hold. */
    private static boolean isName(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
                    || ch == '-' || ch == '_' || ch == '.')) {
                return false;
            }
        }
        return !s.contains("..");
    }

    private static String stripDot(String name) {
        return name.length() > 1 && name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
