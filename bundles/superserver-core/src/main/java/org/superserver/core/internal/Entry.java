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
    private volatile Object pause;

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

    /** Serves new connections of an exec'd service with {@code served} and its {@code program}. */
    void swap(ServiceDefinition served, Program program) {
        this.definition = served;
        Binding b = binding;
        if (b != null) {
            b.swap(served, program);
        }
    }

    /** Not bound, for {@code why}. */
    void unbound(ServiceDefinition wanted, ListenerState next, String why) {
        this.definition = wanted;
        this.binding = null;
        this.detail = why == null ? "" : why;
        this.state = next;
        this.pause = null;
    }

    /** Not bound because of its rate limit, until a resume carrying the returned token. */
    Object paused(String why) {
        unbound(definition, ListenerState.PAUSED, why);
        Object token = new Object();
        this.pause = token;
        return token;
    }

    /** Whether the pause that {@code token} was given for is still on. */
    boolean pausedBy(Object token) {
        return state == ListenerState.PAUSED && pause == token && binding == null;
    }

    /**
     * A snapshot. A listening wait service whose server has the socket reports {@link
     * ListenerState#PAUSED}; a listening exec'd service whose program is missing says so in the
     * detail. Active connections count open stream connections plus running children.
     */
    ListenerStatus status() {
        Binding b = binding;
        ListenerState s = state;
        String why = detail;
        if (b != null && s == ListenerState.LISTENING) {
            String busy = b.busy();
            String warning = b.warning();
            if (busy != null) {
                s = ListenerState.PAUSED;
                why = busy;
            } else if (warning != null) {
                why = warning;
            }
        }
        return new ListenerStatus(definition, s, b == null ? null : b.boundAddress(), why,
                b == null ? 0 : b.accepted(), b == null ? 0 : b.connections().size() + b.children());
    }

    @Override
    public String toString() {
        InetSocketAddress address = binding == null ? null : binding.boundAddress();
        return id + " " + state + (address == null ? "" : " " + Addresses.format(address));
    }
}
