package org.superserver.metrics.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.status.ServerStatus;

/**
 * Serves the core's counters to Prometheus over HTTP and to JMX, from the {@link ServerStatus}
 * snapshot at each scrape or attribute read. A changed configuration restarts it; a bad one is
 * logged with the PID and the property, and the endpoint stays off while the MBeans still work.
 */
@Component(configurationPid = MetricsComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {})
@Designate(ocd = MetricsConfig.class)
public final class MetricsComponent {

    static final String PID = "org.superserver.metrics";
    /** The service property of {@link Endpoint} that holds the bound port. */
    static final String PORT_PROPERTY = "superserver.metrics.port";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsComponent.class);

    /** Published while the HTTP endpoint is bound, with its address, port and path as properties. */
    public static final class Endpoint {
    }

    private final ScrapeServer scrapes;
    private final MBeans mbeans;
    private final ServiceRegistration<Endpoint> registration;

    @Activate
    public MetricsComponent(@Reference ServerStatus status, MetricsConfig config, BundleContext context) {
        this.mbeans = config.jmx() ? new MBeans(status) : null;
        this.scrapes = start(status, config);
        if (scrapes == null) {
            registration = null;
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(PORT_PROPERTY, scrapes.boundAddress().getPort());
        properties.put("superserver.metrics.address", scrapes.boundAddress().getAddress().getHostAddress());
        properties.put("superserver.metrics.path", config.path());
        registration = context.registerService(Endpoint.class, new Endpoint(), properties);
    }

    private static ScrapeServer start(ServerStatus status, MetricsConfig config) {
        String path = config.path();
        if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '?')) {
            LOG.error("METRICS pid={} property=path value={} reason=a path starts with / and has no space or ?;"
                    + " the HTTP endpoint is off", PID, path);
            return null;
        }
        InetAddress address;
        try {
            address = Addresses.literal(config.address());
        } catch (IllegalArgumentException e) {
            LOG.error("METRICS pid={} property=address value={} reason={}; the HTTP endpoint is off", PID,
                    config.address(), e.getMessage());
            return null;
        }
        if (!address.isLoopbackAddress()) {
            LOG.error("METRICS pid={} property=address value={} reason=not a loopback address (127.0.0.0/8 or ::1):"
                    + " the metrics are served on loopback only (scrape through a tunnel or a proxy); the HTTP"
                    + " endpoint is off", PID, config.address());
            return null;
        }
        if (config.port() < 0 || config.port() > 65535) {
            LOG.error("METRICS pid={} property=port value={} reason=not a port (0 to 65535); the HTTP endpoint is off",
                    PID, config.port());
            return null;
        }
        try {
            ScrapeServer server = new ScrapeServer(address, config.port(), path, Exposition.CONTENT_TYPE,
                    () -> Exposition.text(status.listeners(), status.stats()));
            LOG.info("METRICS address={} port={} path={} jmx={}", address.getHostAddress(),
                    server.boundAddress().getPort(), path, config.jmx());
            return server;
        } catch (IOException e) {
            LOG.error("METRICS pid={} property=port value={} reason=cannot bind {}:{}: {}; the HTTP endpoint is off",
                    PID, config.port(), address.getHostAddress(), config.port(), e.getMessage());
            return null;
        }
    }

    @Deactivate
    void stop() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException ignored) {
                // already gone with the bundle
            }
        }
        if (scrapes != null) {
            scrapes.close();
        }
        if (mbeans != null) {
            mbeans.close();
        }
    }
}
