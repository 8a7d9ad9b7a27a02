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
            description = "Tells two definitions of one service apart, as in xinetd (e.g. echo-stream and "
                    + "echo-dgram); one word. It does not choose the handler: older files that named the handler "
                    + "with id (an id that names a handler where the service name does not) are still read that way, "
                    + "with a logged notice (and an id that names a handler other than the service's gets a notice "
                    + "too). Default: the service name.")
    String id();

    @AttributeDefinition(name = "type", required = false,
            description = "INTERNAL for a service served in-process by a built-in handler: the handler named like "
                    + "the service (echo, discard, chargen, daytime, time, or one a plugin registers) that serves "
                    + "its socket_type, as in xinetd; UNLISTED is accepted and has no further effect. "
                    + "Default: empty (a server program is started).")
    String type() default "";

    @AttributeDefinition(name = "handler", required = false,
            description = "For an INTERNAL service whose name is not its handler's (e.g. service = my-echo served by "
                    + "echo), the handler that serves it. Default: the service name.")
    String handler();

    @AttributeDefinition(name = "socket_type",
            options = {@Option(label = "stream", value = "stream"), @Option(label = "dgram", value = "dgram")},
            description = "stream (TCP) or dgram (UDP). Default: stream, or the type the protocol implies.")
    String socket__type() default "stream";

    @AttributeDefinition(name = "protocol", required = false,
            options = {@Option(label = "tcp", value = "tcp"), @Option(label = "tcp4", value = "tcp4"),
                    @Option(label = "tcp6", value = "tcp6"), @Option(label = "udp", value = "udp"),
                    @Option(label = "udp4", value = "udp4"), @Option(label = "udp6", value = "udp6"),
                    @Option(label = "unix", value = "unix")},
            description = "tcp, tcp4, tcp6, udp, udp4 or udp6; tcp and udp listen on both address families; "
                    + "unix: a Unix-domain socket of the socket_type at path (then no port nor bind). "
                    + "Default: tcp for stream, udp for dgram.")
    String protocol();

    @AttributeDefinition(name = "port", min = "0", max = "65535", type = AttributeType.INTEGER,
            description = "The port to listen on, 0-65535 (0: an ephemeral port). Required; no default "
                    + "(none with protocol = unix).")
    int port();

    @AttributeDefinition(name = "path", required = false,
            description = "With protocol = unix: the absolute path of the socket file, in an existing directory. "
                    + "Required with protocol = unix; not allowed otherwise. Default: empty.")
    String path() default "";

    @AttributeDefinition(name = "socket_mode", required = false,
            description = "With protocol = unix: the socket file's permission bits, in octal (connecting needs "
                    + "write permission). Default: 0660 (owner and group; never others unless set here).")
    String socket__mode() default "0660";

    @AttributeDefinition(name = "socket_owner", required = false,
            description = "With protocol = unix: the user owning the socket file (only root may give it away). "
                    + "Default: empty (the superserver's own user).")
    String socket__owner() default "";

    @AttributeDefinition(name = "socket_group", required = false,
            description = "With protocol = unix: the group owning the socket file. "
                    + "Default: empty (the superserver's own group).")
    String socket__group() default "";

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

    @AttributeDefinition(name = "per_source", required = false,
            description = "Connections allowed at once from one client address: a number or UNLIMITED. "
                    + "Default: UNLIMITED.")
    String per__source() default "UNLIMITED";

    @AttributeDefinition(name = "cps", required = false,
            description = "Two numbers, as xinetd writes them: the connections per second over which the service "
                    + "stops accepting, and the seconds it then pauses, e.g. 10 5 (or a list of the two). "
                    + "Default: empty (no limit).")
    String cps() default "";

    @AttributeDefinition(name = "max_load", required = false,
            description = "One-minute load average at or above which clients are refused, e.g. 2.5; 0 for none. "
                    + "Default: 0.")
    String max__load() default "0";

    @AttributeDefinition(name = "max_per_minute", required = false,
            description = "Invocations allowed per minute (inetd's nowait.N): a number or UNLIMITED. "
                    + "Default: UNLIMITED.")
    String max__per__minute() default "UNLIMITED";

    @AttributeDefinition(name = "redirect", required = false,
            description = "host port: relay each connection to this TCP address in-process instead of starting a "
                    + "server (stream services only; no server and no type INTERNAL). Default: empty.")
    String redirect() default "";

    @AttributeDefinition(name = "nice", required = false, description = "The started server's niceness, -20 to 19. "
            + "Default: empty (the superserver's own).")
    String nice() default "";

    @AttributeDefinition(name = "umask", required = false,
            description = "The started server's umask, in octal, e.g. 022. Default: empty (the superserver's).")
    String umask() default "";

    @AttributeDefinition(name = "groups",
            options = {@Option(label = "yes", value = "yes"), @Option(label = "no", value = "no")},
            description = "yes: the started server gets the supplementary groups of its user (as inetd); no: none "
                    + "(xinetd's default). Default: yes.")
    String groups() default "yes";

    @AttributeDefinition(name = "rlimit_as", required = false,
            description = "Address space limit of the started server in bytes (K and M suffixes) or UNLIMITED. "
                    + "Default: empty (inherited).")
    String rlimit__as() default "";

    @AttributeDefinition(name = "rlimit_cpu", required = false,
            description = "CPU time limit of the started server in seconds, or UNLIMITED. Default: empty (inherited).")
    String rlimit__cpu() default "";

    @AttributeDefinition(name = "rlimit_data", required = false,
            description = "Data segment limit in bytes (K and M suffixes) or UNLIMITED. Default: empty (inherited).")
    String rlimit__data() default "";

    @AttributeDefinition(name = "rlimit_rss", required = false,
            description = "Resident set limit in bytes (K and M suffixes) or UNLIMITED. Default: empty (inherited).")
    String rlimit__rss() default "";

    @AttributeDefinition(name = "rlimit_stack", required = false,
            description = "Stack limit in bytes (K and M suffixes) or UNLIMITED. Default: empty (inherited).")
    String rlimit__stack() default "";

    @AttributeDefinition(name = "rlimit_files", required = false,
            description = "Open files limit of the started server, or UNLIMITED. Default: empty (inherited).")
    String rlimit__files() default "";

    @AttributeDefinition(name = "no_new_privs",
            options = {@Option(label = "yes", value = "yes"), @Option(label = "no", value = "no")},
            description = "yes: the started server runs with PR_SET_NO_NEW_PRIVS (no program it execs gains "
                    + "privileges through setuid bits or file capabilities). Default: no.")
    String no__new__privs() default "no";

    @AttributeDefinition(name = "capabilities", required = false,
            description = "The started server's capability bounding set: none, or the capability names to keep, "
                    + "e.g. CAP_NET_BIND_SERVICE CAP_NET_RAW (checked against the kernel's list). Needs the "
                    + "superserver to run as root. Default: empty (the bounding set is left unchanged).")
    String capabilities() default "";

    @AttributeDefinition(name = "private_tmp",
            options = {@Option(label = "yes", value = "yes"), @Option(label = "no", value = "no")},
            description = "yes: the started server gets an empty /tmp of its own (a tmpfs in a mount namespace of "
                    + "its own); where the kernel does not allow it, the service is not served. Default: no.")
    String private__tmp() default "no";

    @AttributeDefinition(name = "tls",
            options = {@Option(label = "yes", value = "yes"), @Option(label = "no", value = "no")},
            description = "yes: the superserver terminates TLS (1.3 and 1.2) on each connection; a built-in handler "
                    + "reads plaintext, an exec'd server gets the plaintext end of a socket pair. Needs "
                    + "tls_certificate and tls_key. Default: no.")
    String tls() default "no";

    @AttributeDefinition(name = "tls_certificate", required = false,
            description = "Absolute path of the PEM certificate chain, leaf first; re-read when it changes. "
                    + "Default: empty.")
    String tls__certificate() default "";

    @AttributeDefinition(name = "tls_key", required = false,
            description = "Absolute path of the PEM private key of tls_certificate (PKCS#8, PKCS#1 RSA or SEC 1 EC, "
                    + "unencrypted); re-read when it changes. Default: empty.")
    String tls__key() default "";

    @AttributeDefinition(name = "tls_client_ca", required = false,
            description = "Absolute path of a PEM bundle of CA certificates: when set, every client must present a "
                    + "certificate that chains to one of them, or the handshake fails. Default: empty (no client "
                    + "certificates).")
    String tls__client__ca() default "";

    @AttributeDefinition(name = "banner_fail", required = false,
            description = "Absolute path of a file whose contents a client refused by a limit (instances, "
                    + "per_source, cps, max_load) or an access policy is sent. Default: empty.")
    String banner__fail() default "";

    @AttributeDefinition(name = "log_on_success", required = false,
            description = "What the line logged for a served client carries: some of PID HOST USERID EXIT DURATION "
                    + "TRAFFIC; present but empty logs nothing. Default: PID HOST EXIT DURATION.")
    String log__on__success() default "PID HOST EXIT DURATION";

    @AttributeDefinition(name = "log_on_failure", required = false,
            description = "What the line logged for a refused client carries: some of HOST USERID ATTEMPT. "
                    + "Default: HOST.")
    String log__on__failure() default "HOST";

    @AttributeDefinition(name = "log_type", required = false,
            description = "Where connection lines go besides the server's log: FILE /path [soft [hard]] (sizes in "
                    + "bytes, K and M suffixes) or SYSLOG facility [level]. Default: empty (the server's log only).")
    String log__type() default "";

    @AttributeDefinition(name = "flags", required = false,
            description = "xinetd flags, separated by blanks: KEEPALIVE and NODELAY set the socket options, "
                    + "NAMEINARGS makes server_args start with argv[0], SENSOR (with deny_time) makes the service a "
                    + "sensor of the xinetd policy, NOLIBWRAP and the others are kept for policies. Default: empty.")
    String[] flags() default {};

    @AttributeDefinition(name = "v6only",
            options = {@Option(label = "yes", value = "yes"), @Option(label = "no", value = "no")},
            description = "yes: an IPv6 listener takes no IPv4 clients (IPV6_V6ONLY). Default: no.")
    String v6only() default "no";

    @AttributeDefinition(name = "env", required = false,
            description = "NAME=value pairs, separated by blanks, added to a started server's environment "
                    + "(a value cannot contain a blank). Default: empty.")
    String[] env() default {};

    @AttributeDefinition(name = "optional_policies", required = false,
            description = "Access policies asked after policies when they are installed and skipped when not, "
                    + "e.g. tcpd (xinetd's libwrap check). Default: empty.")
    String[] optional__policies() default {};

    @AttributeDefinition(name = "only_from", required = false,
            description = "Addresses, networks and host names allowed to connect (xinetd's only_from); present but "
                    + "empty allows nobody. Any access attribute makes the service ask the xinetd policy. "
                    + "Default: absent (no restriction).")
    String[] only__from();

    @AttributeDefinition(name = "no_access", required = false,
            description = "Addresses, networks and host names refused (xinetd's no_access). Default: absent.")
    String[] no__access();

    @AttributeDefinition(name = "access_times", required = false,
            description = "Intervals hh:mm-hh:mm in which the service may be used. Default: absent (always).")
    String[] access__times();

    @AttributeDefinition(name = "banner", required = false,
            description = "Absolute path of a file sent to every client before the access decision's outcome. "
                    + "Default: absent.")
    String banner();

    @AttributeDefinition(name = "banner_success", required = false,
            description = "Absolute path of a file sent to an allowed client. Default: absent.")
    String banner__success();

    @AttributeDefinition(name = "deny_time", required = false,
            description = "With flags SENSOR: how long a client that touched the service is refused everywhere: "
                    + "minutes, FOREVER or NEVER. Default: absent.")
    String deny__time();

    @AttributeDefinition(name = "libwrap", required = false,
            description = "The daemon name that hosts.allow and hosts.deny are checked with instead of the service "
                    + "name. Default: absent.")
    String libwrap();
}
