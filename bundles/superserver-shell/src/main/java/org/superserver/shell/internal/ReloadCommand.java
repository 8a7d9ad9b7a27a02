package org.superserver.shell.internal;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.ConfigSource;

/** {@code inetd:reload}: asks every configuration source to read its files again ({@link Reload}). */
@Component(service = ReloadCommand.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=reload"})
public final class ReloadCommand {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<ConfigSource> sources = List.of();

    @Descriptor("reads every configuration source again (inetd.conf, xinetd.conf, ...) as SIGHUP does: changed"
            + " services are applied without dropping the connections of the others; prints one line per source")
    public String reload() {
        List<ConfigSource> current = sources;
        return Reload.all(current == null ? List.of() : current);
    }
}
