package org.superserver.core.internal;

import com.sun.jna.Pointer;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.superserver.api.AddressFamily;
import org.superserver.api.AddressLiterals;
import org.superserver.api.ServiceDefinition;

/** Where a definition's listener binds. Never resolves names: a bind address is a literal. */
final class Addresses {

    private Addresses() {
    }

    /**
     * The addresses to try, in order, for a definition: its literal bind address; or for a plain
     * {@code tcp}/{@code udp} the dual-stack wildcard {@code ::} followed by {@code 0.0.0.0} in case
     * the system has no IPv6; {@code 0.0.0.0} for the IPv4 protocols; {@code ::} for the IPv6 ones.
     *
     * @throws IllegalArgumentException when the bind address is not a literal of the protocol's family
     */
    static List<InetSocketAddress> candidates(ServiceDefinition definition, boolean ipv6Usable) {
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
        InetSocketAddress any4 = new InetSocketAddress(anyV4(), port);
        InetSocketAddress any6 = new InetSocketAddress(anyV6(), port);
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

    /** Whether this JVM may open IPv6 sockets at all. */
    static boolean ipv6Usable() {
        return !NetUtil.isIpV4StackPreferred();
    }

    private static InetAddress anyV4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress anyV6() {
        try {
            return InetAddress.getByAddress(new byte[16]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where a definition asks to listen, for log lines: its socket path, or {@code address:port} ({@code *} for any). */
    static String configured(ServiceDefinition definition) {
        if (definition.socketPath() != null) {
            return definition.socketPath();
        }
        return (definition.bindAddress() == null ? "*" : definition.bindAddress()) + ":" + definition.port();
    }

    /** {@code address:port}, IPv6 in brackets. */
    static String format(InetSocketAddress address) {
        if (address == null) {
            return "-";
        }
        InetAddress ip = address.getAddress();
        if (ip == null && address.getPort() == 0) {
            return address.getHostString(); // a Unix-domain socket's path, or its peer's unix:uid=… label
        }
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        if (ip instanceof Inet6Address) {
            int zone = host.indexOf('%');
            host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
        }
        return host + ":" + address.getPort();
    }

    /**
     * A {@code struct sockaddr_in} or {@code sockaddr_in6} (family in host order, port in network
     * order) as an address and port; {@code null} for another family.
     */
    static InetSocketAddress socketAddress(Pointer sockaddr) {
        int family = sockaddr.getShort(0) & 0xffff;
        int port = ((sockaddr.getByte(2) & 0xff) << 8) | (sockaddr.getByte(3) & 0xff);
        try {
            if (family == 2) {
                return new InetSocketAddress(InetAddress.getByAddress(sockaddr.getByteArray(4, 4)), port);
            }
            if (family == 10) {
                return new InetSocketAddress(InetAddress.getByAddress(sockaddr.getByteArray(8, 16)), port);
            }
        } catch (UnknownHostException e) { // a 4- or 16-byte address is always valid
            return null;
        }
        return null;
    }
}
