package org.superserver.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ListenerState;

/**
 * Decides how to get from the listeners there are to the listeners there should be: a pure function
 * of the current listeners, the desired definitions (the latest one per id) and the names of the
 * handlers present.
 */
final class Planner {

    /** What to do with one service id. Listed in the order the actions are carried out. */
    enum Kind {
        /** Close the listener and forget the id: its definition is gone. */
        CLOSE,
        /** Close the listener, if any, and wait for the definition's handler to arrive. */
        WAIT,
        /** Close the listener and bind one for the new definition (a socket field changed). */
        REBIND,
        /** Keep the bound socket; serve new connections with the new definition. */
        SWAP,
        /**
         * Keep everything as it is (socket, connections, state); only the origin (file and line)
         * changed, which new connections are logged with.
         */
        RETAG,
        /** Bind a listener where none is bound. */
        BIND
    }

    /**
     * One step of a plan.
     *
     * @param definition the definition to serve; for {@link Kind#CLOSE}, the one being dropped
     */
    record Action(Kind kind, String id, ServiceDefinition definition) {
        Action {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(definition, "definition");
        }
    }

    /**
     * What the core has for one id now. {@code state} is {@link ListenerState#LISTENING} when a
     * socket is bound, {@link ListenerState#WAITING_FOR_HANDLER} or {@link ListenerState#FAILED}
     * otherwise.
     */
    record Current(ServiceDefinition definition, ListenerState state) {
        Current {
            Objects.requireNonNull(definition, "definition");
            Objects.requireNonNull(state, "state");
        }
    }

    private Planner() {
    }

    /**
     * The actions that turn {@code current} into {@code desired}, closing actions first so a port
     * given up by one service is free for another in the same plan.
     *
     * @param current what is there, by service id
     * @param desired the latest definition per service id
     * @param handlers the names of the handlers registered now
     */
    static List<Action> plan(Map<String, Current> current, Map<String, ServiceDefinition> desired,
                             Set<String> handlers) {
        List<Action> actions = new ArrayList<>();
        current.forEach((id, now) -> {
            if (!desired.containsKey(id)) {
                actions.add(new Action(Kind.CLOSE, id, now.definition()));
            }
        });
        desired.forEach((id, wanted) -> {
            Kind kind = decide(current.get(id), wanted, handlers);
            if (kind != null) {
                actions.add(new Action(kind, id, wanted));
            }
        });
        actions.sort(Comparator.comparing(Action::kind));
        return actions;
    }

    /** The action for one id, or {@code null} when nothing needs doing. */
    private static Kind decide(Current now, ServiceDefinition wanted, Set<String> handlers) {
        boolean servable = servable(wanted, handlers);
        if (now == null) {
            return fresh(wanted, handlers);
        }
        boolean same = now.definition().equals(wanted);
        boolean retag = !same && sameButOrigin(now.definition(), wanted);
        switch (now.state()) {
            case LISTENING:
            case STARTING:
            case PAUSED:
                if (!servable) {
                    return Kind.WAIT;
                }
                if (same) {
                    return null;
                }
                if (retag) {
                    return Kind.RETAG;
                }
                return sameSocket(now.definition(), wanted) ? Kind.SWAP : Kind.REBIND;
            case WAITING_FOR_HANDLER:
                if (servable) {
                    return Kind.BIND;
                }
                return same ? null : retag ? Kind.RETAG : fresh(wanted, handlers);
            case RETRYING:
            case FAILED:
            default:
                return same ? null : retag ? Kind.RETAG : fresh(wanted, handlers);
        }
    }

    /**
     * Whether two definitions differ in their {@code origin} (file and line) alone: metadata, so a
     * comment line added above a service is no change of it.
     */
    static boolean sameButOrigin(ServiceDefinition a, ServiceDefinition b) {
        return !Objects.equals(a.origin(), b.origin()) && a.toBuilder().origin(b.origin()).build().equals(b);
    }

    /** An exec'd definition is always servable here (the registry checks its program); an internal one needs its handler. */
    private static boolean servable(ServiceDefinition wanted, Set<String> handlers) {
        return !wanted.isInternal() || handlers.contains(wanted.handler());
    }

    private static Kind fresh(ServiceDefinition wanted, Set<String> handlers) {
        return servable(wanted, handlers) ? Kind.BIND : Kind.WAIT;
    }

    /**
     * Whether two definitions need the same listening socket and pipeline: socket type, protocol,
     * bind address, port, handler, being a redirect or not and the TLS files are equal, and for exec'd services
     * also wait/nowait (a wait service's socket belongs to its server). A changed program, argv,
     * user or environment of an exec'd service, or a redirect's target, keeps the socket.
     */
    static boolean sameSocket(ServiceDefinition a, ServiceDefinition b) {
        return a.socketType() == b.socketType()
                && a.protocol() == b.protocol()
                && Objects.equals(a.bindAddress(), b.bindAddress())
                && a.port() == b.port()
                && Objects.equals(a.handler(), b.handler())
                && a.isRedirect() == b.isRedirect()
                && (a.isInternal() || a.isWait() == b.isWait())
                && a.tls() == b.tls() && Objects.equals(a.tlsCertificate(), b.tlsCertificate())
                && Objects.equals(a.tlsKey(), b.tlsKey()) && Objects.equals(a.tlsClientCa(), b.tlsClientCa());
    }
}
