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

    /**
     * Whether a socket for {@code definition} bound at {@code address} can be bound before the
     * framework starts, by the launcher, which sets no socket option and names no interface: an IP
     * socket at a fixed port, neither an IPv6 one for IPv6 only ({@code v6only}) nor one at an address
     * with a scope (a link-local address with its interface). The core records only such sockets for
     * the next start, and the launcher binds only such sockets of a configuration's files.
     */
    public static boolean bindableEarly(ServiceDefinition definition, InetSocketAddress address) {
        if (definition.protocol().isUnix() || definition.port() == 0 || address == null || address.isUnresolved()
                || address.getPort() == 0) {
            return false;
        }
        if (address.getAddress() instanceof Inet6Address) {
            Inet6Address v6 = (Inet6Address) address.getAddress();
            return !definition.v6Only() && v6.getScopeId() == 0 && v6.getScopedInterface() == null;
        }
        return true;
    }

    private static InetAddress any(int length) {
        try {
            return InetAddress.getByAddress(new byte[length]);
        } catch (UnknownHostException e) { // a 4- or 16-byte address is always valid
            throw new IllegalStateException(e);
        }
    }
}
