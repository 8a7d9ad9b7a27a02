package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.UnixChannel;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;

/**
 * Socket options from the definition and from the access decisions.
 *
 * <ul>
 *   <li>A definition's {@code keepAlive()} ({@code SO_KEEPALIVE}) and {@code noDelay()}
 *       ({@code TCP_NODELAY}, xinetd's {@code KEEPALIVE} and {@code NODELAY} flags) are set on
 *       every connection as it is accepted ({@link #accepted}), so a child started on it has them
 *       too. A child's connection has {@code TCP_NODELAY} exactly when the definition asks for it
 *       (Nagle's algorithm on otherwise, as inetd and xinetd leave it); a connection served in
 *       process keeps Netty's {@code TCP_NODELAY} on; a relayed one has it on both sides, as
 *       xinetd's {@code redirect} does. A {@code wait} service's server accepts its connections
 *       itself and sets what it wants.</li>
 *   <li>A definition's {@code v6Only()} ({@code IPV6_V6ONLY}) is set on its IPv6 listening socket
 *       before it is bound ({@link #listener}), so that it takes no IPv4 client. Without it an IPv6
 *       listener keeps the system's default (dual-stack on Linux unless {@code
 *       net.ipv6.bindv6only} is set), for {@code tcp6} as for {@code tcp}.</li>
 *   <li>What the access decisions asked for ({@code keepalive}, {@code linger}) is set on the
 *       client's connection once they are known ({@link #apply}), whether it is still a Netty
 *       channel or a descriptor being handed to a child.</li>
 * </ul>
 *
 * An option that cannot be set on a connection is logged and the connection served anyway, as
 * tcpd does.
 */
final class SocketOptions {

    private static final Logger LOG = LoggerFactory.getLogger(SocketOptions.class);

    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;

    private SocketOptions() {
    }

    /**
     * Sets the definition's options on a connection as it is accepted.
     *
     * @param child whether the connection goes to a started server (which then gets {@code
     *              TCP_NODELAY} only when the definition asks for it)
     */
    static void accepted(Channel channel, ServiceDefinition definition, boolean child) {
        try {
            if (definition.keepAlive()) {
                channel.config().setOption(ChannelOption.SO_KEEPALIVE, true);
            }
            if (definition.noDelay() || child) {
                channel.config().setOption(ChannelOption.TCP_NODELAY, definition.noDelay());
            }
        } catch (RuntimeException e) {
            failed(definition, null, e.toString());
        }
    }

    /**
     * Sets {@code IPV6_V6ONLY} on a new, unbound listening or datagram socket for {@code address}
     * when the definition asks for it and the address is IPv6.
     *
     * @return {@code channel}
     * @throws IllegalStateException when it cannot be set (the NIO transport has no way to)
     */
    static <C extends Channel> C listener(C channel, ServiceDefinition definition, InetSocketAddress address) {
        if (!definition.v6Only() || !(address.getAddress() instanceof Inet6Address)) {
            return channel;
        }
        if (!(channel instanceof UnixChannel unix)) {
            channel.unsafe().closeForcibly();
            throw new IllegalStateException("v6only needs the epoll transport, which sets IPV6_V6ONLY before the"
                    + " socket is bound (this core runs nio)");
        }
        if (Libc.setsockopt(unix.fd().intValue(), IPPROTO_IPV6, IPV6_V6ONLY, new int[] {1}, Integer.BYTES) != 0) {
            String why = Libc.describe(Libc.errno());
            channel.unsafe().closeForcibly();
            throw new IllegalStateException("setsockopt(IPV6_V6ONLY): " + why);
        }
        return channel;
    }

    /** Sets the options on an open channel. */
    static void apply(Channel channel, PolicyChain.Tuning tuning, ServiceDefinition definition,
                      InetSocketAddress remote) {
        if (!tuning.setsSocketOptions()) {
            return;
        }
        try {
            if (tuning.keepAlive()) {
                channel.config().setOption(ChannelOption.SO_KEEPALIVE, true);
            }
            if (tuning.lingerSeconds() >= 0) {
                channel.config().setOption(ChannelOption.SO_LINGER, tuning.lingerSeconds());
            }
        } catch (RuntimeException e) {
            failed(definition, remote, e.toString());
        }
    }

    /** Sets the options on a socket descriptor. */
    static void apply(int fd, PolicyChain.Tuning tuning, ServiceDefinition definition, InetSocketAddress remote) {
        if (tuning.keepAlive()
                && Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_KEEPALIVE, new int[] {1}, Integer.BYTES) != 0) {
            failed(definition, remote, "setsockopt(SO_KEEPALIVE): " + Libc.describe(Libc.errno()));
        }
        if (tuning.lingerSeconds() >= 0 && Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_LINGER,
                new int[] {1, tuning.lingerSeconds()}, 2 * Integer.BYTES) != 0) {
            failed(definition, remote, "setsockopt(SO_LINGER): " + Libc.describe(Libc.errno()));
        }
    }

    private static void failed(ServiceDefinition definition, InetSocketAddress remote, String error) {
        LOG.warn("SOCKET service={} protocol={} from={} origin={} error={}", definition.name(),
                definition.protocol().configName(), Addresses.format(remote), definition.origin(), error);
    }
}
