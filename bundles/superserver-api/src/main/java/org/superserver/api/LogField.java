package org.superserver.api;

/**
 * What a service's log line carries: xinetd's {@code log_on_success} and {@code log_on_failure}
 * values. {@link #PID}, {@link #EXIT}, {@link #DURATION} and {@link #TRAFFIC} belong to success
 * lines, {@link #ATTEMPT} to failure lines, {@link #HOST} and {@link #USERID} to both.
 */
public enum LogField {
    /** The started server's process id (0 for in-process services). */
    PID,
    /** The client's address and port. */
    HOST,
    /** The client's user as its RFC 1413 ident server reports it. */
    USERID,
    /** How the server ended: exit status or signal. */
    EXIT,
    /** How long the service ran for the client. */
    DURATION,
    /** Bytes received from and sent to the client. */
    TRAFFIC,
    /** A failed attempt is logged on its own line even when nothing else is asked for. */
    ATTEMPT
}
