package org.superserver.config.cm.internal;

import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;

/**
 * One {@code org.superserver.service} factory configuration, published as a
 * {@link ServiceDefinition} service while the configuration exists and is valid.
 *
 * <p>A changed configuration registers its new definition before the old one is unregistered, so
 * the core, which keys listeners by definition id, sees a change rather than a removal and keeps a
 * listener whose socket is unchanged. An equal definition changes nothing. An invalid
 * configuration is reported in one line and withdraws whatever the configuration defined before.
 */
@Component(name = "org.superserver.config.cm.service",
        configurationPid = ServiceConfigMapper.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ServiceConfig.class, factory = true)
public final class ConfiguredService {

    /** Service property carrying the definition id, for filters and the shell. */
    static final String ID_PROPERTY = "superserver.service.id";
    /** Service property carrying the service name. */
    static final String NAME_PROPERTY = "superserver.service.name";
    /** Service property carrying where the definition came from. */
    static final String ORIGIN_PROPERTY = "superserver.origin";

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredService.class);

    private final BundleContext context;
    private ServiceDefinition current;
    private ServiceRegistration<ServiceDefinition> registration;

    @Activate
    public ConfiguredService(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        apply(properties);
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    synchronized void deactivate() {
        if (registration != null) {
            unregister(registration);
            LOG.info("Withdrew service {} ({})", current.id(), current.origin());
            registration = null;
            current = null;
        }
    }

    private synchronized void apply(Map<String, Object> properties) {
        MappingResult result = ServiceConfigMapper.map(properties);
        ServiceDefinition next = result.definition();
        if (next != null && next.equals(current)) {
            LOG.debug("Service {} is unchanged ({})", next.id(), next.origin());
            return;
        }
        ServiceRegistration<ServiceDefinition> previous = registration;
        ServiceDefinition before = current;
        registration = null;
        current = null;
        if (next != null) {
            registration = context.registerService(ServiceDefinition.class, next, serviceProperties(next));
            current = next;
            LOG.info("{} service {}: {}", before == null ? "Defined" : "Redefined", next.id(), next);
        } else if (result.isValid()) {
            LOG.info("Service configuration {} is disabled (disable=yes); nothing is registered", result.origin());
        } else {
            LOG.error("Invalid service configuration {} (pid {}): property {}: {}; nothing is registered",
                    result.origin(), properties.get("service.pid"), result.property(), result.problem());
        }
        if (previous != null) {
            unregister(previous);
            if (next == null) {
                LOG.info("Withdrew service {} ({})", before.id(), before.origin());
            }
        }
    }

    private static Hashtable<String, Object> serviceProperties(ServiceDefinition definition) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ID_PROPERTY, definition.id());
        props.put(NAME_PROPERTY, definition.name());
        props.put(ORIGIN_PROPERTY, definition.origin());
        return props;
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            LOG.debug("Service definition was already unregistered", e);
        }
    }
}
