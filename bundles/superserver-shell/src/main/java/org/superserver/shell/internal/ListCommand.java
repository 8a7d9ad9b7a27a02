package org.superserver.shell.internal;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.status.ServerStatus;

/** {@code inetd:list}: one line per listener, sorted by service name ({@link ListenerTable}). */
@Component(service = ListCommand.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=list"})
public final class ListCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerStatus status;

    @Descriptor("lists every service the server knows, one line each: name, protocol, address, state (LISTENING,"
            + " PAUSED, RETRYING, FAILED, WAITING_FOR_HANDLER), handler or server, connections accepted, connections"
            + " active, and the file and line (or configuration) that defines it; then why a service is not"
            + " listening. Returns the listeners as a list, e.g. (inetd:list) size")
    public Object list() {
        ServerStatus current = status;
        return current == null ? StatusFormat.CORE_NOT_RUNNING : new ListenerTable(current.listeners());
    }
}
