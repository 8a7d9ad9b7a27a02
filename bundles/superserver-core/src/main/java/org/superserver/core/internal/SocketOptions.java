package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;

/**
 * Sets the socket options the access decisions asked for ({@code keepalive}, {@code linger}) on
 * the client's connection, whether the connection is still a Netty channel or a descriptor being
 * handed to a child. An option that cannot be set is logged and the connection served anyway, as
 * tcpd does.
 */
final class SocketOptions {

    private static final Logger LOG = LoggerFactory.getLogger(SocketOptions.class);

    private SocketOptions() {
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
