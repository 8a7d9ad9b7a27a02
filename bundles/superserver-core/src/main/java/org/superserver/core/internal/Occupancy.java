package org.superserver.core.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one service id has running, kept across its listener being closed and bound again (a rate
 * or {@code cps} pause, a changed definition): its started servers, its open in-process
 * connections, what each client address has open, and its refusals. xinetd starts these counts
 * again from zero when it re-enables a service after a {@code cps} pause (its {@code svc_activate}
 * sets the running-server count to 0 while the servers still run, so {@code instances} is exceeded
 * after every pause); here they belong to the service, not to its socket.
 */
final class Occupancy {

    /** Servers started (or about to be) and not reaped yet. */
    final AtomicInteger children = new AtomicInteger();
    /** Open connections served in-process. */
    final AtomicInteger connections = new AtomicInteger();
    /** Open connections (in-process) or running servers (exec'd) per client address. */
    final SourceTable sources = new SourceTable();
    /** Clients a limit turned away. */
    final AtomicLong refused = new AtomicLong();
    /** Clients an access policy denied. */
    final AtomicLong denied = new AtomicLong();
    /** Told when a server ends: the service's current listener looks again whether it may accept. */
    volatile Runnable onRoom = () -> { };
    /** Clients ended by a reload whose access rules no longer allow them. */
    final AtomicLong revoked = new AtomicLong();
    /** Connections accepted (or datagrams received) by every listener of the service. */
    final AtomicLong accepted = new AtomicLong();
    /** Servers started. */
    final AtomicLong childrenStarted = new AtomicLong();
    /** Servers that could not be started, or that exited with a status other than 0. */
    final AtomicLong childrenFailed = new AtomicLong();
    /** Bytes from the clients of closed in-process and relayed connections. */
    final AtomicLong bytesIn = new AtomicLong();
    /** Bytes to the clients of closed in-process and relayed connections (and immediate answers). */
    final AtomicLong bytesOut = new AtomicLong();
    /** {@link #refused} by limit ({@code cps}, {@code load}, {@code service_limit}, ...). */
    final Map<String, AtomicLong> refusedBy = new ConcurrentHashMap<>();
    /** {@link #denied} by the name of the policy that denied. */
    final Map<String, AtomicLong> deniedBy = new ConcurrentHashMap<>();
    /** Servers that ended, by exit status or signal name ({@link ExitStatus}). */
    final Map<String, AtomicLong> exits = new ConcurrentHashMap<>();
    /** How long the ended connections lasted. */
    final Durations durations = new Durations();

    /** Counts a client that {@code limit} turned away. */
    void refused(String limit) {
        refused.incrementAndGet();
        count(refusedBy, limit);
    }

    /** Counts a client that the policy {@code policy} denied ({@code null}: not known). */
    void denied(String policy) {
        denied.incrementAndGet();
        count(deniedBy, policy == null ? "-" : policy);
    }

    /** Counts a server that ended with {@code exit}. */
    void exited(Reaper.Exit exit) {
        count(exits, ExitStatus.of(exit));
    }

    private static void count(Map<String, AtomicLong> counts, String key) {
        AtomicLong count = counts.get(key);
        if (count == null) {
            count = counts.computeIfAbsent(key, k -> new AtomicLong());
        }
        count.incrementAndGet();
    }

    /** A snapshot of {@code counts}. */
    static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
        Map<String, Long> copy = new java.util.TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }
}
