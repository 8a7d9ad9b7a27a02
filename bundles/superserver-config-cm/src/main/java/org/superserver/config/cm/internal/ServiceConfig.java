package org.superserver.config.cm.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The properties of one {@code org.superserver.service} factory configuration, named after
 * xinetd.conf(5)'s attributes ({@code socket__type()} is {@code socket_type}, {@code wait$()} is
 * {@code wait}, as the annotation's name mapping has it). This type is the Metatype description; the values themselves are
 * read by {@link ServiceConfigMapper}, which also accepts them as strings (as a {@code .cfg} file
 * holds them) and reports every invalid one by name.
 */
@ObjectClassDefinition(
        id = ServiceConfigMapper.FACTORY_PID,
        name = "Superserver service",
        description = "One service the superserver offers, described with xinetd's attribute names. "
                + "Create one factory configuration per service (for example a .cfg file in deploy/). "
                + "Properties other than these are kept as attributes for access policies (e.g. only_from).")
@interface ServiceConfig {

    @AttributeDefinition(name = "service",
            description = "The service name, used in logs and by access policies. Required; no default.")
    String service();

    @AttributeDefinition(name = "id", required = false,
            description = "For INTERNAL services, the name of the built-in handler that serves it "
                    + "(echo, discard, chargen, daytime, time, or one a plugin registers). Default: the service name.")
    String id();

    @AttributeDefinition(name = "type", required = false,
            description = "INTERNAL for a service served in-process by a built-in handler; "
                    + "UNLISTED is accepted and has no further effect. Default: empty (a server program is started).")
    String type() default "";

    @AttributeDefinition(name = "socket_type",
            options = {@Option(label = "stream", value = "stream"), @Option(label = "dgram", value = "dgram")},
            description = "stream (TCP) or dgram (UDP). Default: stream, or the type the protocol implies.")
    String socket__type() default "stream";

    @AttributeDefinition(name = "protocol", required = false,
            options = {@Option(label = "tcp", value = "tcp"), @Option(label = "tcp4", value = "tcp4"),
                    @Option(label = "tcp6", value = "tcp6"), @Option(label = "udp", value = "udp"),
                    @Option(label = "udp4", value = "udp4"), @Option(label = "udp6", value = "udp6")},
            description = "tcp, tcp4, tcp6, udp, udp4 or udp6; tcp and udp listen on both address families. "
                    + "Default: tcp for stream, udp for dgram.")
    String protocol();

    @AttributeDefinition(name = "port", min = "0", max = "65535", type = AttributeType.INTEGER,
            description = "The port to listen on, 0-65535 (0: an ephemeral port). Required; no default.")
    int port();

    @AttributeDefinition(name = "bind", required = false,
            description = "The literal IPv4 or IPv6 address to listen on. Default: empty (every address).")
    String bind() default "";

    @AttributeDefinition(name = "wait",
            options = {@Option(label = "yes", value = "yes"), @Option(label = "no", value = "no")},
            description = "yes: one server handles the socket until it exits (inetd's wait); "
                    + "no: one server per connection (nowait). Default: no.")
    String wait$() default "no";

    @AttributeDefinition(name = "user", required = false,
            description = "The user a started server runs as. Default: empty (the superserver's own user).")
    String user() default "";

    @AttributeDefinition(name = "group", required = false,
            description = "The group a started server runs as. Default: empty (the user's primary group).")
    String group() default "";

    @AttributeDefinition(name = "server", required = false,
            description = "The absolute path of the program started per connection; "
                    + "required unless type is INTERNAL, where it must be absent. Default: empty.")
    String server() default "";

    @AttributeDefinition(name = "server_args", required = false,
            description = "The program's arguments, separated by blanks; argv[0] is the basename of server. "
                    + "Default: empty.")
    String server__args() default "";

    @AttributeDefinition(name = "passenv", required = false,
            description = "Names of the superserver's own environment variables that a started program "
                    + "(the server, or a command an access policy runs) inherits, separated by blanks or "
                    + "given as a list, as xinetd's passenv. Every child gets TZ, LANG and LC_* anyway; "
                    + "nothing else passes unless named here. Default: empty.")
    String[] passenv() default {};

    @AttributeDefinition(name = "instances", required = false,
            description = "Simultaneous connections or servers allowed: a number or UNLIMITED. Default: UNLIMITED.")
    String instances() default "UNLIMITED";

    @AttributeDefinition(name = "policies", required = false,
            description = "The access policies that decide who may use the service, asked in this order, "
                    + "separated by blanks or given as a list: tcpd (hosts.allow and hosts.deny, from "
                    + "superserver-access-tcpd) or one a plugin registers. A policy that is not installed "
                    + "refuses every client. Default: empty (everyone may connect).")
    String[] policies() default {};

    @AttributeDefinition(name = "disable",
            options = {@Option(label = "yes", value = "yes"), @Option(label = "no", value = "no")},
            description = "yes keeps the configuration but offers no service. Default: no.")
    String disable() default "no";
}
