package org.superserver.api;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A datagram protocol that answers each datagram from nothing but the datagram and its sender (echo,
 * RFC 862; daytime, RFC 867; time, RFC 868). A {@link Handler} that also implements this lets the
 * core read the socket on a thread of its own, several datagrams per system call, and answer each
 * there, without a Netty pipeline.
 *
 * <p>The core does so only when nothing else has to happen first: no access policy applies to the
 * service, it has no {@code cps} or {@code max_load} limit, and datagrams are not being logged one
 * by one. Otherwise the datagrams go to the pipeline {@link Handler#initDatagram} set up, which must
 * answer them the same way; {@code initDatagram} is called in either case.
 */
@ConsumerType
public interface DatagramAnswer {

    /** The largest datagram the core reads, and the most an answer may hold, in bytes. */
    int MAX_DATAGRAM = 2048;

    /**
     * Answers one datagram. Called on the core's thread for the socket, never on an event loop;
     * calls for different sockets come at the same time. It must be quick and must not block.
     *
     * @param request the datagram's bytes, from its position to its limit (a datagram longer than
     *                {@value #MAX_DATAGRAM} bytes is cut there); only to be read
     * @param sender who sent it
     * @param local the address of the socket it came to
     * @param reply where to put the answer, from position 0, at most {@value #MAX_DATAGRAM} bytes
     * @return whether to send the answer (the bytes of {@code reply} before its position) to the sender
     */
    boolean answer(ByteBuffer request, InetSocketAddress sender, InetSocketAddress local, ByteBuffer reply);
}
