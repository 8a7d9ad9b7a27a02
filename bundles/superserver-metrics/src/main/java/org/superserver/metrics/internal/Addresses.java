package org.superserver.metrics.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP address literals, parsed without a name lookup. */
final class Addresses {

    private Addresses() {
    }

    /** The address that {@code text} spells (IPv4 dotted quad or IPv6), else IllegalArgumentException. */
    static InetAddress literal(String text) {
        String bare = text == null ? "" : text.trim();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        boolean ipv4 = bare.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                && java.util.Arrays.stream(bare.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
        // with a colon, InetAddress takes it as an IPv6 literal and never looks it up
        boolean ipv6 = bare.indexOf(':') >= 0 && bare.matches("[0-9A-Za-z:.%]+");
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("not an IP address (write 127.0.0.1 or ::1, not a host name)");
        }
        try {
            return InetAddress.getByName(bare); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + e.getMessage());
        }
    }
}
