package org.superserver.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A stream protocol whose whole exchange is one answer sent as the connection opens, after which
 * the server closes the connection (daytime, RFC 867; time, RFC 868). A {@link Handler} that also
 * implements this lets the core send the answer from the accepting thread and close the socket
 * there, without setting up a pipeline for the connection.
 *
 * <p>The core does so when nothing but the service's limits and access policies has to happen
 * first (no TLS, no {@code banner_fail} file, connections not logged one by one); the policies are
 * asked on that thread, and a verdict that waits for a lookup is acted on by the listener's event
 * loop, which then calls {@link #answer}. Otherwise it calls {@link Handler#initStream} as for any
 * handler, which must then send the same answer.
 */
@ConsumerType
public interface ImmediateAnswer {

    /**
     * The answer for one connection. Called on the accepting thread or the listener's event loop:
     * it must be quick and must not block. The core writes it once and releases it.
     *
     * @param alloc where to allocate the answer
     * @param connection who connected to what
     * @return the whole answer, a few hundred bytes at most
     */
    ByteBuf answer(ByteBufAllocator alloc, ConnectionInfo connection);
}
