package org.superserver.shell.internal;

import java.time.Instant;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.status.ServerStatus;

/** {@code inetd:connections [SERVICE]}: the live connections and running servers ({@link ConnectionTable}). */
@Component(service = ConnectionsCommand.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=connections"})
public final class ConnectionsCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerStatus status;

    @Descriptor("lists the open connections and running servers, oldest first: the number inetd:kill takes, the"
            + " service, how it is served (handler: in-process, child: an exec'd server with the socket, relay:"
            + " redirect), the client, the server's address, the age, the bytes in and out (- where the server's"
            + " own process moves them) and the server's pid")
    public Object connections() {
        ServerStatus current = status;
        return current == null ? StatusFormat.CORE_NOT_RUNNING
                : new ConnectionTable(current.connections(), Instant.now());
    }

    @Descriptor("lists the open connections and running servers of one service")
    public Object connections(@Descriptor("the service name (as inetd:list shows it) or id") String service) {
        ServerStatus current = status;
        return current == null ? StatusFormat.CORE_NOT_RUNNING
                : new ConnectionTable(current.connections().stream()
                        .filter(c -> c.service().equals(service) || c.serviceId().equals(service)).toList(),
                        Instant.now());
    }
}
