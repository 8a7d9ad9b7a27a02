package org.superserver.shell.internal;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.status.ServerStatus;

/** {@code inetd:info NAME}: every field of the definitions named NAME, and their listeners' state ({@link ServiceInfo}). */
@Component(service = InfoCommand.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=info"})
public final class InfoCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerStatus status;

    @Descriptor("shows every field of the services of one name (socket, limits, user, server or handler,"
            + " access policies, origin) and their listeners' state and counters")
    public Object info(@Descriptor("the service name, as inetd:list shows it (echo, ftp, ...)") String name) {
        ServerStatus current = status;
        return current == null ? StatusFormat.CORE_NOT_RUNNING : new ServiceInfo(name, current.listeners());
    }
}
