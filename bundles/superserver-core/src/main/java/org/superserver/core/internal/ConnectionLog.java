package org.superserver.core.internal;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.LogField;
import org.superserver.api.ServiceDefinition;

/**
 * The connection lines of xinetd.log(5), with the fields a definition asks for, as one key=value
 * line each, to SLF4J and to the definition's {@code log_type} target ({@link LogWriter}):
 * <ul>
 * <li>{@code START service=… [pid=…] [from=…] [userid=…]} when a client is served (pid 0 for an
 *     in-process service);
 * <li>{@code EXIT service=… [pid=…] [from=…] [status=…] [duration=…ms] [in=… out=…] [userid=…]}
 *     when it ends ({@code status} for started servers; {@code in}/{@code out}, TRAFFIC, for
 *     in-process services only: a started server's bytes never pass through the core);
 * <li>{@code FAIL service=… reason=… [from=…] [userid=…]} when a client is turned away, at most
 *     {@value #FAILURES_PER_SECOND} a second per service; the next line says how many were left
 *     out ({@code suppressed=N}).
 * </ul>
 * With USERID the line waits (off every event loop) for the client's ident answer ({@link Ident}).
 */
final class ConnectionLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLog.class);

    static final int FAILURES_PER_SECOND = 10;

    /** What ends a served client's line. */
    interface Served {
        /**
         * @param status how a started server ended ({@code exit 0}, {@code signal 9}), or {@code null}
         * @param in bytes from the client, or -1 when the core did not see them
         * @param out bytes to the client, or -1
         */
        void ended(String status, long in, long out);
    }

    private static final Served NOTHING = (status, in, out) -> { };

    /** A per-service budget of FAIL lines: whole-second windows. */
    private static final class Budget {
        long windowStart;
        int used;
        long suppressed;
    }

    private final LogWriter writer;
    private final Ident ident;
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong suppressedTotal = new AtomicLong();

    ConnectionLog(LogWriter writer, Ident ident) {
        this.writer = writer;
        this.ident = ident;
    }

    LogWriter writer() {
        return writer;
    }

    /** Logs the START line of a client being served; the returned handle logs its EXIT line. */
    Served served(ServiceDefinition definition, InetSocketAddress local, InetSocketAddress remote, int pid) {
        Set<LogField> fields = definition.logOnSuccess();
        if (fields.isEmpty() || !wanted(definition)) {
            return NOTHING;
        }
        long start = System.nanoTime();
        CompletableFuture<String> userid = fields.contains(LogField.USERID)
                ? ident.query(local, remote) : CompletableFuture.completedFuture(null);
        StringBuilder line = new StringBuilder("START service=").append(definition.name());
        successFields(line, fields, pid, remote);
        CompletableFuture<Void> startLogged = emit(definition, line, userid, null);
        return (status, in, out) -> {
            StringBuilder exit = new StringBuilder("EXIT service=").append(definition.name());
            successFields(exit, fields, pid, remote);
            if (fields.contains(LogField.EXIT) && status != null) {
                exit.append(" status=").append(status);
            }
            if (fields.contains(LogField.DURATION)) {
                exit.append(" duration=").append((System.nanoTime() - start) / 1_000_000L).append("ms");
            }
            if (fields.contains(LogField.TRAFFIC) && in >= 0) {
                exit.append(" in=").append(in).append(" out=").append(out);
            }
            startLogged.thenRun(() -> emit(definition, exit, userid, null)); // after its START line
        };
    }

    /** Logs a started server's START line now and its EXIT line when {@code exit} completes. */
    void child(ServiceDefinition definition, int pid, InetSocketAddress local, InetSocketAddress remote,
               CompletableFuture<Reaper.Exit> exit) {
        Served served = served(definition, local, remote, pid);
        exit.thenAccept(e -> served.ended(e.describe(), -1, -1));
    }

    /**
     * Logs a client turned away ({@code reason}: xinetd's words, {@code service_limit},
     * {@code per_source_limit}, {@code cps}, {@code load}, or {@code access} for an access policy),
     * within the service's budget of lines.
     */
    void failed(ServiceDefinition definition, String reason, InetSocketAddress local, InetSocketAddress remote) {
        failures.incrementAndGet();
        Set<LogField> fields = definition.logOnFailure();
        if (fields.isEmpty() || !wanted(definition)) {
            return;
        }
        long suppressed = admit(definition.id());
        if (suppressed < 0) {
            suppressedTotal.incrementAndGet();
            return;
        }
        StringBuilder line = new StringBuilder("FAIL service=").append(definition.name()).append(" reason=")
                .append(reason);
        if (fields.contains(LogField.HOST) && remote != null) {
            line.append(" from=").append(Addresses.format(remote));
        }
        CompletableFuture<String> userid = fields.contains(LogField.USERID)
                ? ident.query(local, remote) : CompletableFuture.completedFuture(null);
        emit(definition, line, userid, suppressed > 0 ? " suppressed=" + suppressed : null);
    }

    /**
     * Whether a line of {@code definition} goes anywhere: this logger is at INFO, or the definition
     * has a target of its own. Otherwise nothing is built (nor an ident query made), so a server
     * that turns these lines off (the logger at WARN) pays nothing per connection.
     */
    private static boolean wanted(ServiceDefinition definition) {
        return LOG.isInfoEnabled() || definition.logTarget().kind() != org.superserver.api.LogTarget.Kind.DEFAULT;
    }

    /** -1 when the line is over the budget, else the lines left out since the last one logged. */
    private long admit(String id) {
        Budget budget = budgets.computeIfAbsent(id, k -> new Budget());
        synchronized (budget) {
            long now = System.nanoTime();
            if (now - budget.windowStart >= 1_000_000_000L) {
                budget.windowStart = now;
                budget.used = 0;
            }
            if (budget.used >= FAILURES_PER_SECOND) {
                budget.suppressed++;
                return -1;
            }
            budget.used++;
            long left = budget.suppressed;
            budget.suppressed = 0;
            return left;
        }
    }

    private static void successFields(StringBuilder line, Set<LogField> fields, int pid, InetSocketAddress remote) {
        if (fields.contains(LogField.PID)) {
            line.append(" pid=").append(pid);
        }
        if (fields.contains(LogField.HOST) && remote != null) {
            line.append(" from=").append(Addresses.format(remote));
        }
    }

    private CompletableFuture<Void> emit(ServiceDefinition definition, StringBuilder line,
                                         CompletableFuture<String> userid, String tail) {
        Consumer<String> out = id -> {
            if (id != null) {
                line.append(" userid=").append(id);
            }
            if (tail != null) {
                line.append(tail);
            }
            String text = line.toString();
            LOG.info("{}", text);
            writer.write(definition.logTarget(), text);
        };
        if (userid.isDone()) {
            out.accept(userid.join());
            return CompletableFuture.completedFuture(null);
        }
        return userid.thenAccept(out);
    }

    /** Clients turned away since the core started (every FAIL, logged or not). */
    long failures() {
        return failures.get();
    }

    /** FAIL lines left out by the per-service budget. */
    long suppressed() {
        return suppressedTotal.get();
    }

    /** Forgets the FAIL budget of a service that is gone. */
    void forget(String id) {
        budgets.remove(id);
    }

    @Override
    public void close() {
        writer.close();
    }
}
