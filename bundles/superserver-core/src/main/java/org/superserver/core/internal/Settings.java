package org.superserver.core.internal;

import java.util.Locale;

/**
 * The core's tunables as plain values, so the listeners can run without OSGi.
 *
 * @param transport {@code auto}, {@code epoll} or {@code nio}
 * @param workerThreads event loop threads for connections; 0 means one per processor
 * @param backlog listen(2) backlog of every TCP listener
 * @param writeBufferLow low water mark of every accepted connection, in bytes
 * @param writeBufferHigh high water mark of every accepted connection, in bytes
 * @param policyTimeoutMillis how long access policies may take before a client is refused
 * @param ratePauseSeconds how long a service over its rate limit ({@code .max}) stays paused
 * @param childrenMax how many started servers may run at once, all services together
 */
record Settings(String transport, int workerThreads, int backlog, int writeBufferLow, int writeBufferHigh,
                long policyTimeoutMillis, long ratePauseSeconds, int childrenMax) {

    /** inetd's pause of a service over its rate limit: 10 minutes. */
    static final long RATE_PAUSE_SECONDS = 600;

    /** The default bound on running children, all services together. */
    static final int CHILDREN_MAX = 1024;

    /** The defaults documented in {@link CoreConfig}. */
    static final Settings DEFAULTS = new Settings("auto", 0, 128, 32 * 1024, 64 * 1024, 30_000L, RATE_PAUSE_SECONDS,
            CHILDREN_MAX);

    Settings(String transport, int workerThreads, int backlog, int writeBufferLow, int writeBufferHigh,
             long policyTimeoutMillis) {
        this(transport, workerThreads, backlog, writeBufferLow, writeBufferHigh, policyTimeoutMillis,
                RATE_PAUSE_SECONDS, CHILDREN_MAX);
    }

    Settings {
        transport = transport == null ? "auto" : transport.trim().toLowerCase(Locale.ROOT);
        if (!transport.equals("auto") && !transport.equals("epoll") && !transport.equals("nio")) {
            throw new IllegalArgumentException(
                    "transport '" + transport + "' is not known (expected auto, epoll or nio)");
        }
        if (workerThreads < 0) {
            throw new IllegalArgumentException("worker threads " + workerThreads + " is negative (0 means one per processor)");
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog " + backlog + " is below 1");
        }
        if (writeBufferLow < 1 || writeBufferHigh < writeBufferLow) {
            throw new IllegalArgumentException("write buffer water marks " + writeBufferLow + "/" + writeBufferHigh
                    + " are invalid (need 1 <= low <= high)");
        }
        if (policyTimeoutMillis < 1) {
            throw new IllegalArgumentException("access policy timeout " + policyTimeoutMillis + " ms is below 1");
        }
        if (ratePauseSeconds < 1) {
            throw new IllegalArgumentException("rate pause " + ratePauseSeconds + " s is below 1");
        }
        if (childrenMax < 1) {
            throw new IllegalArgumentException("children.max " + childrenMax + " is below 1");
        }
    }

    static Settings from(CoreConfig config) {
        return new Settings(config.transport(), config.worker_threads(), config.backlog(),
                config.write_buffer_low(), config.write_buffer_high(), config.policy_timeout_ms(),
                config.rate_pause_seconds(), config.children_max());
    }

    /**
     * Whether going from this to {@code next} needs new event loops: another transport in effect
     * ({@code auto} and {@code epoll} are the same where epoll is available) or thread count.
     */
    boolean needsNewEventLoops(Settings next) {
        return !Transport.resolvedName(this).equals(Transport.resolvedName(next))
                || effectiveWorkerThreads() != next.effectiveWorkerThreads();
    }

    /** The number of worker threads to start. */
    int effectiveWorkerThreads() {
        return workerThreads == 0 ? Runtime.getRuntime().availableProcessors() : workerThreads;
    }

    Settings withTransport(String value) {
        return new Settings(value, workerThreads, backlog, writeBufferLow, writeBufferHigh, policyTimeoutMillis,
                ratePauseSeconds, childrenMax);
    }

    Settings withPolicyTimeoutMillis(long value) {
        return new Settings(transport, workerThreads, backlog, writeBufferLow, writeBufferHigh, value,
                ratePauseSeconds, childrenMax);
    }

    Settings withRatePauseSeconds(long value) {
        return new Settings(transport, workerThreads, backlog, writeBufferLow, writeBufferHigh, policyTimeoutMillis,
                value, childrenMax);
    }

    Settings withChildrenMax(int value) {
        return new Settings(transport, workerThreads, backlog, writeBufferLow, writeBufferHigh, policyTimeoutMillis,
                ratePauseSeconds, value);
    }

    Settings withWorkerThreads(int value) {
        return new Settings(transport, value, backlog, writeBufferLow, writeBufferHigh, policyTimeoutMillis,
                ratePauseSeconds, childrenMax);
    }

    Settings withBacklog(int value) {
        return new Settings(transport, workerThreads, value, writeBufferLow, writeBufferHigh, policyTimeoutMillis,
                ratePauseSeconds, childrenMax);
    }
}
