package org.superserver.api;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Where a definition's IP socket is bound: the core binds the first of these that it can, and the
 * launcher binds the first before the framework starts (a start without a record of the last
 * start's sockets). Never resolves names: a bind address is a literal.
 */
public final class ListenAddresses {

    private ListenAddresses() {
    }

    /**
     * The addresses to try, in order, for a definition: its literal bind address; or for a plain
     * {@code tcp}/{@code udp} the dual-stack wildcard {@code ::} followed by {@code 0.0.0.0} in case
     * the system has no IPv6 ({@code ipv6Usable} false: {@code 0.0.0.0} only); {@code 0.0.0.0} for
     * the IPv4 protocols; {@code ::} for the IPv6 ones. Not for Unix-domain definitions.
     *
     * @throws IllegalArgumentException when the bind address is not a literal of the protocol's family
     */
    public static List<InetSocketAddress> candidates(ServiceDefinition definition, boolean ipv6Usable) {
        int port = definition.port();
        AddressFamily family = definition.protocol().family();
        String literal = definition.bindAddress();
        if (literal != null) {
            InetAddress address = AddressLiterals.parse(literal).orElseThrow(() -> new IllegalArgumentException(
                    "bind address '" + literal + "' is not a literal IPv4 or IPv6 address (host names are not resolved)"));
            if (family == AddressFamily.INET && !(address instanceof Inet4Address)) {
                throw new IllegalArgumentException("bind address " + literal + " is not an IPv4 address"
                        + " (protocol " + definition.protocol().configName() + " needs one)");
            }
            if (family == AddressFamily.INET6 && !(address instanceof Inet6Address)) {
                throw new IllegalArgumentException("bind address " + literal + " is not an IPv6 address"
                        + " (protocol " + definition.protocol().configName() + " needs one)");
            }
            return List.of(new InetSocketAddress(address, port));
        }
        InetSocketAddress any4 = new InetSocketAddress(any(4), port);
        InetSocketAddress any6 = new InetSocketAddress(any(16), port);
        switch (family) {
            case INET:
                return List.of(any4);
            case INET6:
                return List.of(any6);
            case ANY:
            default:
                return ipv6Usable ? List.of(any6, any4) : List.of(any4);
        }
    }

    /** The first of {@link #candidates}, or empty when the bind address is not a literal of the protocol's family. */
    public static Optional<InetSocketAddress> first(ServiceDefinition definition, boolean ipv6Usable) {
        try {
            return Optional.of(candidates(definition, ipv6Usable).get(0));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static InetAddress any(int length) {
        try {
            return InetAddress.getByAddress(new byte[length]);
        } catch (UnknownHostException e) { // a 4- or 16-byte address is always valid
            throw new IllegalStateException(e);
        }
    }
}
