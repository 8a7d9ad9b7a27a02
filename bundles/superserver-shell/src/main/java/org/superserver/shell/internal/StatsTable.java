package org.superserver.shell.internal;

import java.util.AbstractList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.superserver.api.status.ServiceStats;

/**
 * What {@code inetd:stats} returns: every service's counters, sorted by service name, as a list;
 * printed as a table, then one line per service that has denials or refusals, by policy and limit,
 * or ended servers, by exit status or signal.
 */
public final class StatsTable extends AbstractList<ServiceStats> {

    static final String NONE = "no services are defined";

    private static final String[] HEADER =
            {"SERVICE", "ACCEPTED", "DENIED", "REFUSED", "STARTED", "FAILED", "IN", "OUT", "ID"};

    private final List<ServiceStats> stats;

    StatsTable(List<ServiceStats> stats) {
        this.stats = stats.stream().sorted(Comparator.comparing(ServiceStats::service)
                .thenComparing(ServiceStats::serviceId)).toList();
    }

    @Override
    public ServiceStats get(int index) {
        return stats.get(index);
    }

    @Override
    public int size() {
        return stats.size();
    }

    @Override
    public String toString() {
        if (stats.isEmpty()) {
            return NONE;
        }
        TextTable table = new TextTable(HEADER);
        for (ServiceStats s : stats) {
            table.row(s.service(), Long.toString(s.accepted()), Long.toString(s.denied()), Long.toString(s.refused()),
                    Long.toString(s.childrenStarted()), Long.toString(s.childrenFailed()), Long.toString(s.bytesIn()),
                    Long.toString(s.bytesOut()), s.serviceId());
        }
        StringBuilder out = new StringBuilder(table.toString());
        for (ServiceStats s : stats) {
            if (!s.deniedBy().isEmpty()) {
                out.append('\n').append(s.service()).append(" denied by: ").append(counts(s.deniedBy()));
            }
            if (!s.refusedBy().isEmpty()) {
                out.append('\n').append(s.service()).append(" refused by: ").append(counts(s.refusedBy()));
            }
            if (!s.exits().isEmpty()) {
                out.append('\n').append(s.service()).append(" servers ended: ").append(counts(s.exits()));
            }
        }
        return out.toString();
    }

    /** One service's counters on one line. */
    static String line(ServiceStats s) {
        return s.service() + " accepted=" + s.accepted() + " denied=" + s.denied() + " refused=" + s.refused()
                + " started=" + s.childrenStarted() + " failed=" + s.childrenFailed() + " in=" + s.bytesIn()
                + " out=" + s.bytesOut();
    }

    static String counts(Map<String, Long> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
}
