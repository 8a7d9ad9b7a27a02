package org.superserver.core.internal;

import java.net.InetSocketAddress;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

/** What the core has for one service id. Changed on the registry's thread only; read from anywhere. */
final class Entry {

    private final String id;
    private volatile ServiceDefinition definition;
    private volatile ListenerState state;
    private volatile String detail = "";
    private volatile Binding binding;

    Entry(ServiceDefinition definition) {
        this.id = definition.id();
        this.definition = definition;
        this.state = ListenerState.STARTING;
    }

    String id() {
        return id;
    }

    ServiceDefinition definition() {
        return definition;
    }

    ListenerState state() {
        return state;
    }

    String detail() {
        return detail;
    }

    /** The bound socket, or {@code null}. */
    Binding binding() {
        return binding;
    }

    void listening(ServiceDefinition served, Binding bound) {
        this.definition = served;
        this.binding = bound;
        this.detail = "";
        this.state = ListenerState.LISTENING;
    }

    void swap(ServiceDefinition served) {
        this.definition = served;
        Binding b = binding;
        if (b != null) {
            b.swap(served);
        }
    }

    /** Not bound, for {@code why}. */
    void unbound(ServiceDefinition wanted, ListenerState next, String why) {
        this.definition = wanted;
        this.binding = null;
        this.detail = why == null ? "" : why;
        this.state = next;
    }

    ListenerStatus status() {
        Binding b = binding;
        ListenerState s = state;
        return new ListenerStatus(definition, s, b == null ? null : b.boundAddress(), detail,
                b == null ? 0 : b.accepted(), b == null ? 0 : b.connections().size());
    }

    @Override
    public String toString() {
        InetSocketAddress address = binding == null ? null : binding.boundAddress();
        return id + " " + state + (address == null ? "" : " " + Addresses.format(address));
    }
}
