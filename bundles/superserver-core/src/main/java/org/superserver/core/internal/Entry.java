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
    private long retryMillis;

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
        this.retryMillis = 0;
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

    /**
     * Not bound, in {@code waiting} ({@link ListenerState#PAUSED} by a rate limit, {@link
     * ListenerState#RETRYING} after a failed bind), until a try carrying the returned token.
     */
    Object awaitInState(ListenerState waiting, String why) {
        unbound(definition, waiting, why);
        Object token = new Object();
        this.pause = token;
        return token;
    }

    /** Not bound for now: {@code wanted}'s socket could not be bound; see {@link #awaitInState}. */
    Object retrying(ServiceDefinition wanted, String why) {
        this.definition = wanted;
        return awaitInState(ListenerState.RETRYING, why);
    }

    /** Whether the wait in {@code waiting} that {@code token} was given for is still on. */
    boolean awaiting(ListenerState waiting, Object token) {
        return state == waiting && pause == token && binding == null;
    }

    /** The delay before the next bind try: {@code first}, then twice the last one, at most {@code max}. */
    long nextRetryMillis(long first, long max) {
        retryMillis = retryMillis == 0 ? first : Math.min(max, retryMillis * 2);
        return retryMillis;
    }

    /**
     * A snapshot. A listening wait service whose server has the socket, and a listener held back
     * at its service's {@code instances} or the core's {@code children.max}, report {@link
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
            String limit = b.limited();
            if (busy != null) {
                s = ListenerState.PAUSED;
                why = busy;
            } else if (limit != null) {
                s = ListenerState.PAUSED;
                why = "at " + (limit.equals("instances") ? "its instances" : "the core's children.max") + ": "
                        + b.children() + " of its servers running; new clients wait in the kernel (listen backlog or"
                        + " socket buffer) until a server exits";
            } else if (warning != null) {
                why = warning;
            }
        }
        PassedSockets.Passed adopted = b == null ? null : b.adopted();
        if (adopted != null && adopted.early()) {
            adopted = null; // bound by the server's own launcher, as the server would have bound it
        }
        ListenerStatus status = new ListenerStatus(definition, s, b == null ? null : b.boundAddress(), why,
                b == null ? 0 : b.accepted(), b == null ? 0 : b.openConnections() + b.children(),
                adopted == null ? -1 : adopted.fd(), adopted == null ? "" : adopted.name());
        TlsContext tls = b == null ? null : b.tls();
        return tls == null ? status
                : status.withTls(tls.leaf().getSubjectX500Principal().getName(), tls.expires());
    }

    @Override
    public String toString() {
        InetSocketAddress address = binding == null ? null : binding.boundAddress();
        return id + " " + state + (address == null ? "" : " " + Addresses.format(address));
    }
}
