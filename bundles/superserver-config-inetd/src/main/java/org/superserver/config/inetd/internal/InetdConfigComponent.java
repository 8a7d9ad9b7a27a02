package org.superserver.config.inetd.internal;

import java.io.File;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
import org.superserver.api.ConfigSource;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.DefinitionPublisher;
import org.superserver.api.config.RegistrationSink;

/**
 * Serves the inetd.conf files named by configuration {@code org.superserver.config.inetd}
 * ({@code file}) or, without one, by the framework property {@code superserver.inetd}: publishes
 * each definition as a {@link ServiceDefinition} service, registers a {@link ConfigSource} for the
 * file set (so SIGHUP and {@code inetd:reload} re-read it), and polls the files for changes on one
 * small scheduled thread. Every change (a reload, a new configuration) applies only the difference
 * to the published definitions.
 */
@Component(name = InetdConfigComponent.PID,
        configurationPid = InetdConfigComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        service = {})
@Designate(ocd = InetdConfig.class)
public final class InetdConfigComponent {

    /** The configuration PID (and component name). */
    static final String PID = "org.superserver.config.inetd";
    /** Framework property with the inetd.conf path(s): {@code bin/superserver --inetd FILE}. */
    static final String INETD_PROPERTY = "superserver.inetd";
    /** Framework property with the services table's path: {@code bin/superserver --services FILE}. */
    static final String SERVICES_PROPERTY = "superserver.services";
    /** Framework property ({@code --wrap-all}): {@code true} wraps every line, as {@code wrap_all} does. */
    static final String WRAP_ALL_PROPERTY = "superserver.inetd.wrap_all";
    static final String DEFAULT_SERVICES = "/etc/services";
    static final long MIN_POLL_MS = 100;

    /** Service property carrying the definition id, as every config-format bundle sets it. */
    static final String ID_PROPERTY = "superserver.service.id";
    static final String NAME_PROPERTY = "superserver.service.name";
    static final String ORIGIN_PROPERTY = "superserver.origin";
    /** ConfigSource service properties: the format and the files. */
    static final String FORMAT_PROPERTY = "superserver.config.format";
    static final String FILES_PROPERTY = "superserver.config.files";

    private static final Logger LOG = LoggerFactory.getLogger(InetdConfigComponent.class);

    /** Where this component's settings come from, resolved against the framework properties. */
    static final class Settings {
        final List<Path> files;
        final Path services;
        final boolean wrapAll;
        final long pollMillis;

        Settings(List<Path> files, Path services, boolean wrapAll, long pollMillis) {
            this.files = List.copyOf(files);
            this.services = services;
            this.wrapAll = wrapAll;
            this.pollMillis = pollMillis;
        }

        /**
         * The settings for a configuration: its {@code file} when it names one, else the framework
         * property; its {@code services}, else the framework property, else /etc/services.
         */
        static Settings of(InetdConfig config, UnaryOperator<String> frameworkProperty) {
            List<Path> files = paths(config.file());
            if (files.isEmpty()) {
                String property = frameworkProperty.apply(INETD_PROPERTY);
                files = paths(property == null ? new String[0] : new String[] {property});
            }
            String services = config.services() == null ? "" : config.services().trim();
            if (services.isEmpty()) {
                String property = frameworkProperty.apply(SERVICES_PROPERTY);
                services = property == null || property.isBlank() ? DEFAULT_SERVICES : property.trim();
            }
            long poll = config.poll__interval__ms() <= 0 ? 0 : Math.max(MIN_POLL_MS, config.poll__interval__ms());
            boolean wrapAll = config.wrap__all()
                    || Boolean.parseBoolean(String.valueOf(frameworkProperty.apply(WRAP_ALL_PROPERTY)).trim());
            return new Settings(files, Path.of(services).toAbsolutePath().normalize(), wrapAll, poll);
        }

        /** Paths from values that may each hold several, separated by commas or the path separator. */
        static List<Path> paths(String[] values) {
            Set<Path> out = new LinkedHashSet<>();
            if (values != null) {
                for (String value : values) {
                    if (value == null) {
                        continue;
                    }
                    for (String part : value.split("[," + File.pathSeparator + "]")) {
                        if (!part.isBlank()) {
                            out.add(Path.of(part.trim()).toAbsolutePath().normalize());
                        }
                    }
                }
            }
            return new ArrayList<>(out);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Settings)) {
                return false;
            }
            Settings s = (Settings) o;
            return files.equals(s.files) && services.equals(s.services) && wrapAll == s.wrapAll
                    && pollMillis == s.pollMillis;
        }

        @Override
        public int hashCode() {
            return Objects.hash(files, services, wrapAll, pollMillis);
        }
    }

    private final BundleContext context;
    private final DefinitionPublisher publisher;
    private final ScheduledExecutorService executor;
    private Settings settings;
    private InetdSource source;
    private ServiceRegistration<ConfigSource> sourceRegistration;
    private ScheduledFuture<?> poll;

    @Activate
    public InetdConfigComponent(BundleContext context, InetdConfig config) {
        this.context = context;
        this.publisher = new DefinitionPublisher(this::register);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "superserver-config-inetd");
            t.setDaemon(true);
            return t;
        });
        apply(Settings.of(config, context::getProperty));
    }

    @Modified
    void modified(InetdConfig config) {
        apply(Settings.of(config, context::getProperty));
    }

    @Deactivate
    synchronized void deactivate() {
        stopSource();
        executor.shutdownNow();
        publisher.clear();
    }

    private synchronized void apply(Settings next) {
        if (next.equals(settings)) {
            if (source != null) {
                source.reloadNow();
            }
            return;
        }
        stopSource();
        settings = next;
        if (next.files.isEmpty()) {
            DefinitionPublisher.Changes changes = publisher.apply(List.of());
            LOG.info("No inetd.conf file is configured (framework property {} or configuration {} property file); "
                    + "serving none ({})", INETD_PROPERTY, PID, changes);
            return;
        }
        // The publisher outlives the source: a new file set applies as a difference to the old one.
        source = new InetdSource(next.files, next.services, next.wrapAll, InetdConfigComponent::resolve, publisher);
        source.reloadNow();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(FORMAT_PROPERTY, "inetd");
        props.put(FILES_PROPERTY, next.files.stream().map(Path::toString).toArray(String[]::new));
        props.put("service.description", source.description());
        sourceRegistration = context.registerService(ConfigSource.class, source, props);
        if (next.pollMillis > 0) {
            InetdSource polled = source;
            poll = executor.scheduleWithFixedDelay(() -> {
                try {
                    polled.reloadIfChanged();
                } catch (RuntimeException e) {
                    LOG.error("Checking {} for changes failed", polled.description(), e);
                }
            }, next.pollMillis, next.pollMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void stopSource() {
        if (poll != null) {
            poll.cancel(false);
            poll = null;
        }
        if (sourceRegistration != null) {
            try {
                sourceRegistration.unregister();
            } catch (IllegalStateException e) {
                LOG.debug("ConfigSource was already unregistered", e);
            }
            sourceRegistration = null;
        }
        if (source != null) {
            source.close();
            source = null;
        }
    }

    private RegistrationSink.Registration register(ServiceDefinition definition) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ID_PROPERTY, definition.id());
        props.put(NAME_PROPERTY, definition.name());
        props.put(ORIGIN_PROPERTY, definition.origin());
        ServiceRegistration<ServiceDefinition> registration =
                context.registerService(ServiceDefinition.class, definition, props);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                LOG.debug("Definition {} was already unregistered", definition.id(), e);
            }
        };
    }

    /** Host names in address prefixes, as inetd resolves them (getaddrinfo: /etc/hosts, then DNS). */
    private static List<String> resolve(String host) throws java.net.UnknownHostException {
        List<String> out = new ArrayList<>();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (RuntimeException e) {
            // a malformed name is a name that does not resolve, whatever the JDK throws for it
            throw new java.net.UnknownHostException(host + ": " + e.getMessage());
        }
        for (InetAddress address : addresses) {
            String literal = address.getHostAddress();
            int zone = literal.indexOf('%');
            out.add(zone >= 0 ? literal.substring(0, zone) : literal);
        }
        return out;
    }
}
