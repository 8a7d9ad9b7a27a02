package org.superserver.builtin.internal;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** An embedded channel that reports a socket address as its local address, as a bound datagram socket does. */
final class BoundChannel extends EmbeddedChannel {

    private final InetSocketAddress local;

    BoundChannel(InetSocketAddress local) {
        this.local = local;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }
}
