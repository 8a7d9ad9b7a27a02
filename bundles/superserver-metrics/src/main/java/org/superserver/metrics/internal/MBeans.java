package org.superserver.metrics.internal;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;

/**
 * Keeps one MBean per service definition in the platform MBean server, as the core's listeners
 * come and go (looked at every {@value #SYNC_SECONDS} s), and the server's MBean with the totals.
 */
final class MBeans implements AutoCloseable {

    static final long SYNC_SECONDS = 1;
    static final String DOMAIN = "org.superserver";

    private static final Logger LOG = LoggerFactory.getLogger(MBeans.class);

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ServerStatus status;
    private final Map<String, ObjectName> registered = new HashMap<>();
    private final ScheduledExecutorService sync = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "superserver-metrics-jmx");
        thread.setDaemon(true);
        return thread;
    });
    private ObjectName serverName;

    MBeans(ServerStatus status) {
        this.status = status;
        try {
            serverName = new ObjectName(DOMAIN + ":type=Server");
            server.registerMBean(new ServerMetrics(status), serverName);
        } catch (JMException e) {
            serverName = null;
            LOG.error("METRICS jmx name={}:type=Server error={}", DOMAIN, e.toString());
        }
        sync.execute(this::sync);
        sync.scheduleWithFixedDelay(this::sync, SYNC_SECONDS, SYNC_SECONDS, TimeUnit.SECONDS);
    }

    /** {@code org.superserver:type=Service,name=<service>}, with {@code id=<id>} when the id is not the name. */
    static ObjectName name(String serviceId, String service) throws JMException {
        String name = DOMAIN + ":type=Service,name=" + value(service);
        return new ObjectName(serviceId.equals(service) ? name : name + ",id=" + value(serviceId));
    }

    /** The value as is, or quoted when it holds a character that an ObjectName value may not. */
    private static String value(String value) {
        for (char c : value.toCharArray()) {
            if (",=:\"*?\\\n".indexOf(c) >= 0) {
                return ObjectName.quote(value);
            }
        }
        return value.isEmpty() ? ObjectName.quote(value) : value;
    }

    private void sync() {
        try {
            Set<String> now = new HashSet<>();
            for (ListenerStatus listener : status.listeners()) {
                String id = listener.definition().id();
                now.add(id);
                ObjectName name = name(id, listener.definition().name());
                ObjectName before = registered.get(id);
                if (!name.equals(before)) { // new, or renamed by a reload
                    if (before != null) {
                        unregister(before);
                    }
                    registered.remove(id);
                    server.registerMBean(new ServiceMetrics(status, listener), name);
                    registered.put(id, name);
                }
            }
            for (String id : Set.copyOf(registered.keySet())) {
                if (!now.contains(id)) {
                    unregister(registered.remove(id));
                }
            }
        } catch (JMException | RuntimeException e) {
            LOG.warn("METRICS jmx error={}", e.toString());
        }
    }

    private void unregister(ObjectName name) {
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.warn("METRICS jmx name={} error={}", name, e.toString());
        }
    }

    @Override
    public void close() {
        sync.shutdownNow();
        try {
            sync.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registered.values().forEach(this::unregister);
        registered.clear();
        if (serverName != null) {
            unregister(serverName);
        }
    }
}
