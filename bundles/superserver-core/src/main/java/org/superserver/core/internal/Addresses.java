package org.superserver.core.internal;

import com.sun.jna.Pointer;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.superserver.api.ServiceDefinition;

/**
 * Addresses for log lines and from native socket addresses; where a definition's listener binds is
 * {@link org.superserver.api.ListenAddresses}.
 */
final class Addresses {

    private Addresses() {
    }

    /** Whether this JVM may open IPv6 sockets at all. */
    static boolean ipv6Usable() {
        return !NetUtil.isIpV4StackPreferred();
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
