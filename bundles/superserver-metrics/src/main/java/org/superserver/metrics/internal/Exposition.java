package org.superserver.metrics.internal;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.superserver.api.status.ConnectionDurations;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServiceStats;

/**
 * One status snapshot in, the Prometheus text exposition format out: a pure function. The series
 * of the definitions that share a service name (echo over TCP and over UDP) are added together
 * where the labels do not tell them apart.
 */
final class Exposition {

    /** The Content-Type of {@link #text}. */
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.builder().build();

    private Exposition() {
    }

    /** The metrics of {@code listeners} and {@code stats} (as {@code ServerStatus} gives them), as text. */
    static byte[] text(List<ListenerStatus> listeners, List<ServiceStats> stats) {
        Map<String, ListenerStatus> byId = new HashMap<>();
        listeners.forEach(l -> byId.put(l.definition().id(), l));
        Function<ServiceStats, String> protocol = s -> {
            ListenerStatus l = byId.get(s.serviceId());
            return l == null ? "" : l.definition().protocol().configName();
        };

        List<MetricSnapshot> all = new ArrayList<>();
        all.add(counter("superserver_connections_accepted",
                "Connections accepted (stream) or datagrams received (dgram).",
                sum(stats, s -> Map.of(Labels.of("service", s.service(), "protocol", protocol.apply(s)),
                        s.accepted()))));
        all.add(counter("superserver_denied", "Clients an access policy denied, by policy.",
                sum(stats, s -> labelled(s.service(), "policy", s.deniedBy()))));
        all.add(counter("superserver_refused", "Clients a limit turned away, by limit.",
                sum(stats, s -> labelled(s.service(), "limit", s.refusedBy()))));
        all.add(counter("superserver_children_started", "Servers started.",
                sum(stats, s -> Map.of(Labels.of("service", s.service()), s.childrenStarted()))));
        all.add(counter("superserver_children_failed",
                "Servers that could not be started or exited with a status other than 0.",
                sum(stats, s -> Map.of(Labels.of("service", s.service()), s.childrenFailed()))));
        all.add(counter("superserver_children_exit",
                "Servers that ended, by exit status or by the signal that killed them.",
                sum(stats, s -> labelled(s.service(), "status", s.exits()))));
        all.add(counter("superserver_bytes_received",
                "Bytes received from clients of in-process and relayed connections.",
                sum(stats, s -> Map.of(Labels.of("service", s.service()), s.bytesIn()))));
        all.add(counter("superserver_bytes_sent", "Bytes sent to clients of in-process and relayed connections.",
                sum(stats, s -> Map.of(Labels.of("service", s.service()), s.bytesOut()))));
        all.add(durations(stats));
        all.add(gauge("superserver_active_connections", "Stream connections open now (and running servers).",
                sum(listeners, l -> Map.of(Labels.of("service", l.definition().name(), "protocol",
                        l.definition().protocol().configName()), (long) l.activeConnections()))));
        all.add(gauge("superserver_listener_up",
                "1 when the service's listener is bound and serving (listening or paused), else 0; state says "
                        + "where it stands.",
                sum(listeners, l -> Map.of(Labels.of("service", l.definition().name(), "protocol",
                        l.definition().protocol().configName(), "state",
                        l.state().name().toLowerCase(Locale.ROOT)), serving(l.state()) ? 1L : 0L))));

        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            WRITER.write(out, new MetricSnapshots(all), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static boolean serving(ListenerState state) {
        return state == ListenerState.LISTENING || state == ListenerState.PAUSED;
    }

    private static Map<Labels, Long> labelled(String service, String name, Map<String, Long> counts) {
        Map<Labels, Long> series = new LinkedHashMap<>();
        counts.forEach((value, count) -> series.put(Labels.of("service", service, name, value), count));
        return series;
    }

    /** Every element's series, the values of equal labels added up, ordered by labels. */
    private static <T> Map<Labels, Long> sum(List<T> elements, Function<T, Map<Labels, Long>> series) {
        Map<Labels, Long> sums = new TreeMap<>();
        for (T element : elements) {
            series.apply(element).forEach((labels, value) -> sums.merge(labels, value, Long::sum));
        }
        return sums;
    }

    private static CounterSnapshot counter(String name, String help, Map<Labels, Long> series) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
        series.forEach((labels, value) -> counter.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(labels).value(value).build()));
        return counter.build();
    }

    private static GaugeSnapshot gauge(String name, String help, Map<Labels, Long> series) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
        series.forEach((labels, value) -> gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(labels).value(value).build()));
        return gauge.build();
    }

    /** The duration histogram of each service name; the model takes bucket counts that are not cumulative. */
    private static HistogramSnapshot durations(List<ServiceStats> stats) {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, Double> sums = new HashMap<>();
        Map<String, List<Double>> bounds = new HashMap<>();
        for (ServiceStats s : stats) {
            ConnectionDurations d = s.durations();
            long[] mine = counts.computeIfAbsent(s.service(), k -> new long[d.bounds().size()]);
            if (mine.length != d.bounds().size()) {
                continue; // cannot happen with the core's fixed buckets
            }
            bounds.put(s.service(), d.bounds());
            long below = 0;
            for (int i = 0; i < mine.length; i++) {
                long cumulative = d.counts().get(i);
                mine[i] += cumulative - below;
                below = cumulative;
            }
            sums.merge(s.service(), d.sum(), Double::sum);
        }
        HistogramSnapshot.Builder histogram = HistogramSnapshot.builder()
                .name("superserver_connection_duration_seconds")
                .help("How long connections lasted, from accept to close, counted when they end.");
        counts.forEach((service, perBucket) -> histogram.dataPoint(
                HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .labels(Labels.of("service", service))
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(
                                bounds.get(service).stream().mapToDouble(Double::doubleValue).toArray(), perBucket))
                        .sum(sums.get(service))
                        .build()));
        return histogram.build();
    }
}
