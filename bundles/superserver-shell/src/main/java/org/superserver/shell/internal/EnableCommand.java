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

/** {@code inetd:enable SERVICE}: asks the service's configuration source to turn it on ({@link ServiceSwitch}). */
@Component(service = EnableCommand.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=enable"})
public final class EnableCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerStatus status;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<ConfigSource> sources = List.of();

    @Descriptor("turns a service on again where its configuration source can write its configuration (a Configuration Admin service loses disable = yes); a service of an inetd.conf or xinetd.conf file is turned on in its file, and the answer names the file and line")
    public String enable(@Descriptor("the service name (as inetd:list shows it) or id") String service) {
        List<ConfigSource> current = sources;
        return ServiceSwitch.turn(service, false, status, current == null ? List.of() : current);
    }
}
