package org.superserver.metrics.internal;

/** Totals over every service, as JMX attributes: {@code org.superserver:type=Server}. */
public interface ServerMetricsMXBean {

    int getServices();

    /** Services whose listener is bound and serving (listening or paused). */
    int getListening();

    long getAccepted();

    long getDenied();

    long getRefused();

    long getChildrenStarted();

    long getChildrenFailed();

    long getBytesReceived();

    long getBytesSent();

    int getActiveConnections();

    long getConnectionDurationCount();

    double getConnectionDurationSumSeconds();
}
