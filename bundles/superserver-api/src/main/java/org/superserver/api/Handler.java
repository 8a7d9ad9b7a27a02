package org.superserver.api;

import io.netty.channel.Channel;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An in-process protocol. Registered as an OSGi service with the property
 * {@value #NAME_PROPERTY} naming it; a {@link ServiceDefinition} whose {@link
 * ServiceDefinition#handler()} is that name is served by it.
 *
 * <p>The core owns the sockets: it binds the listener, accepts, applies limits and access
 * policies, and only then calls this handler to contribute to the channel's pipeline. Calls come on
 * the channel's event loop; a handler must never block it. A handler registered once serves every
 * connection (stateless handlers share their Netty handlers, marked {@code @Sharable}).
 */
@ConsumerType
public interface Handler {

    /** The service property that names a handler, e.g. {@code superserver.handler=echo}. */
    String NAME_PROPERTY = "superserver.handler";

    /** Whether this handler serves the given socket type. */
    boolean supports(SocketType socketType);

    /**
     * Sets up the pipeline of an accepted stream connection. The channel is active, auto-read is
     * on, and every access policy has allowed the client.
     *
     * @param channel the accepted connection
     * @param connection who connected to what
     * @param definition the service being served
     */
    default void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
        throw new UnsupportedOperationException(definition.name() + " has no stream protocol");
    }

    /**
     * Sets up the pipeline of a bound datagram socket; its inbound messages are Netty
     * {@code DatagramPacket}s and replies are written as {@code DatagramPacket}s to their senders.
     *
     * @param channel the bound datagram channel
     * @param definition the service being served
     */
    default void initDatagram(Channel channel, ServiceDefinition definition) {
        throw new UnsupportedOperationException(definition.name() + " has no datagram protocol");
    }
}
