package org.superserver.webconsole.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.superserver.api.ConfigSource;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;
import org.superserver.api.status.ServiceStats;

/**
 * What the page shows, read once per request: the services with their counters, the live
 * connections and the configuration sources. Both the HTML and the JSON view render this.
 *
 * @param coreRunning  whether a {@code ServerStatus} service was there to read
 * @param services     one row per listener, by name, protocol and id
 * @param connections  the live connections, as the core gives them (none by the API's default)
 * @param sources      the descriptions of the configuration sources, sorted
 */
record ConsoleView(boolean coreRunning, List<ServiceRow> services, List<ConnectionStatus> connections,
                   List<String> sources) {

    /** One listener and its counters (zero counters when the core gives none for it). */
    record ServiceRow(ListenerStatus listener, ServiceStats stats) {

        ServiceDefinition definition() {
            return listener.definition();
        }

        /** The bound address, else the configured one, as {@code host:port} ({@code [v6]:port}). */
        String address() {
            InetSocketAddress bound = listener.boundAddress();
            if (bound != null) {
                return ConsoleView.address(bound);
            }
            String host = definition().bindAddress();
            String shown = host == null || host.isEmpty() ? "*" : host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return shown + ":" + definition().port();
        }
    }

    static final Comparator<ListenerStatus> ORDER = Comparator
            .comparing((ListenerStatus l) -> l.definition().name())
            .thenComparing(l -> l.definition().protocol())
            .thenComparing(l -> l.definition().id());

    /** Reads the core (which may be absent) and the sources. */
    static ConsoleView of(ServerStatus status, List<ConfigSource> sources) {
        List<String> descriptions = new ArrayList<>();
        for (ConfigSource source : sources) {
            descriptions.add(describe(source));
        }
        descriptions.sort(null);
        if (status == null) {
            return new ConsoleView(false, List.of(), List.of(), descriptions);
        }
        Map<String, ServiceStats> statsById = new HashMap<>();
        for (ServiceStats s : status.stats()) {
            statsById.put(s.serviceId(), s);
        }
        List<ServiceRow> rows = new ArrayList<>();
        status.listeners().stream().sorted(ORDER).forEach(l -> {
            String id = l.definition().id();
            ServiceStats stats = statsById.getOrDefault(id, new ServiceStats(id, l.definition().name(), l.accepted(),
                    0, Map.of(), 0, Map.of(), 0, 0, 0, 0));
            rows.add(new ServiceRow(l, stats));
        });
        return new ConsoleView(true, List.copyOf(rows), List.copyOf(status.connections()), List.copyOf(descriptions));
    }

    static String describe(ConfigSource source) {
        try {
            String description = source.description();
            return description == null || description.isBlank() ? source.getClass().getName() : description;
        } catch (RuntimeException e) {
            return source.getClass().getName();
        }
    }

    static String address(InetSocketAddress address) {
        if (address == null) {
            return "";
        }
        InetAddress ip = address.getAddress();
        if (ip == null && address.getPort() == 0) {
            return address.getHostString(); // a Unix-domain socket's path, or its client's unix:uid=… name
        }
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
