package org.superserver.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code org.superserver.metrics}: where the Prometheus endpoint listens and
 * whether the JMX MBeans are registered. Without a configuration the defaults apply.
 */
@ObjectClassDefinition(
        id = MetricsComponent.PID,
        name = "Superserver metrics",
        description = "The core's counters in the Prometheus text format over HTTP on a loopback address, "
                + "and as JMX MBeans.")
@interface MetricsConfig {

    @AttributeDefinition(name = "address", required = false,
            description = "The loopback address the HTTP endpoint binds (127.0.0.0/8 or ::1, as an IP address, "
                    + "not a host name); any other address is refused. Default: 127.0.0.1.")
    String address() default "127.0.0.1";

    @AttributeDefinition(name = "port", required = false, type = AttributeType.INTEGER, min = "0", max = "65535",
            description = "The TCP port of the HTTP endpoint; 0 takes a free one (the service property "
                    + "superserver.metrics.port and the log line METRICS say which). Default: 9464.")
    int port() default 9464;

    @AttributeDefinition(name = "path", required = false,
            description = "The path that answers GET and HEAD with the metrics; any other path is 404. "
                    + "Default: /metrics.")
    String path() default "/metrics";

    @AttributeDefinition(name = "jmx", required = false,
            description = "true: register the MBeans org.superserver:type=Server and "
                    + "org.superserver:type=Service,name=<service> in the platform MBean server. Default: true.")
    boolean jmx() default true;
}
