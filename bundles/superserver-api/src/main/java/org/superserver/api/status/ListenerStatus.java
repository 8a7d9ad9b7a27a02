package org.superserver.api.status;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.superserver.api.ServiceDefinition;

/** One service's listener at one moment: an immutable snapshot. */
public final class ListenerStatus {

    private final ServiceDefinition definition;
    private final ListenerState state;
    private final InetSocketAddress boundAddress;
    private final String detail;
    private final long accepted;
    private final int activeConnections;

    public ListenerStatus(ServiceDefinition definition, ListenerState state, InetSocketAddress boundAddress,
                          String detail, long accepted, int activeConnections) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.state = Objects.requireNonNull(state, "state");
        this.boundAddress = boundAddress;
        this.detail = detail == null ? "" : detail;
        this.accepted = accepted;
        this.activeConnections = activeConnections;
    }

    /** The definition this listener serves. */
    public ServiceDefinition definition() {
        return definition;
    }

    public ListenerState state() {
        return state;
    }

    /** The address and port actually bound (the real port when the definition asked for 0), or {@code null}. */
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** Why the listener is in its state (the bind error, the missing handler's name), or {@code ""}. */
    public String detail() {
        return detail;
    }

    /** Connections accepted (stream) or datagrams received (dgram) since the listener was bound. */
    public long accepted() {
        return accepted;
    }

    /** Stream connections currently open. */
    public int activeConnections() {
        return activeConnections;
    }

    @Override
    public String toString() {
        return definition.name() + "/" + definition.protocol().configName() + " " + state
                + (boundAddress == null ? "" : " " + boundAddress)
                + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
