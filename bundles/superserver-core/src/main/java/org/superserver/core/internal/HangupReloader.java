package org.superserver.core.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConfigSource;

/**
 * Reloads every {@link ConfigSource} when the process receives SIGHUP, as the classic daemons do
 * ({@code kill -HUP $(cat data/superserver.pid)}). The signal no longer stops the JVM while this
 * component is active; the previous disposition comes back when it goes. Where the runtime offers
 * no signal API ({@code sun.misc} not visible to the framework), SIGHUP keeps its default and the
 * sources are still reloaded on their own change detection and from the shell. The core
 * ({@link ReloadWindow}) is told before and after, so that systemd hears {@code RELOADING=1} and
 * then {@code READY=1} even when nothing changed.
 */
@Component(immediate = true)
public final class HangupReloader {

    private static final Logger LOG = LoggerFactory.getLogger(HangupReloader.class);

    private final List<ConfigSource> sources = new CopyOnWriteArrayList<>();
    private final ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "superserver-reload");
        thread.setDaemon(true);
        return thread;
    });
    private Object previousHandler;
    private volatile ReloadWindow core;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    void setCore(ReloadWindow window) {
        this.core = window;
    }

    void unsetCore(ReloadWindow window) {
        if (core == window) {
            core = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(ConfigSource source) {
        sources.add(source);
    }

    void removeSource(ConfigSource source) {
        sources.remove(source);
    }

    @Activate
    void activate() {
        try {
            previousHandler = Hangup.install(this::hangup);
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("SIGNAL SIGHUP cannot be handled here ({}); reload from the shell or by editing the files",
                    e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        if (previousHandler != null) {
            try {
                Hangup.restore(previousHandler);
            } catch (LinkageError | RuntimeException e) {
                LOG.warn("SIGNAL could not restore the previous SIGHUP handler: {}", e.toString());
            }
        }
        reloads.shutdownNow();
        try {
            reloads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called on the JVM's signal thread: hands the work to the reload thread at once. */
    void hangup() {
        reloads.execute(this::reloadAll);
    }

    /** Reloads every source in turn; one that fails does not stop the others. */
    void reloadAll() {
        List<ConfigSource> now = List.copyOf(sources);
        LOG.info("SIGHUP reloading {} configuration source(s)", now.size());
        ReloadWindow window = core;
        if (window != null) {
            window.reloadStarts(); // RELOADING=1 before the first source is read
        }
        try {
            for (ConfigSource source : now) {
                try {
                    source.reload();
                } catch (RuntimeException e) {
                    LOG.error("RELOAD source={} error={}", source.description(), e.toString());
                }
            }
        } finally {
            if (window != null) {
                window.reloadEnds();
            }
        }
    }

    /** The only class that touches {@code sun.misc.Signal}, so that its absence is contained. */
    private static final class Hangup {

        static Object install(Runnable action) {
            return sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
        }

        static void restore(Object previous) {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), (sun.misc.SignalHandler) previous);
        }
    }
}
