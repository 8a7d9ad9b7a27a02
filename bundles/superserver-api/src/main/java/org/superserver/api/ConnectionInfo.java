package org.superserver.api;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

/** Who connected to which service: what access policies and handlers know about a client. */
public final class ConnectionInfo {

    private final String serviceId;
    private final String serviceName;
    private final Protocol protocol;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final Instant acceptTime;

    public ConnectionInfo(String serviceId, String serviceName, Protocol protocol,
                          InetSocketAddress local, InetSocketAddress remote, Instant acceptTime) {
        this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.local = Objects.requireNonNull(local, "local");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.acceptTime = Objects.requireNonNull(acceptTime, "acceptTime");
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
        return serviceName + "/" + protocol.configName() + " from "
                + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
