package org.superserver.metrics.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.superserver.api.status.ConnectionDurations;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;
import org.superserver.api.status.ServiceStats;

/** One service definition's MBean: each attribute is looked up in the status when it is read. */
final class ServiceMetrics implements ServiceMetricsMXBean {

    private final ServerStatus status;
    private final String serviceId;
    private final String service;
    private final String protocol;

    ServiceMetrics(ServerStatus status, ListenerStatus listener) {
        this.status = status;
        this.serviceId = listener.definition().id();
        this.service = listener.definition().name();
        this.protocol = listener.definition().protocol().configName();
    }

    private ServiceStats stats() {
        return status.stats().stream().filter(s -> s.serviceId().equals(serviceId)).findFirst()
                .orElseGet(() -> new ServiceStats(serviceId, service, 0, 0, Map.of(), 0, Map.of(), 0, 0, 0, 0));
    }

    private Optional<ListenerStatus> listener() {
        return status.listener(serviceId);
    }

    @Override
    public String getServiceId() {
        return serviceId;
    }

    @Override
    public String getService() {
        return service;
    }

    @Override
    public String getProtocol() {
        return protocol;
    }

    @Override
    public String getState() {
        return listener().map(l -> l.state().name()).orElse("GONE");
    }

    @Override
    public long getAccepted() {
        return stats().accepted();
    }

    @Override
    public long getDenied() {
        return stats().denied();
    }

    @Override
    public Map<String, Long> getDeniedBy() {
        return stats().deniedBy();
    }

    @Override
    public long getRefused() {
        return stats().refused();
    }

    @Override
    public Map<String, Long> getRefusedBy() {
        return stats().refusedBy();
    }

    @Override
    public long getChildrenStarted() {
        return stats().childrenStarted();
    }

    @Override
    public long getChildrenFailed() {
        return stats().childrenFailed();
    }

    @Override
    public Map<String, Long> getChildrenExits() {
        return stats().exits();
    }

    @Override
    public long getBytesReceived() {
        return stats().bytesIn();
    }

    @Override
    public long getBytesSent() {
        return stats().bytesOut();
    }

    @Override
    public int getActiveConnections() {
        return listener().map(ListenerStatus::activeConnections).orElse(0);
    }

    @Override
    public long getConnectionDurationCount() {
        return stats().durations().count();
    }

    @Override
    public double getConnectionDurationSumSeconds() {
        return stats().durations().sum();
    }

    @Override
    public Map<String, Long> getConnectionDurationBuckets() {
        ConnectionDurations d = stats().durations();
        Map<String, Long> buckets = new LinkedHashMap<>();
        for (int i = 0; i < d.bounds().size(); i++) {
            double bound = d.bounds().get(i);
            buckets.put(Double.isInfinite(bound) ? "+Inf" : Double.toString(bound), d.counts().get(i));
        }
        return buckets;
    }
}
