package org.superserver.config.cm.internal;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
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
 * listener whose socket is unchanged. An equal definition changes nothing. An invalid update is
 * rejected: one line names the PID and the property, and the last good definition stays
 * published (a configuration invalid from the start publishes nothing). {@code disable = yes}
 * withdraws the definition.
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
    private final ConfiguredServices services;
    /** The configuration's properties as last given; {@code null} once deactivated. */
    private Map<String, Object> properties;
    private ServiceDefinition current;
    private ServiceRegistration<ServiceDefinition> registration;
    /** The invalid mapping of the current properties while {@link #current} keeps serving, else null. */
    private MappingResult rejected;
    private List<MappingResult.Notice> notices = List.of();

    @Activate
    public ConfiguredService(BundleContext context, @Reference(name = "services") ConfiguredServices services,
            Map<String, Object> properties) {
        this.context = context;
        this.services = services;
        synchronized (this) {
            // known before the first mapping, so that a handler arriving meanwhile re-maps it after
            services.add(this);
            apply(properties);
        }
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate() {
        services.remove(this);
        synchronized (this) {
            properties = null;
            rejected = null;
            if (registration != null) {
                unregister(registration);
                LOG.info("Withdrew service {} ({})", current.id(), current.origin());
                registration = null;
                current = null;
            }
        }
    }

    /** Maps the configuration again, as it is (a reload, or a handler that came or went). */
    synchronized void remap() {
        if (properties != null) {
            apply(properties);
        }
    }

    /** The configuration's PID, or {@code null} once deactivated. */
    synchronized String pid() {
        return properties == null ? null : (String) properties.get("service.pid");
    }

    /** Whether the mapping depends on which handlers are registered (an older file's id). */
    synchronized boolean dependsOnHandlers() {
        return properties != null && ServiceConfigMapper.dependsOnHandlers(properties);
    }

    /** The published definition, or {@code null}. */
    synchronized ServiceDefinition current() {
        return current;
    }

    /** The rejected mapping of the configuration while its previous definition keeps serving, or {@code null}. */
    synchronized MappingResult rejected() {
        return rejected;
    }

    private void apply(Map<String, Object> next) {
        properties = new HashMap<>(next);
        Object pid = next.get("service.pid");
        MappingResult result = ServiceConfigMapper.map(next, services::isHandler);
        if (!result.notices().equals(notices)) {
            notices = result.notices();
            for (MappingResult.Notice notice : notices) {
                LOG.warn("Service configuration {} (pid {}): property {}: {}", result.origin(), pid, notice.property,
                        notice.message);
            }
        }
        if (!result.isValid()) {
            if (current != null) {
                rejected = result;
                LOG.error("Invalid service configuration {} (pid {}): property {}: {}; the update is rejected and "
                        + "the previous definition of service {} keeps serving", result.origin(), pid,
                        result.property(), result.problem(), current.id());
            } else {
                LOG.error("Invalid service configuration {} (pid {}): property {}: {}; nothing is registered",
                        result.origin(), pid, result.property(), result.problem());
            }
            return;
        }
        rejected = null;
        ServiceDefinition definition = result.definition();
        if (definition != null && definition.equals(current)) {
            LOG.debug("Service {} is unchanged ({})", definition.id(), definition.origin());
            return;
        }
        ServiceRegistration<ServiceDefinition> previous = registration;
        ServiceDefinition before = current;
        registration = null;
        current = null;
        if (definition != null) {
            registration = context.registerService(ServiceDefinition.class, definition, serviceProperties(definition));
            current = definition;
            LOG.info("{} service {}: {}", before == null ? "Defined" : "Redefined", definition.id(), definition);
        } else {
            LOG.info("Service configuration {} (pid {}) is disabled (disable=yes); nothing is registered",
                    result.origin(), pid);
        }
        if (previous != null) {
            unregister(previous);
            if (definition == null) {
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
