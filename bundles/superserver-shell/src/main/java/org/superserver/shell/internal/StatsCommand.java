package org.superserver.shell.internal;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.status.ServerStatus;

/** {@code inetd:stats}: every service's counters ({@link StatsTable}). */
@Component(service = StatsCommand.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=stats"})
public final class StatsCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerStatus status;

    @Descriptor("shows each service's counters since it was first bound: connections (or datagrams) accepted,"
            + " clients an access policy denied, clients a limit refused (cps, load, instances as service_limit,"
            + " per_source_limit, rate_limit), servers started, servers failed (not started, or exited with a status"
            + " other than 0), and the bytes in and out where the server itself moves them (in-process services and"
            + " redirects; an exec'd server's own bytes are not counted); then the denials by policy and the"
            + " refusals by limit")
    public Object stats() {
        ServerStatus current = status;
        return current == null ? StatusFormat.CORE_NOT_RUNNING : new StatsTable(current.stats());
    }
}
