package org.superserver.core.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.superserver.api.ServiceDefinition;

/**
 * The limits a new client of a stream service meets before the access policies, in xinetd's order
 * ({@code parent_access_control}): {@code cps}, {@code max_load}, {@code instances} (open
 * connections of an in-process service; an exec'd service's running servers are bounded by its
 * listener, which stops accepting, see {@link AcceptGate}), {@code per_source}. The refusal reasons
 * are xinetd's words for its FAIL lines.
 */
final class Admission {

    static final String CPS = "cps";
    static final String LOAD = "load";
    static final String SERVICE_LIMIT = "service_limit";
    static final String PER_SOURCE_LIMIT = "per_source_limit";

    /** A client let in, with what it holds until its connection (or server) ends. */
    static final class Admitted {

        private final Occupancy occupancy;
        private final boolean connection;
        private final SourceTable.Hold source;
        private final java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);

        Admitted(Occupancy occupancy, boolean connection, SourceTable.Hold source) {
            this.occupancy = occupancy;
            this.connection = connection;
            this.source = source;
        }

        /** Gives back what the client held; later calls do nothing. */
        void release() {
            if (!held.compareAndSet(true, false)) {
                return;
            }
            if (connection) {
                occupancy.connections.decrementAndGet();
            }
            if (source != null) {
                source.release();
            }
        }
    }

    /** Nothing to give back. */
    static final Admitted FREE = new Admitted(null, false, null);

    private Admission() {
    }

    /** Whether {@code definition} sets any limit this class checks. */
    static boolean applies(ServiceDefinition definition) {
        return definition.cps() > 0 || definition.maxLoad() > 0 || definition.perSource() > 0
                || ((definition.isInternal() || definition.tls()) && definition.instances() > 0);
    }

    /**
     * Checks the limits for a client from {@code remote}; on success it is counted (an in-process
     * connection against {@code instances}, every client against {@code per_source}).
     *
     * @param inProcess whether the client is served in-process (counted against {@code instances} here)
     * @return the client's {@link Admitted}, or the refusal reason as a {@link String}
     */
    static Object check(Binding binding, InetSocketAddress remote, boolean inProcess, LoadAverage load) {
        ServiceDefinition definition = binding.definition();
        if (!applies(definition)) {
            return FREE;
        }
        if (!binding.admitCps()) {
            return CPS;
        }
        if (definition.maxLoad() > 0 && load.oneMinute() >= definition.maxLoad()) {
            return LOAD;
        }
        Occupancy occupancy = binding.occupancy();
        boolean counted = false;
        if (inProcess && definition.instances() > 0) {
            while (true) {
                int now = occupancy.connections.get();
                if (now >= definition.instances()) {
                    return SERVICE_LIMIT;
                }
                if (occupancy.connections.compareAndSet(now, now + 1)) {
                    counted = true;
                    break;
                }
            }
        }
        SourceTable.Hold hold = null;
        InetAddress address = remote == null ? null
                : remote.getAddress() != null ? remote.getAddress() : Peers.sourceOf(remote);
        if (definition.perSource() > 0 && address != null) {
            hold = occupancy.sources.tryTake(address, definition.perSource());
            if (hold == null) {
                if (counted) {
                    occupancy.connections.decrementAndGet();
                }
                return PER_SOURCE_LIMIT;
            }
        }
        return new Admitted(occupancy, counted, hold);
    }
}
