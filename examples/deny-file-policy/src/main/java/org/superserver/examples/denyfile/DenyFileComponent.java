package org.superserver.examples.denyfile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;
import org.superserver.api.access.PolicyInspector;

/**
 * The {@code denyfile} access policy service, and its {@link PolicyInspector} for the shell. It
 * needs its configuration (PID {@value #PID}) naming the file: until there is one, it is not
 * registered, and a service that names {@code denyfile} refuses every client, as the core does for
 * any missing policy. One thread of its own checks the file for changes and reads it again; the
 * decisions never wait for it.
 */
@Component(configurationPid = DenyFileComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {AccessPolicy.class, PolicyInspector.class},
        property = AccessPolicy.NAME_PROPERTY + "=" + DenyFileComponent.NAME)
@Designate(ocd = DenyFileConfig.class)
public final class DenyFileComponent implements AccessPolicy, PolicyInspector {

    /** The policy's name, which a service lists in its policies. */
    static final String NAME = "denyfile";
    /** Its configuration PID. */
    static final String PID = "org.superserver.examples.denyfile";
    static final long DEFAULT_POLL_MS = 1000;
    static final long MIN_POLL_MS = 100;
    /** Why every client is denied while the configuration names no file. */
    static final String UNCONFIGURED = "file is required (the file of denied addresses); every client is denied";

    private static final Logger LOG = LoggerFactory.getLogger(DenyFileComponent.class);

    private final ScheduledExecutorService poller;
    /** The policy of the configured file, or {@code null} while none is configured. */
    private volatile DenyFilePolicy policy;
    private ScheduledFuture<?> poll;

    @Activate
    public DenyFileComponent(DenyFileConfig config, Map<String, Object> properties) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "denyfile-poll");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.poller = executor;
        modified(config, properties);
    }

    @Modified
    synchronized void modified(DenyFileConfig config, Map<String, Object> properties) {
        if (poll != null) {
            poll.cancel(false);
            poll = null;
        }
        String file = config.file() == null ? "" : config.file().trim();
        if (file.isEmpty()) {
            Object cfg = properties.get("felix.fileinstall.filename");
            LOG.error("CONFIG pid={}{} error=\"{}\" denying=everybody", PID, cfg == null ? "" : " file=" + cfg,
                    UNCONFIGURED);
            policy = null;
            return;
        }
        DenyFilePolicy next = DenyFilePolicy.reading(Path.of(file).toAbsolutePath().normalize());
        policy = next;
        long every = Math.max(MIN_POLL_MS, config.poll__interval__ms());
        poll = poller.scheduleWithFixedDelay(() -> {
            try {
                next.reloadIfChanged();
            } catch (RuntimeException e) {
                LOG.error("DENYFILE file={} error=\"checking for changes failed: {}\"", next.file(), e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    synchronized void deactivate() {
        poller.shutdownNow();
    }

    @Override
    public CompletionStage<Decision> check(ConnectionInfo connection, ServiceDefinition definition) {
        DenyFilePolicy p = policy;
        return p != null ? p.check(connection, definition)
                : CompletableFuture.completedFuture(Decision.deny(UNCONFIGURED));
    }

    @Override
    public Explanation explain(String daemon, String client) {
        DenyFilePolicy p = policy;
        return p != null ? p.explain(daemon, client)
                : new Explanation(false, null, List.of("denyfile " + UNCONFIGURED, "access:   denied"));
    }

    @Override
    public List<Diagnostic> check() {
        DenyFilePolicy p = policy;
        return p != null ? p.check() : List.of(Diagnostic.error(PID, 0, "file", UNCONFIGURED));
    }
}
