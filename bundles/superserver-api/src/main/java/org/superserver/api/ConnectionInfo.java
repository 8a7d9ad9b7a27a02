package org.superserver.api;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * Who connected to which service: what access policies and handlers know about a client.
 *
 * <p>A client of a Unix-domain service ({@link Protocol#isUnix()}) has no address: its {@link
 * #peer()} says who it is, {@link #remote()} is an unresolved address whose host string is the
 * peer's {@link PeerCredentials#label()} and {@link #local()} one whose host string is the socket
 * path, both with port 0 and a {@code null} {@link InetSocketAddress#getAddress()}. A policy that
 * matches addresses must look at {@link #peer()} (or the protocol) first.
 */
public final class ConnectionInfo {

    private final String serviceId;
    private final String serviceName;
    private final Protocol protocol;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final Instant acceptTime;
    private final PeerCredentials peer;

    public ConnectionInfo(String serviceId, String serviceName, Protocol protocol,
                          InetSocketAddress local, InetSocketAddress remote, Instant acceptTime) {
        this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.local = Objects.requireNonNull(local, "local");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.acceptTime = Objects.requireNonNull(acceptTime, "acceptTime");
        this.peer = null;
    }

    /**
     * A client of the Unix-domain service whose socket is at {@code socketPath}.
     *
     * @since 1.7
     */
    public ConnectionInfo(String serviceId, String serviceName, Protocol protocol, String socketPath,
                          PeerCredentials peer, Instant acceptTime) {
        this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.peer = Objects.requireNonNull(peer, "peer");
        this.local = InetSocketAddress.createUnresolved(Objects.requireNonNull(socketPath, "socketPath"), 0);
        this.remote = InetSocketAddress.createUnresolved(peer.label(), 0);
        this.acceptTime = Objects.requireNonNull(acceptTime, "acceptTime");
    }

    /**
     * The credentials of a Unix-domain client, or {@code null} for a TCP or UDP one.
     *
     * @since 1.7
     */
    public PeerCredentials peer() {
        return peer;
    }

    /** The {@link ServiceDefinition#id()} of the service. */
    public String serviceId() {
        return serviceId;
    }

    /** The {@link ServiceDefinition#name()} of the service. */
    public String serviceName() {
        return serviceName;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The server's address and port of this connection. */
    public InetSocketAddress local() {
        return local;
    }

    /** The client's address and port. */
    public InetSocketAddress remote() {
        return remote;
    }

    /** When the connection was accepted (or the datagram received). */
    public Instant acceptTime() {
        return acceptTime;
    }

    @Override
    public String toString() {
        if (peer != null) {
            return serviceName + "/" + protocol.configName() + " from " + peer.label();
        }
        return serviceName + "/" + protocol.configName() + " from "
                + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
