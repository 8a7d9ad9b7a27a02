package org.superserver.core.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import org.superserver.api.ServiceDefinition;

/**
 * Turns away a client a limit refused: logs the FAIL line, sends the definition's {@code
 * banner_fail} file if it has one (read off the event loop, see {@link BannerFiles}), and closes
 * the connection. The connection is not read meanwhile.
 */
final class Refusal {

    private Refusal() {
    }

    /** Counts a refusal by {@code reason} on {@code binding} and logs its FAIL line. */
    static void record(Binding binding, ServiceDefinition definition, String reason, InetSocketAddress local,
                       InetSocketAddress remote, DispatchServices services) {
        binding.occupancy().refused(reason);
        services.log().failed(definition, reason, local, remote);
    }

    static void refuse(Channel channel, Binding binding, ServiceDefinition definition, String reason,
                       DispatchServices services) {
        channel.config().setAutoRead(false);
        record(binding, definition, reason, Peers.local(channel), Peers.remote(channel), services);
        String banner = definition.bannerFail();
        if (banner == null) {
            channel.close();
            return;
        }
        services.banners().read(banner).thenAccept(bytes -> {
            try {
                channel.eventLoop().execute(() -> {
                    if (bytes.length == 0 || !channel.isActive()) {
                        channel.close();
                    } else {
                        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(ChannelFutureListener.CLOSE);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                channel.close();
            }
        });
    }
}
