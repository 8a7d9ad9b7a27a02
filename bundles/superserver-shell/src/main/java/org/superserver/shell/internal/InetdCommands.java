package org.superserver.shell.internal;

import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.ConfigSource;
import org.superserver.api.status.ServerStatus;

/**
 * The {@code inetd} command scope for the Gogo shell. Gogo finds the commands through the
 * {@code osgi.command.*} service properties and calls the public methods of the same name; no
 * Gogo class is needed. The core and the config sources are dynamic references: the commands
 * stay registered and say so when what they read is absent.
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

    /** {@code inetd:list}: one line per listener, sorted by service name. */
    public String list() {
        ServerStatus current = status;
        return current == null ? CORE_NOT_RUNNING : StatusFormat.table(current.listeners());
    }

    /** {@code inetd:info NAME}: every field of the definitions named NAME, and their listeners' state. */
    public String info(String name) {
        ServerStatus current = status;
        return current == null ? CORE_NOT_RUNNING : StatusFormat.info(name, current.listeners());
    }

    /** {@code inetd:reload}: asks every configuration source to read its files again. */
    public String reload() {
        List<ConfigSource> current = sources;
        return Reload.all(current == null ? List.of() : current);
    }
}
