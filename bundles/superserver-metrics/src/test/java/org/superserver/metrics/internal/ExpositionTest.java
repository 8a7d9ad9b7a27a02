package org.superserver.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ConnectionDurations;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServiceStats;

/** A status snapshot in, the exact lines of the Prometheus text format out. */
public class ExpositionTest {

    private static ListenerStatus listener(String id, String name, Protocol protocol, ListenerState state,
                                           int active) {
        ServiceDefinition d = ServiceDefinition.builder().id(id).name(name)
                .socketType(protocol == Protocol.UDP ? SocketType.DGRAM : SocketType.STREAM).protocol(protocol)
                .bindAddress("127.0.0.1").port(0).handler("echo").origin("test:" + id).build();
        return new ListenerStatus(d, state, null, "", 0, active);
    }

    private static ConnectionDurations durations(long... cumulative) {
        return new ConnectionDurations(ConnectionDurations.BOUNDS, Arrays.stream(cumulative).boxed().toList(),
                cumulative.length == 0 ? 0 : 1.25);
    }

    private static List<String> lines(List<ListenerStatus> listeners, List<ServiceStats> stats) {
        return List.of(new String(Exposition.text(listeners, stats), StandardCharsets.UTF_8).split("\n"));
    }

    @Test
    public void everyCounterOfAServiceIsOneSeriesWithItsLabels() {
        List<ListenerStatus> listeners = List.of(listener("echo", "echo", Protocol.TCP, ListenerState.LISTENING, 2),
                listener("cat", "cat", Protocol.TCP, ListenerState.RETRYING, 0));
        List<ServiceStats> stats = List.of(
                new ServiceStats("echo", "echo", 7, 2, Map.of("tcpd", 2L), 1, Map.of("cps", 1L), 0, 0, 40, 30,
                        Map.of(), durations(1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5)),
                new ServiceStats("cat", "cat", 3, 0, Map.of(), 0, Map.of(), 3, 2, 0, 0,
                        Map.of("0", 1L, "SIGKILL", 2L), ConnectionDurations.none()));
        List<String> lines = lines(listeners, stats);

        for (String expected : List.of(
                "# TYPE superserver_connections_accepted_total counter",
                "superserver_connections_accepted_total{protocol=\"tcp\",service=\"cat\"} 3.0",
                "superserver_connections_accepted_total{protocol=\"tcp\",service=\"echo\"} 7.0",
                "superserver_denied_total{policy=\"tcpd\",service=\"echo\"} 2.0",
                "superserver_refused_total{limit=\"cps\",service=\"echo\"} 1.0",
                "superserver_children_started_total{service=\"cat\"} 3.0",
                "superserver_children_failed_total{service=\"cat\"} 2.0",
                "superserver_children_exit_total{service=\"cat\",status=\"0\"} 1.0",
                "superserver_children_exit_total{service=\"cat\",status=\"SIGKILL\"} 2.0",
                "superserver_bytes_received_total{service=\"echo\"} 40.0",
                "superserver_bytes_sent_total{service=\"echo\"} 30.0",
                "# TYPE superserver_connection_duration_seconds histogram",
                "superserver_connection_duration_seconds_bucket{service=\"echo\",le=\"0.001\"} 1",
                "superserver_connection_duration_seconds_bucket{service=\"echo\",le=\"0.005\"} 2",
                "superserver_connection_duration_seconds_bucket{service=\"echo\",le=\"0.05\"} 3",
                "superserver_connection_duration_seconds_bucket{service=\"echo\",le=\"60.0\"} 4",
                "superserver_connection_duration_seconds_bucket{service=\"echo\",le=\"+Inf\"} 5",
                "superserver_connection_duration_seconds_count{service=\"echo\"} 5",
                "superserver_connection_duration_seconds_sum{service=\"echo\"} 1.25",
                "superserver_connection_duration_seconds_count{service=\"cat\"} 0",
                "# TYPE superserver_active_connections gauge",
                "superserver_active_connections{protocol=\"tcp\",service=\"echo\"} 2.0",
                "superserver_listener_up{protocol=\"tcp\",service=\"echo\",state=\"listening\"} 1.0",
                "superserver_listener_up{protocol=\"tcp\",service=\"cat\",state=\"retrying\"} 0.0")) {
            assertTrue("missing line: " + expected + "\nin:\n" + String.join("\n", lines), lines.contains(expected));
        }
    }

    @Test
    public void oddServiceNamesAreEscapedInLabelValues() {
        String odd = "we\"ird\\name\nline";
        List<String> lines = lines(List.of(listener("odd", odd, Protocol.TCP, ListenerState.LISTENING, 0)),
                List.of(new ServiceStats("odd", odd, 1, 0, Map.of(), 0, Map.of(), 0, 0, 0, 0)));
        assertTrue(String.join("\n", lines), lines.contains(
                "superserver_connections_accepted_total{protocol=\"tcp\",service=\"we\\\"ird\\\\name\\nline\"} 1.0"));
    }

    @Test
    public void definitionsThatShareAServiceNameAreAddedUpWhereTheLabelsAreTheSame() {
        List<ListenerStatus> listeners = List.of(
                listener("echo-stream", "echo", Protocol.TCP, ListenerState.LISTENING, 1),
                listener("echo-dgram", "echo", Protocol.UDP, ListenerState.LISTENING, 0));
        List<ServiceStats> stats = List.of(
                new ServiceStats("echo-stream", "echo", 4, 0, Map.of(), 0, Map.of(), 0, 0, 10, 10),
                new ServiceStats("echo-dgram", "echo", 6, 0, Map.of(), 0, Map.of(), 0, 0, 5, 5));
        List<String> lines = lines(listeners, stats);
        assertTrue(lines.contains("superserver_connections_accepted_total{protocol=\"tcp\",service=\"echo\"} 4.0"));
        assertTrue(lines.contains("superserver_connections_accepted_total{protocol=\"udp\",service=\"echo\"} 6.0"));
        assertTrue(lines.contains("superserver_bytes_received_total{service=\"echo\"} 15.0"));
        assertEquals(1, lines.stream().filter(l -> l.startsWith("superserver_bytes_received_total{")).count());
    }
}
