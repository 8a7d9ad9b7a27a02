package org.superserver.api.status;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of the running server, published by the core as an OSGi service. Commands and
 * tools read it; nothing changes the server through it.
 */
@ProviderType
public interface ServerStatus {

    /** A snapshot of every known service's listener, in no particular order. */
    List<ListenerStatus> listeners();

    /** The listener of the service with this {@code ServiceDefinition.id()}, if the core knows it. */
    default Optional<ListenerStatus> listener(String serviceId) {
        return listeners().stream().filter(l -> l.definition().id().equals(serviceId)).findFirst();
    }

    /**
     * A human-readable state dump, like the one xinetd writes on SIGUSR1: every service with its
     * configuration and counters, the running servers, the open connections. The core's dump says
     * more than this default, which lists the listeners only.
     *
     * @since 1.2
     */
    default String dump() {
        StringBuilder text = new StringBuilder("INTERNAL STATE DUMP\nServices:\n");
        for (ListenerStatus listener : listeners()) {
            text.append(listener).append('\n');
        }
        return text.toString();
    }

    /**
     * A snapshot of the live connections and running servers of every service, oldest first. The
     * default, for a provider that does not track them, is none.
     *
     * @since 1.3
     */
    default List<ConnectionStatus> connections() {
        return List.of();
    }

    /**
     * The counters of every known service. The default gives what {@link #listeners()} knows: the
     * accepted connections.
     *
     * @since 1.3
     */
    default List<ServiceStats> stats() {
        return listeners().stream().map(l -> new ServiceStats(l.definition().id(), l.definition().name(),
                l.accepted(), 0, java.util.Map.of(), 0, java.util.Map.of(), 0, 0, 0, 0)).toList();
    }
}
