package org.superserver.api;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A stream protocol that answers every chunk of bytes it reads from nothing but those bytes, for as
 * long as the client keeps the connection open (echo, RFC 862). A {@link Handler} that also
 * implements this lets the core hold each connection as a bare descriptor in an epoll set of its
 * own, with a few dozen bytes of bookkeeping, instead of a channel and a pipeline: a server with
 * tens of thousands of idle connections then spends far less memory on them.
 *
 * <p>The core does so when nothing but the service's limits, access policies and {@code
 * log_on_success} lines has to happen: it does not use TLS, connections are not logged one by one
 * at debug level, no socket option is asked for ({@code KEEPALIVE}, {@code NODELAY}), and a refusal
 * by a limit has no {@code banner_fail} to send. The policies are asked on the core's thread, and a
 * connection they allow is held once their verdict has come. Otherwise it calls {@link
 * Handler#initStream} as for any handler, which must answer the same way. The core closes the
 * connection when the client closes or shuts its sending side down, once what was answered before
 * has been sent.
 */
@ConsumerType
public interface StreamAnswer {

    /**
     * The answer to bytes just read. Called on a thread of the core's for the listener, never on an
     * event loop; calls for different connections of a listener may come at the same time from its
     * different threads. It must be quick and must not block.
     *
     * @param read the bytes read, from its position to its limit; the answer may be this buffer
     *             itself (or a part of it): the core sends it before it reads again
     * @return the bytes to send back, from its position to its limit (none, or {@code null}, to send
     *         nothing)
     */
    ByteBuffer answer(ByteBuffer read);
}
