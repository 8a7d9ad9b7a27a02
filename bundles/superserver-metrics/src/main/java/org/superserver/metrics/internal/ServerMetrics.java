package org.superserver.metrics.internal;

import java.util.List;
import java.util.function.ToLongFunction;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;
import org.superserver.api.status.ServiceStats;

/** The server's MBean: totals over every service, added up when an attribute is read. */
final class ServerMetrics implements ServerMetricsMXBean {

    private final ServerStatus status;

    ServerMetrics(ServerStatus status) {
        this.status = status;
    }

    private long total(ToLongFunction<ServiceStats> counter) {
        return status.stats().stream().mapToLong(counter).sum();
    }

    @Override
    public int getServices() {
        return status.listeners().size();
    }

    @Override
    public int getListening() {
        List<ListenerStatus> listeners = status.listeners();
        return (int) listeners.stream()
                .filter(l -> l.state() == ListenerState.LISTENING || l.state() == ListenerState.PAUSED).count();
    }

    @Override
    public long getAccepted() {
        return total(ServiceStats::accepted);
    }

    @Override
    public long getDenied() {
        return total(ServiceStats::denied);
    }

    @Override
    public long getRefused() {
        return total(ServiceStats::refused);
    }

    @Override
    public long getChildrenStarted() {
        return total(ServiceStats::childrenStarted);
    }

    @Override
    public long getChildrenFailed() {
        return total(ServiceStats::childrenFailed);
    }

    @Override
    public long getBytesReceived() {
        return total(ServiceStats::bytesIn);
    }

    @Override
    public long getBytesSent() {
        return total(ServiceStats::bytesOut);
    }

    @Override
    public int getActiveConnections() {
        return status.listeners().stream().mapToInt(ListenerStatus::activeConnections).sum();
    }

    @Override
    public long getConnectionDurationCount() {
        return total(s -> s.durations().count());
    }

    @Override
    public double getConnectionDurationSumSeconds() {
        return status.stats().stream().mapToDouble(s -> s.durations().sum()).sum();
    }
}
