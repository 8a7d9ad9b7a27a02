package org.superserver.shell.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ListenerStatus;

/** Text for {@code inetd:list} and {@code inetd:info}: pure functions of a status snapshot. */
final class StatusFormat {

    static final String NO_LISTENERS = "no services are defined";

    /** The mode and owners of a socket file the service manager made (and the server left alone). */
    static final String SYSTEMDS_FILE = "- (the service manager's: SocketMode=, SocketUser=, SocketGroup=)";

    /** What the commands that read the core's status say while it is absent. */
    static final String CORE_NOT_RUNNING = "the core is not running (no org.superserver.api.status.ServerStatus"
            + " service); start bundle superserver-core";

    private static final String[] HEADER =
            {"SERVICE", "PROTO", "ADDRESS", "STATE", "DISPATCH", "ACCEPTED", "ACTIVE", "ORIGIN"};

    /** By service name, then protocol, then id, so that output is stable. */
    static final Comparator<ListenerStatus> ORDER = Comparator
            .comparing((ListenerStatus l) -> l.definition().name())
            .thenComparing(l -> l.definition().protocol())
            .thenComparing(l -> l.definition().id());

    private StatusFormat() {
    }

    /**
     * One aligned line per listener under a header, sorted by service name; then, for each listener
     * whose status has a detail (why it is RETRYING, FAILED, PAUSED or waiting, or a problem of a
     * listening one), a line {@code NAME/PROTO STATE: detail}.
     */
    static String table(List<ListenerStatus> listeners) {
        if (listeners.isEmpty()) {
            return NO_LISTENERS;
        }
        TextTable table = new TextTable(HEADER);
        listeners.stream().sorted(ORDER).forEach(l -> {
            ServiceDefinition d = l.definition();
            table.row(
                d.name(),
                d.protocol().configName(),
                address(l),
                l.state().name(),
                d.isInternal() ? "internal " + d.handler()
                        : d.isRedirect() ? "redirect " + d.redirectHost() + " " + d.redirectPort() : d.server(),
                Long.toString(l.accepted()),
                Integer.toString(l.activeConnections()),
                orDash(d.origin()));
        });
        StringBuilder out = new StringBuilder(table.toString());
        listeners.stream().sorted(ORDER).filter(l -> !l.detail().isEmpty()).forEach(l -> out.append('\n')
                .append(l.definition().name()).append('/').append(l.definition().protocol().configName())
                .append(' ').append(l.state().name()).append(": ").append(l.detail()));
        return out.toString();
    }

    /** Every field of each definition named {@code name}, and its listener's state and counters. */
    static String info(String name, List<ListenerStatus> listeners) {
        List<ListenerStatus> matching = listeners.stream()
                .filter(l -> l.definition().name().equals(name))
                .sorted(ORDER)
                .collect(Collectors.toList());
        if (matching.isEmpty()) {
            TreeSet<String> known = listeners.stream().map(l -> l.definition().name())
                    .collect(Collectors.toCollection(TreeSet::new));
            return "no service named '" + name + "'"
                    + (known.isEmpty() ? "; no services are defined" : "; known: " + String.join(", ", known));
        }
        StringBuilder out = new StringBuilder();
        for (ListenerStatus l : matching) {
            if (out.length() > 0) {
                out.append("\n\n");
            }
            ServiceDefinition d = l.definition();
            out.append(d.name()).append('/').append(d.protocol().configName());
            field(out, "id", d.id());
            field(out, "socket type", d.socketType().configName());
            field(out, "protocol", d.protocol().configName());
            if (d.socketPath() != null && l.adopted()) {
                // the service manager made the file: the definition's mode and owners were not applied
                field(out, "path", d.socketPath());
                field(out, "socket mode", SYSTEMDS_FILE);
                field(out, "socket owner", SYSTEMDS_FILE);
                field(out, "socket group", SYSTEMDS_FILE);
            } else if (d.socketPath() != null) {
                field(out, "path", d.socketPath());
                field(out, "socket mode", String.format("%04o", d.socketMode()));
                field(out, "socket owner", d.socketOwner() == null ? "- (the server's own)" : d.socketOwner());
                field(out, "socket group", d.socketGroup() == null ? "- (the server's own)" : d.socketGroup());
            } else {
                field(out, "bind", d.bindAddress() == null ? "* (every address)" : d.bindAddress());
                field(out, "port", d.port() == 0 ? "0 (ephemeral)" : Integer.toString(d.port()));
            }
            field(out, "wait", d.isWait() ? "wait" : "nowait");
            field(out, "max per minute", limit(d.maxPerMinute()));
            field(out, "instances", limit(d.instances()));
            field(out, "user", d.user() == null ? "- (the server's own)" : d.user());
            field(out, "group", d.group() == null ? "- (the user's primary group)" : d.group());
            if (d.isInternal()) {
                field(out, "handler", d.handler());
            } else if (d.isRedirect()) {
                field(out, "redirect", d.redirectHost() + " " + d.redirectPort());
            } else {
                field(out, "server", d.server());
                field(out, "argv", String.join(" ", d.argv()));
            }
            field(out, "sandbox", sandbox(d));
            field(out, "tls", tls(l));
            field(out, "env", d.env().isEmpty() ? "-" : entries(d.env()));
            field(out, "policies", d.policies().isEmpty() ? "-" : String.join(", ", d.policies()));
            field(out, "attributes", d.attributes().isEmpty() ? "-" : entries(d.attributes()));
            field(out, "origin", orDash(d.origin()));
            field(out, "state", l.state().name());
            field(out, "detail", l.detail().isEmpty() ? "-" : l.detail());
            field(out, "bound", l.boundAddress() == null ? "-" : hostPort(l.boundAddress()));
            field(out, "socket", socket(l));
            field(out, "accepted", Long.toString(l.accepted()));
            field(out, "active", Integer.toString(l.activeConnections()));
        }
        return out.toString();
    }

    /**
     * The TLS state of a listener: {@code off}, or {@code on}, the certificate in use (subject,
     * expiry) and whether client certificates are required.
     */
    static String tls(ListenerStatus l) {
        ServiceDefinition d = l.definition();
        if (!d.tls()) {
            return "off";
        }
        String certificate = l.tlsSubject().isEmpty() ? "certificate " + d.tlsCertificate() + " not loaded"
                : "certificate \"" + l.tlsSubject() + "\" expires " + l.tlsExpires();
        return "on, " + certificate + ", client certificates "
                + (d.tlsClientCa() == null ? "not required" : "required (CAs " + d.tlsClientCa() + ")");
    }

    /**
     * Where the listening socket came from: {@code adopted from systemd (fd 3, name echo)} for one
     * passed by the service manager ({@code (fd 3, name echo, path /run/echo.sock)} for a Unix-domain
     * one, which may sit elsewhere than the definition's path when its name matched), {@code bound by
     * the server} for its own, {@code -} for none.
     */
    static String socket(ListenerStatus l) {
        if (l.adopted()) {
            boolean unix = l.definition().socketPath() != null && l.boundAddress() != null;
            return "adopted from systemd (fd " + l.passedFd()
                    + (l.passedName().isEmpty() ? "" : ", name " + l.passedName())
                    + (unix ? ", path " + l.boundAddress().getHostString() : "") + ")";
        }
        return l.boundAddress() == null ? "-" : "bound by the server";
    }

    /** The bound address, or the configured one while nothing is bound. */
    static String address(ListenerStatus l) {
        if (l.boundAddress() != null) {
            return hostPort(l.boundAddress());
        }
        ServiceDefinition d = l.definition();
        if (d.socketPath() != null) {
            return d.socketPath();
        }
        String host = d.bindAddress() == null ? "*" : d.bindAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + d.port();
    }

    static String hostPort(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null && address.getPort() == 0) {
            return address.getHostString(); // a Unix-domain socket's path
        }
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** {@code no_new_privs, capabilities none, private /tmp}, or {@code none}. */
    static String sandbox(ServiceDefinition d) {
        List<String> parts = new java.util.ArrayList<>();
        if (d.noNewPrivs()) {
            parts.add("no_new_privs");
        }
        if (d.capabilities() != null) {
            parts.add("capabilities " + (d.capabilities().isEmpty() ? "none" : String.join(" ", d.capabilities())));
        }
        if (d.privateTmp()) {
            parts.add("private /tmp");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String limit(int value) {
        return value == 0 ? "0 (no limit)" : Integer.toString(value);
    }

    private static String entries(Map<String, ?> map) {
        return map.entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue() instanceof List<?> values
                        ? values.stream().map(String::valueOf).collect(Collectors.joining(" ")) : e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static void field(StringBuilder out, String label, String value) {
        out.append("\n  ").append(label).append(" ".repeat(16 - label.length())).append(value);
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
