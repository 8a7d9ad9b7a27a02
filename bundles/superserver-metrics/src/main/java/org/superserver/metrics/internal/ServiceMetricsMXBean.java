package org.superserver.metrics.internal;

import java.util.Map;

/**
 * The counters of one service definition as JMX attributes, read from the core's status at each
 * access: {@code org.superserver:type=Service,name=<service>} (plus {@code id=<id>} when the
 * definition's id is not its name, as for echo over TCP and over UDP).
 */
public interface ServiceMetricsMXBean {

    String getServiceId();

    String getService();

    String getProtocol();

    /** The listener's state: LISTENING, PAUSED, RETRYING, ... or GONE once the service is removed. */
    String getState();

    long getAccepted();

    long getDenied();

    Map<String, Long> getDeniedBy();

    long getRefused();

    Map<String, Long> getRefusedBy();

    long getChildrenStarted();

    long getChildrenFailed();

    /** Ended servers by exit status ("0", "1") or signal ("SIGKILL"). */
    Map<String, Long> getChildrenExits();

    long getBytesReceived();

    long getBytesSent();

    int getActiveConnections();

    long getConnectionDurationCount();

    double getConnectionDurationSumSeconds();

    /** Ended connections that lasted at most each bound (seconds, "+Inf" last), cumulative. */
    Map<String, Long> getConnectionDurationBuckets();
}
