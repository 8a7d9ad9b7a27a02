package org.superserver.api.status;

import java.util.Map;
import java.util.Objects;

/**
 * A service's counters since its listener was first bound in this server run: an immutable
 * snapshot. Counters that a service cannot have (children of an in-process service) stay 0.
 *
 * @param serviceId        the {@code ServiceDefinition.id()} of the service
 * @param service          the service's name
 * @param accepted         connections accepted (stream) or datagrams received (dgram)
 * @param denied           clients an access policy denied
 * @param deniedBy         {@code denied} by policy name ({@code tcpd}, {@code xinetd}, ...)
 * @param refused          clients a limit turned away
 * @param refusedBy        {@code refused} by limit ({@code cps}, {@code instances}, {@code per_source}, ...)
 * @param childrenStarted  servers started
 * @param childrenFailed   servers that could not be started, or exited with a status other than 0
 * @param bytesIn          bytes received from clients where counted (in-process and relayed connections)
 * @param bytesOut         bytes sent to clients where counted
 * @param exits            servers that ended, by how: the exit status ({@code "0"}, {@code "1"}, ...) or the
 *                         name of the signal that killed them ({@code "SIGKILL"}, {@code "SIGSEGV"}, ...);
 *                         since 1.4
 * @param durations        how long the service's ended connections lasted; since 1.4
 * @since 1.3
 */
public record ServiceStats(String serviceId, String service, long accepted, long denied, Map<String, Long> deniedBy,
                           long refused, Map<String, Long> refusedBy, long childrenStarted, long childrenFailed,
                           long bytesIn, long bytesOut, Map<String, Long> exits, ConnectionDurations durations) {

    public ServiceStats {
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(service, "service");
        deniedBy = Map.copyOf(deniedBy);
        refusedBy = Map.copyOf(refusedBy);
        exits = Map.copyOf(exits);
        Objects.requireNonNull(durations, "durations");
    }

    /** Counters without exit statuses and durations (none known), as a provider of version 1.3 gives them. */
    public ServiceStats(String serviceId, String service, long accepted, long denied, Map<String, Long> deniedBy,
                        long refused, Map<String, Long> refusedBy, long childrenStarted, long childrenFailed,
                        long bytesIn, long bytesOut) {
        this(serviceId, service, accepted, denied, deniedBy, refused, refusedBy, childrenStarted, childrenFailed,
                bytesIn, bytesOut, Map.of(), ConnectionDurations.none());
    }
}
