package org.superserver.api.status;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * One live connection (or running server) at one moment: an immutable snapshot.
 *
 * @param id         this connection's number, unique within the running server; what {@code
 *                   inetd:kill} takes
 * @param serviceId  the {@code ServiceDefinition.id()} of its service
 * @param service    the service's name
 * @param kind       how it is served
 * @param local      the server's end, or {@code null} when not known (a {@code wait} server's clients)
 * @param remote     the client's end, or {@code null} when not known
 * @param started    when it was accepted (or the server started)
 * @param bytesIn    bytes received from the client, or -1 where not counted (a child reads the socket itself)
 * @param bytesOut   bytes sent to the client, or -1 where not counted
 * @param pid        the process id of its server, or 0 when none runs for it
 * @since 1.3
 */
public record ConnectionStatus(long id, String serviceId, String service, Kind kind, InetSocketAddress local,
                               InetSocketAddress remote, Instant started, long bytesIn, long bytesOut, int pid) {

    /** How a connection is served. */
    public enum Kind {
        /** By an in-process handler. */
        HANDLER,
        /** By an exec'd server that has the socket as its standard input and output. */
        CHILD,
        /** Relayed to another host ({@code redirect}). */
        RELAY
    }

    public ConnectionStatus {
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(started, "started");
    }
}
