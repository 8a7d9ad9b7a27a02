package org.superserver.shell.internal;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.ConfigSource;
import org.superserver.api.status.ServerStatus;

/**
 * {@code inetd:list}, {@code inetd:info} and {@code inetd:reload} for the Gogo shell. Gogo finds
 * the commands through the {@code osgi.command.*} service properties and calls the public methods
 * of the same name; {@code help} shows their {@link Descriptor}s. The core and the config sources
 * are dynamic references: the commands stay registered and say so when what they read is absent.
 */
@Component(service = InetdCommands.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=list",
        "osgi.command.function=info",
        "osgi.command.function=reload"})
public final class InetdCommands {

    static final String CORE_NOT_RUNNING = "the core is not running (no org.superserver.api.status.ServerStatus"
            + " service); start bundle superserver-core";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerStatus status;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<ConfigSource> sources = List.of();

    /** {@code inetd:list}: one line per listener, sorted by service name ({@link ListenerTable}). */
    @Descriptor("lists every service the server knows, one line each: name, protocol, address, state (LISTENING,"
            + " PAUSED, RETRYING, FAILED, WAITING_FOR_HANDLER), handler or server, connections accepted, connections"
            + " active, and the file and line (or configuration) that defines it; then why a service is not"
            + " listening. Returns the listeners as a list, e.g. (inetd:list) size")
    public Object list() {
        ServerStatus current = status;
        return current == null ? CORE_NOT_RUNNING : new ListenerTable(current.listeners());
    }

    /** {@code inetd:info NAME}: every field of the definitions named NAME, and their listeners' state. */
    @Descriptor("shows every field of the services of one name (socket, limits, user, server or handler,"
            + " access policies, origin) and their listeners' state and counters")
    public Object info(@Descriptor("the service name, as inetd:list shows it (echo, ftp, ...)") String name) {
        ServerStatus current = status;
        return current == null ? CORE_NOT_RUNNING : new ServiceInfo(name, current.listeners());
    }

    /** {@code inetd:reload}: asks every configuration source to read its files again. */
    @Descriptor("reads every configuration source again (inetd.conf, xinetd.conf, ...) as SIGHUP does: changed"
            + " services are applied without dropping the connections of the others; prints one line per source")
    public String reload() {
        List<ConfigSource> current = sources;
        return Reload.all(current == null ? List.of() : current);
    }
}
