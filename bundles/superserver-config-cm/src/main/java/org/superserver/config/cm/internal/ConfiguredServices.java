package org.superserver.config.cm.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.Handler;

/**
 * The live {@link ConfiguredService} components of this bundle, and the names of the registered
 * handlers that their mapping may depend on (an older file's {@code id}). A bundle-private
 * service, so that the {@link ConfigAdminSource} can re-map every configuration and a handler that
 * comes or goes re-maps the configurations that depend on it.
 */
@Component(service = ConfiguredServices.class)
public final class ConfiguredServices {

    private final Set<ConfiguredService> live = ConcurrentHashMap.newKeySet();
    private final Map<ServiceReference<Handler>, List<String>> handlers = new ConcurrentHashMap<>();

    void add(ConfiguredService service) {
        live.add(service);
    }

    void remove(ConfiguredService service) {
        live.remove(service);
    }

    /** The live components, by PID. */
    List<ConfiguredService> live() {
        List<ConfiguredService> out = new ArrayList<>(live);
        out.sort(Comparator.comparing(ConfiguredService::pid, Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    /** Whether a handler of this name is registered, or is one of the built-ins. */
    boolean isHandler(String name) {
        if (ServiceConfigMapper.BUILTINS.contains(name)) {
            return true;
        }
        for (List<String> names : handlers.values()) {
            if (names.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** Maps every live configuration again; returns how many there are. */
    int remapAll() {
        List<ConfiguredService> now = live();
        now.forEach(ConfiguredService::remap);
        return now.size();
    }

    @Reference(service = Handler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            updated = "updatedHandler", unbind = "removeHandler")
    void addHandler(ServiceReference<Handler> reference) {
        handlers.put(reference, names(reference));
        remapHandlerDependent();
    }

    void updatedHandler(ServiceReference<Handler> reference) {
        addHandler(reference);
    }

    void removeHandler(ServiceReference<Handler> reference) {
        handlers.remove(reference);
        remapHandlerDependent();
    }

    private void remapHandlerDependent() {
        for (ConfiguredService service : live()) {
            if (service.dependsOnHandlers()) {
                service.remap();
            }
        }
    }

    private static List<String> names(ServiceReference<?> reference) {
        Object value = reference.getProperty(Handler.NAME_PROPERTY);
        return value == null ? List.of() : ServiceConfigMapper.values(value);
    }
}
