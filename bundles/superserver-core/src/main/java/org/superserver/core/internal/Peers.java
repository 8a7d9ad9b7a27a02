package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.AttributeKey;
import io.netty.channel.unix.DomainSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.PeerCredentials;
import org.superserver.api.ServiceDefinition;

/**
 * The two ends of an accepted connection as the rest of the core handles them: the socket
 * addresses of a TCP connection; for a Unix-domain one, unresolved addresses whose host strings
 * are the socket path and the peer's {@code unix:uid=…,gid=…,pid=…} label (port 0), so that logs,
 * status and limits name the peer without an address of its own.
 */
final class Peers {

    private Peers() {
    }

    /** The client's end of {@code channel}, or {@code null} when it has none (closed already). */
    static InetSocketAddress remote(Channel channel) {
        if (channel instanceof DomainSocketChannel) {
            PeerCredentials peer = credentials(channel);
            return InetSocketAddress.createUnresolved(peer == null ? "unix:unknown" : peer.label(), 0);
        }
        return inet(channel.remoteAddress());
    }

    /**
     * The socket path of an accepted Unix-domain connection (its socket was bound at a temporary
     * path, then renamed, so the kernel's name of it is stale).
     */
    static final AttributeKey<String> SOCKET_PATH = AttributeKey.valueOf(Peers.class, "socketPath");

    /**
     * The server's end of {@code channel}: for a Unix-domain socket, the path its clients reach (the
     * service's socket path, or that of a socket adopted from the service manager).
     */
    static InetSocketAddress local(Channel channel, ServiceDefinition definition) {
        if (definition.socketPath() != null) {
            String path = channel.attr(SOCKET_PATH).get();
            return InetSocketAddress.createUnresolved(path != null ? path : definition.socketPath(), 0);
        }
        return local(channel);
    }

    /** The server's end of {@code channel}, as {@link #local(Channel, ServiceDefinition)}. */
    static InetSocketAddress local(Channel channel) {
        // hasAttr first: attr() would add an empty attribute to every connection it is asked about
        String path = channel.hasAttr(SOCKET_PATH) ? channel.attr(SOCKET_PATH).get() : null;
        return path != null ? InetSocketAddress.createUnresolved(path, 0) : inet(channel.localAddress());
    }

    /** What the access policies learn of the client of {@code channel}. */
    static ConnectionInfo info(ServiceDefinition definition, Channel channel, Instant accepted) {
        if (channel instanceof DomainSocketChannel) {
            PeerCredentials peer = credentials(channel);
            String path = channel.attr(SOCKET_PATH).get();
            return new ConnectionInfo(definition.id(), definition.name(), definition.protocol(),
                    path != null ? path : definition.socketPath(), peer == null ? new PeerCredentials(0, -1, -1) : peer,
                    accepted);
        }
        return info(definition, local(channel, definition), remote(channel), accepted);
    }

    /** What the access policies learn of a client at {@code remote} of {@code definition}'s socket at {@code local}. */
    static ConnectionInfo info(ServiceDefinition definition, InetSocketAddress local, InetSocketAddress remote,
                               Instant accepted) {
        return new ConnectionInfo(definition.id(), definition.name(), definition.protocol(), local, remote, accepted);
    }

    /**
     * What {@code per_source} counts a Unix-domain client by: its user id, as a stand-in address
     * (a unix service's table holds only unix clients); {@code null} when {@code remote} does not
     * name one.
     */
    static java.net.InetAddress sourceOf(InetSocketAddress remote) {
        String name = remote.getHostString();
        if (!name.startsWith("unix:uid=")) {
            return null;
        }
        int end = name.indexOf(',');
        try {
            int uid = Integer.parseInt(name.substring("unix:uid=".length(), end < 0 ? name.length() : end));
            return java.net.InetAddress.getByAddress(name, new byte[] {
                    (byte) (uid >>> 24), (byte) (uid >>> 16), (byte) (uid >>> 8), (byte) uid});
        } catch (NumberFormatException | java.net.UnknownHostException e) {
            return null;
        }
    }

    /** The kernel's {@code SO_PEERCRED} of a Unix-domain connection, or {@code null} when it cannot be read. */
    static PeerCredentials credentials(Channel channel) {
        return channel instanceof DomainSocketChannel ? Epoll.credentials(channel) : null;
    }

    private static InetSocketAddress inet(SocketAddress address) {
        if (address instanceof DomainSocketAddress domain) {
            return InetSocketAddress.createUnresolved(domain.path(), 0);
        }
        return (InetSocketAddress) address;
    }

    /** Touches the epoll classes only for a Unix-domain channel, which only the epoll transport makes. */
    private static final class Epoll {

        static PeerCredentials credentials(Channel channel) {
            if (!(channel instanceof EpollDomainSocketChannel epoll)) {
                return null;
            }
            try {
                io.netty.channel.unix.PeerCredentials c = epoll.peerCredentials();
                int[] gids = c.gids();
                return new PeerCredentials(c.pid(), c.uid(), gids.length == 0 ? -1 : gids[0]);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
