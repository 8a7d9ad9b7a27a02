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
 * @since 1.3
 */
public record ServiceStats(String serviceId, String service, long accepted, long denied, Map<String, Long> deniedBy,
                           long refused, Map<String, Long> refusedBy, long childrenStarted, long childrenFailed,
                           long bytesIn, long bytesOut) {

    public ServiceStats {
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(service, "service");
        deniedBy = Map.copyOf(deniedBy);
        refusedBy = Map.copyOf(refusedBy);
    }
}
