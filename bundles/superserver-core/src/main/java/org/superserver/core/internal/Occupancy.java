package org.superserver.core.internal;

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
}
