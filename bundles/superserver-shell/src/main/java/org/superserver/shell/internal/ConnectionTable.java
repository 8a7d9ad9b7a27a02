package org.superserver.shell.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.List;
import org.superserver.api.status.ConnectionStatus;

/**
 * What {@code inetd:connections} returns: the live connections and running servers, oldest first,
 * as a list; printed as a table with each one's number (what {@code inetd:kill} takes), service,
 * kind, client, age, bytes and server pid.
 */
public final class ConnectionTable extends AbstractList<ConnectionStatus> {

    static final String NONE = "no open connections and no running servers";

    private static final String[] HEADER = {"ID", "SERVICE", "KIND", "FROM", "TO", "AGE", "IN", "OUT", "PID"};

    private final List<ConnectionStatus> connections;
    private final Instant now;

    ConnectionTable(List<ConnectionStatus> connections, Instant now) {
        this.connections = List.copyOf(connections);
        this.now = now;
    }

    @Override
    public ConnectionStatus get(int index) {
        return connections.get(index);
    }

    @Override
    public int size() {
        return connections.size();
    }

    @Override
    public String toString() {
        if (connections.isEmpty()) {
            return NONE;
        }
        TextTable table = new TextTable(HEADER);
        for (ConnectionStatus c : connections) {
            table.row(Long.toString(c.id()), c.service(), c.kind().name().toLowerCase(java.util.Locale.ROOT),
                    c.remote() == null ? "-" : StatusFormat.hostPort(c.remote()),
                    c.local() == null ? "-" : StatusFormat.hostPort(c.local()), age(c.started(), now),
                    bytes(c.bytesIn()), bytes(c.bytesOut()), c.pid() == 0 ? "-" : Integer.toString(c.pid()));
        }
        return table.toString();
    }

    /** One connection on one line, for a list printed inline. */
    static String line(ConnectionStatus c) {
        return "#" + c.id() + " " + c.service() + " " + c.kind().name().toLowerCase(java.util.Locale.ROOT)
                + (c.remote() == null ? "" : " from " + StatusFormat.hostPort(c.remote()))
                + (c.pid() == 0 ? "" : " pid " + c.pid());
    }

    /** {@code 5s}, {@code 3m12s}, {@code 2h05m}, {@code 3d04h}. */
    static String age(Instant started, Instant now) {
        long s = Math.max(0, Duration.between(started, now).getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + String.format("%02d", s % 60) + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h" + String.format("%02d", s % 3600 / 60) + "m";
        }
        return s / 86400 + "d" + String.format("%02d", s % 86400 / 3600) + "h";
    }

    /** A byte count, or {@code -} where it is not counted. */
    static String bytes(long n) {
        return n < 0 ? "-" : Long.toString(n);
    }
}
