package org.superserver.config.inetd.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code org.superserver.config.inetd}: which inetd.conf files to serve and how.
 * Without a configuration (or with an empty {@code file}) the files named by the framework
 * property {@code superserver.inetd} ({@code bin/superserver --inetd FILE}) are served. Method names
 * map to property names as Declarative Services maps them: {@code wrap__all()} is {@code wrap_all}.
 */
@ObjectClassDefinition(
        id = InetdConfigComponent.PID,
        name = "Superserver inetd.conf",
        description = "Serves the services of inetd.conf(5) files; re-reads them when they change on disk, "
                + "on SIGHUP and on inetd:reload, and applies only the difference.")
@interface InetdConfig {

    @AttributeDefinition(name = "file", required = false, cardinality = 100,
            description = "The inetd.conf files to serve; several allowed (also comma-separated). "
                    + "Default: empty, which means the framework property superserver.inetd "
                    + "(paths separated by commas or the path separator), or no file at all.")
    String[] file() default {};

    @AttributeDefinition(name = "services", required = false,
            description = "The services(5) table that service names are looked up in. Default: empty, which "
                    + "means the framework property superserver.services, else /etc/services.")
    String services() default "";

    @AttributeDefinition(name = "wrap_all", required = false,
            description = "true: every service is checked by the tcpd access policy (hosts.allow, hosts.deny), "
                    + "as Debian inetd -l does; false: only lines whose server program is tcpd, unless the framework "
                    + "property superserver.inetd.wrap_all (--wrap-all) is true. Default: false.")
    boolean wrap__all() default false;

    @AttributeDefinition(name = "poll_interval_ms", required = false, type = AttributeType.LONG, min = "0",
            description = "How often, in milliseconds, the files are checked for changes (modification time, "
                    + "size, identity, then content); 0 turns the check off (reload by SIGHUP or inetd:reload "
                    + "only); values below 100 count as 100. Default: 1000.")
    long poll__interval__ms() default 1000;
}
