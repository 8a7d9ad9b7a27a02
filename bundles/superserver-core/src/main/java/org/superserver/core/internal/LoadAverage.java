package org.superserver.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-minute load average for xinetd's {@code max_load}, read from {@code /proc/loadavg} on a
 * thread of its own every {@value #REFRESH_MILLIS} ms while some service asks for it, never per
 * connection and never on an event loop. A file that cannot be read gives 0 (no refusal) and one
 * warning.
 */
final class LoadAverage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadAverage.class);

    static final long REFRESH_MILLIS = 1_000;

    private final Path file;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "superserver-loadavg");
        thread.setDaemon(true);
        return thread;
    });
    private volatile double value;
    private ScheduledFuture<?> refreshing;
    private boolean warned;

    LoadAverage() {
        this(Path.of("/proc/loadavg"));
    }

    LoadAverage(Path file) {
        this.file = file;
    }

    /** The last one-minute load average read; starts the reading on first use. */
    double oneMinute() {
        ensureStarted();
        return value;
    }

    private synchronized void ensureStarted() {
        if (refreshing == null && !timer.isShutdown()) {
            refresh();
            refreshing = timer.scheduleWithFixedDelay(this::refresh, REFRESH_MILLIS, REFRESH_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Reads the file now (called on the timer thread, and once by the first caller). */
    void refresh() {
        try {
            value = parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("LOAD file={} error={}; max_load refuses nobody while it cannot be read", file, e.toString());
            }
            value = 0;
        }
    }

    /** The first field of {@code /proc/loadavg}. */
    static double parse(String text) {
        String trimmed = text.trim();
        int space = trimmed.indexOf(' ');
        return Double.parseDouble(space < 0 ? trimmed : trimmed.substring(0, space));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
