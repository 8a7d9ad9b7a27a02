package org.superserver.shell.internal;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.status.ServerStatus;

/**
 * {@code inetd:dump}: the core's state dump, the same text SIGUSR1 writes to the dump file (like
 * xinetd's {@code /var/run/xinetd.dump}): every service with its configuration and counters, the
 * running servers, the open connections and the core's counters. Writes no file.
 */
@Component(service = DumpCommand.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=dump"})
public final class DumpCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerStatus status;

    /** {@code inetd:dump}: prints the state dump of the running core. */
    @Descriptor("prints the server's state dump, the text SIGUSR1 writes to its dump file (as xinetd's"
            + " /var/run/xinetd.dump): every service with its configuration and counters, the running servers, the"
            + " open connections and the core's counters")
    public String dump() {
        ServerStatus current = status;
        return current == null ? StatusFormat.CORE_NOT_RUNNING : current.dump();
    }
}
