package org.superserver.config.xinetd.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code org.superserver.config.xinetd}: which xinetd.conf files to serve. Without
 * a configuration (or with an empty {@code file}) the files named by the framework property {@code
 * superserver.xinetd} ({@code bin/superserver --xinetd FILE}) are served. Method names map to
 * property names as Declarative Services maps them: {@code poll__interval__ms()} is {@code
 * poll_interval_ms}.
 */
@ObjectClassDefinition(
        id = XinetdConfigComponent.PID,
        name = "Superserver xinetd.conf",
        description = "Serves the services of xinetd.conf(5) files with what they include (include, includedir); "
                + "re-reads them when a file or an included directory changes, on SIGHUP and on inetd:reload, "
                + "and applies only the difference.")
@interface XinetdConfig {

    @AttributeDefinition(name = "file", required = false, cardinality = 100,
            description = "The xinetd.conf files to serve, each with its own defaults section; several allowed "
                    + "(also comma-separated). Default: empty, which means the framework property "
                    + "superserver.xinetd (paths separated by commas or the path separator), or no file at all.")
    String[] file() default {};

    @AttributeDefinition(name = "services", required = false,
            description = "The services(5) table that service names are looked up in. Default: empty, which "
                    + "means the framework property superserver.services, else /etc/services.")
    String services() default "";

    @AttributeDefinition(name = "poll_interval_ms", required = false, type = AttributeType.LONG, min = "0",
            description = "How often, in milliseconds, the files, the included directories and the services "
                    + "table are checked for changes (modification time, size, identity, then content); 0 turns "
                    + "the check off (reload by SIGHUP or inetd:reload only); values below 100 count as 100. "
                    + "Default: 1000.")
    long poll__interval__ms() default 1000;
}
