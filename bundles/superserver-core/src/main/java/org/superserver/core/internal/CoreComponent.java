package org.superserver.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.control.ServerControl;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServiceStats;
import org.superserver.api.status.ServerStatus;

/**
 * The core as a Declarative Services component: follows every {@link ServiceDefinition},
 * {@link Handler} and {@link AccessPolicy} service as it comes and goes, hands each change to the
 * {@link Registry}, and publishes the listeners' status as {@link ServerStatus} and the
 * administrator's actions on connections and servers as {@link ServerControl}. Changes are queued,
 * so these callbacks return at once.
 */
@Component(
        name = CoreComponent.PID,
        configurationPid = CoreComponent.PID,
        immediate = true,
        service = {ServerStatus.class, ServerControl.class, ReloadWindow.class})
@Designate(ocd = CoreConfig.class)
public final class CoreComponent implements ServerStatus, ServerControl, ReloadWindow {

    /** The configuration PID (and component name) of the core. */
    public static final String PID = "org.superserver.core";

    private static final Logger LOG = LoggerFactory.getLogger(CoreComponent.class);

    private final Registry registry = new Registry();
    private final java.util.concurrent.ExecutorService dumps = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                Thread thread = new Thread(r, "superserver-dump");
                thread.setDaemon(true);
                return thread;
            });
    private volatile java.nio.file.Path dumpFile;
    private Object previousUsr1;
    private org.osgi.framework.BundleContext context;
    private org.osgi.framework.FrameworkListener started;

    @Activate
    void activate(org.osgi.framework.BundleContext context, CoreConfig config) {
        dumpFile = dumpFile(context, config);
        try {
            previousUsr1 = DumpSignal.install(this::usr1);
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("SIGNAL SIGUSR1 cannot be handled here ({}); write the state dump with inetd:dump", e.toString());
        }
        Settings settings;
        try {
            settings = Settings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("CONFIG pid={} error={}, using the defaults", PID, e.getMessage());
            settings = Settings.DEFAULTS;
        }
        java.nio.file.Path data = dataDirectory(context);
        if (data != null) {
            registry.recordListening(data.resolve(ListeningRecord.FILE_NAME),
                    context.getProperty(ListeningRecord.KEY_PROPERTY));
        }
        registry.sweepQuietMillis(SWEEP_QUIET_MILLIS);
        registry.start(settings);
        whenFrameworkStarted(context);
    }

    /**
     * Tells the registry that the first configuration has been applied once the framework has
     * started every bundle (the config sources have then published what they read), or at once
     * when it had already started.
     */
    private void whenFrameworkStarted(org.osgi.framework.BundleContext context) {
        if (context == null) {
            registry.configurationApplied();
            return;
        }
        this.context = context;
        started = event -> {
            if (event.getType() == org.osgi.framework.FrameworkEvent.STARTED) {
                registry.configurationApplied();
            }
        };
        context.addFrameworkListener(started);
        org.osgi.framework.Bundle framework = context.getBundle(org.osgi.framework.Constants.SYSTEM_BUNDLE_LOCATION);
        if (framework == null || framework.getState() == org.osgi.framework.Bundle.ACTIVE) {
            registry.configurationApplied();
        }
    }

    /**
     * Applies a changed configuration in place: listeners, connections and children stay (see
     * {@link Registry#reconfigure}). An invalid one is logged and the settings in force are kept.
     */
    @Modified
    void modified(org.osgi.framework.BundleContext context, CoreConfig config) {
        dumpFile = dumpFile(context, config);
        Settings settings;
        try {
            settings = Settings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("CONFIG pid={} error={}, keeping the settings in force", PID, e.getMessage());
            return;
        }
        registry.reconfigure(settings);
    }

    /**
     * Closes every listener and connection. Children still running are left to run and reaped by
     * this core's reaper, whose thread ends once the last of them has exited.
     */
    @Deactivate
    void deactivate() {
        if (context != null && started != null) {
            try {
                context.removeFrameworkListener(started);
            } catch (IllegalStateException e) {
                // the bundle is stopping
            }
        }
        if (previousUsr1 != null) {
            try {
                DumpSignal.restore(previousUsr1);
            } catch (LinkageError | RuntimeException e) {
                LOG.warn("SIGNAL could not restore the previous SIGUSR1 handler: {}", e.toString());
            }
        }
        dumps.shutdownNow();
        registry.stop();
    }

    /** Where the state dump goes: {@code dump.file}, else beside {@code superserver.data}, else the bundle's data area. */
    static java.nio.file.Path dumpFile(org.osgi.framework.BundleContext context, CoreConfig config) {
        String configured = config.dump_file() == null ? "" : config.dump_file().trim();
        if (!configured.isEmpty()) {
            return java.nio.file.Path.of(configured);
        }
        java.nio.file.Path data = dataDirectory(context);
        if (data != null) {
            return data.resolve(DUMP_NAME);
        }
        java.io.File area = context == null ? null : context.getDataFile(DUMP_NAME);
        return area != null ? area.toPath() : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), DUMP_NAME);
    }

    /**
     * How long the configuration must stay unchanged after the framework has started before passed
     * sockets no service took are closed: the config sources publish a little after the start.
     */
    static final long SWEEP_QUIET_MILLIS = 500;

    /** The launcher's data directory (framework property {@code superserver.data}), or {@code null} outside it. */
    private static java.nio.file.Path dataDirectory(org.osgi.framework.BundleContext context) {
        String data = context == null ? null : context.getProperty("superserver.data");
        return data == null || data.isBlank() ? null : java.nio.file.Path.of(data.trim());
    }

    /** The state dump's file name when {@code dump.file} is not set. */
    static final String DUMP_NAME = "superserver.dump";

    /** Called on the JVM's signal thread: hands the dump to its own thread at once. */
    private void usr1() {
        try {
            dumps.execute(this::writeDump);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // deactivated
        }
    }

    /** Writes the state dump to its file ({@link DumpFile}). */
    void writeDump() {
        java.nio.file.Path file = dumpFile;
        try {
            String text = registry.dump();
            DumpFile.write(file, text);
            LOG.info("DUMP file={} bytes={}", file, text.length());
        } catch (java.io.IOException | RuntimeException e) {
            LOG.error("DUMP file={} error={}", file, e.toString());
        }
    }

    @Override
    public void reloadStarts() {
        try {
            registry.reloadStarts().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("RELOAD the service manager could not be told in time: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void reloadEnds() {
        registry.reloadEnds();
    }

    @Override
    public String dump() {
        return registry.dump();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDefinition(ServiceDefinition definition, Map<String, Object> properties) {
        registry.addDefinition(key(properties), definition);
    }

    void removeDefinition(ServiceDefinition definition, Map<String, Object> properties) {
        registry.removeDefinition(key(properties));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addHandler(Handler handler, Map<String, Object> properties) {
        List<String> names = names(properties.get(Handler.NAME_PROPERTY));
        if (names.isEmpty()) {
            LOG.warn("HANDLER class={} error=registered without a {} property, ignored",
                    handler.getClass().getName(), Handler.NAME_PROPERTY);
            return;
        }
        registry.addHandler(key(properties), names, ranking(properties), handler);
    }

    void updatedHandler(Handler handler, Map<String, Object> properties) {
        registry.updateHandler(key(properties), names(properties.get(Handler.NAME_PROPERTY)), ranking(properties),
                handler);
    }

    void removeHandler(Handler handler, Map<String, Object> properties) {
        registry.removeHandler(key(properties));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addPolicy(AccessPolicy policy, Map<String, Object> properties) {
        List<String> names = names(properties.get(AccessPolicy.NAME_PROPERTY));
        if (names.isEmpty()) {
            LOG.warn("POLICY class={} error=registered without a {} property, ignored",
                    policy.getClass().getName(), AccessPolicy.NAME_PROPERTY);
            return;
        }
        registry.addPolicy(key(properties), names, ranking(properties), policy);
    }

    void updatedPolicy(AccessPolicy policy, Map<String, Object> properties) {
        registry.removePolicy(key(properties));
        addPolicy(policy, properties);
    }

    void removePolicy(AccessPolicy policy, Map<String, Object> properties) {
        registry.removePolicy(key(properties));
    }

    @Override
    public List<ListenerStatus> listeners() {
        return registry.listeners();
    }

    @Override
    public List<ConnectionStatus> connections() {
        return registry.connections();
    }

    @Override
    public List<ServiceStats> stats() {
        return registry.stats();
    }

    @Override
    public boolean close(long connectionId) {
        return registry.close(connectionId);
    }

    @Override
    public boolean terminate(int pid) {
        return registry.terminate(pid);
    }

    private static Object key(Map<String, Object> properties) {
        return properties.get("service.id");
    }

    private static int ranking(Map<String, Object> properties) {
        Object ranking = properties.get("service.ranking");
        return ranking instanceof Integer ? (Integer) ranking : 0;
    }

    /** A name property as a list: a string, a string array or a collection of strings. */
    static List<String> names(Object property) {
        List<String> names = new ArrayList<>();
        if (property instanceof String) {
            names.add((String) property);
        } else if (property instanceof String[]) {
            names.addAll(List.of((String[]) property));
        } else if (property instanceof Collection) {
            for (Object o : (Collection<?>) property) {
                names.add(String.valueOf(o));
            }
        }
        names.removeIf(n -> n == null || n.isBlank());
        return names;
    }
}
