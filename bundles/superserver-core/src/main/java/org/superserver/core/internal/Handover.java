package org.superserver.core.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.unix.UnixChannel;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;

/**
 * Takes an accepted connection out of Netty's hands: duplicates its descriptor (close-on-exec,
 * above 2) and closes the channel, which closes only the server's descriptor (no {@code
 * shutdown(2)}), so the client stays connected to whoever gets the copy: an exec'd server or a
 * twist command. Netty can never read from the connection afterwards.
 */
final class Handover {

    private static final Logger LOG = LoggerFactory.getLogger(Handover.class);

    private Handover() {
    }

    /**
     * @param event the log line's first word ({@code EXEC}, {@code TWIST}) when the handover fails
     * @return the copy, which the caller closes; -1 when there is none (logged, channel closed)
     */
    static int take(ChannelHandlerContext ctx, ServiceDefinition definition, InetSocketAddress remote, String event) {
        if (!(ctx.channel() instanceof UnixChannel channel)) {
            LOG.error("{} service={} protocol={} from={} origin={} error=the connection's descriptor is needed, which"
                    + " only the native transport gives, denied", event, definition.name(),
                    definition.protocol().configName(), Addresses.format(remote), definition.origin());
            ctx.close();
            return -1;
        }
        int copy = duplicate(channel.fd().intValue(), definition, remote, event);
        ctx.close();
        return copy;
    }

    /**
     * A close-on-exec copy of {@code fd} above 2, for whoever gets the connection once the server's
     * own descriptor is closed.
     *
     * @return the copy, which the caller closes; -1 when there is none (logged)
     */
    static int duplicate(int fd, ServiceDefinition definition, InetSocketAddress remote, String event) {
        int copy = Libc.fcntl(fd, Libc.F_DUPFD_CLOEXEC, 3);
        if (copy < 0) {
            LOG.error("{} service={} protocol={} from={} origin={} error=cannot duplicate the connection: {}", event,
                    definition.name(), definition.protocol().configName(), Addresses.format(remote),
                    definition.origin(), Libc.describe(Libc.errno()));
        }
        return copy;
    }
}
