package org.superserver.itests.reverse;

import io.netty.channel.Channel;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * The "reverse" protocol: every line comes back reversed. Lives in a bundle that the test builds
 * on the fly with TinyBundles (see ReverseActivator); not a built-in.
 */
public final class ReverseHandler implements Handler {

    public static final String NAME = "reverse";

    @Override
    public boolean supports(SocketType socketType) {
        return socketType == SocketType.STREAM;
    }

    @Override
    public void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
        channel.pipeline().addLast(new ReverseLines());
    }
}
