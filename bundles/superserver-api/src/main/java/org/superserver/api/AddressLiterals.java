package org.superserver.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Literal IP addresses as config files write them. Never resolves a name: text that is not a
 * literal IPv4 or IPv6 address is simply not one.
 */
public final class AddressLiterals {

    private AddressLiterals() {
    }

    /**
     * The address {@code text} spells: a dotted quad ({@code 127.0.0.1}), or an IPv6 literal with
     * or without brackets and with an optional zone ({@code ::1}, {@code [::1]}, {@code fe80::1%eth0}).
     *
     * @return the address, or empty when {@code text} is anything else (a host name, a typo)
     */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        if (text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            for (String octet : text.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return Optional.empty();
                }
            }
            return lookUpLiteral(text);
        }
        String v6 = text.length() >= 2 && text.startsWith("[") && text.endsWith("]")
                ? text.substring(1, text.length() - 1) : text;
        if (v6.indexOf(':') >= 0 && v6.matches("[0-9A-Fa-f:.]+(%[0-9A-Za-z_.-]+)?")) {
            return lookUpLiteral(v6).filter(a -> a instanceof Inet6Address);
        }
        return Optional.empty();
    }

    /** True when {@link #parse(String)} finds an address in {@code text}. */
    public static boolean isLiteral(String text) {
        return parse(text).isPresent();
    }

    /** InetAddress parses a checked literal without asking a resolver. */
    private static Optional<InetAddress> lookUpLiteral(String literal) {
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
