package org.superserver.config.xinetd.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import org.superserver.api.AddressLiterals;
import org.superserver.api.Diagnostic;
import org.superserver.api.LogField;
import org.superserver.api.Protocol;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.config.ServicesTable;

/**
 * Turns the service blocks of one xinetd configuration into definitions, as xinetd's confparse.c
 * does once every file is read: drops disabled services ({@code disable = yes}, the defaults'
 * {@code enabled} and {@code disabled} lists), fills what a service does not set from the defaults
 * and xinetd's own defaults ({@code cps = 50 10}, {@code groups = no}, no instance limit), derives
 * the protocol from the socket type or back, the port from the services table, argv[0] from the
 * server's name (or, with NAMEINARGS, from server_args), and checks the man page's rules (required
 * attributes, unique ids, redirect and NAMEINARGS combinations). A service that
 * breaks a rule is reported with file, line and attribute, and left out.
 */
final class ServiceMapper {

    /** Prefix of the definition ids: {@code xinetd:FILE:ID}. */
    static final String ID_PREFIX = "xinetd:";
    /** The access policy every xinetd service is checked by (only_from, no_access, access_times, ...). */
    static final String XINETD_POLICY = "xinetd";
    /** The tcpd policy, asked where it is installed, unless the service has NOLIBWRAP. */
    static final String TCPD_POLICY = "tcpd";
    /** The built-in handlers that xinetd's INTERNAL services map to. */
    static final Set<String> BUILTINS = Set.of("echo", "discard", "chargen", "daytime", "time");
    /** The handler a SENSOR service dispatches to: the xinetd policy denies (and records) every client first. */
    static final String SENSOR_HANDLER = "discard";
    /** xinetd's cps default (DEFAULT_LOOP_RATE, DEFAULT_LOOP_TIME in xconfig.h). */
    static final int DEFAULT_CPS = 50;
    static final int DEFAULT_CPS_PAUSE = 10;

    /**
     * A service block that is turned off: where, and by what ({@code disable = yes} at its line,
     * or the defaults' {@code enabled} or {@code disabled} list).
     */
    record Off(String name, String xid, String file, int line, String why) {
    }

    private final ServicesTable table;
    private final AddressResolver resolver;
    private final Consumer<Diagnostic> problems;
    private final List<Off> off = new ArrayList<>();

    ServiceMapper(ServicesTable table, AddressResolver resolver, Consumer<Diagnostic> problems) {
        this.table = table;
        this.resolver = resolver;
        this.problems = problems;
    }

    /**
     * Whether a served service of the files is a SENSOR: then the xinetd policy guards every
     * service, since a client that touched a sensor is denied by all of them for its deny_time.
     */
    private boolean sensorsPresent;

    /** The definitions of the served services, in file order. */
    List<ServiceDefinition> map(List<Block> services, Block defaults) {
        List<String> enabled = defaults.sets.get("enabled");
        List<String> disabled = defaults.sets.getOrDefault("disabled", List.of());
        List<ServiceDefinition> out = new ArrayList<>();
        Map<String, Block> byId = new HashMap<>();
        Map<String, Block> byEndpoint = new HashMap<>();
        sensorsPresent = false;
        for (Block s : services) {
            if (!s.failed && served(s, enabled, disabled) && values(s, "flags").contains("SENSOR")) {
                sensorsPresent = true;
            }
        }
        off.clear();
        for (Block s : services) {
            if (!s.failed && !served(s, enabled, disabled)) {
                off.add(off(s, disabled));
            }
            if (s.failed || !served(s, enabled, disabled)) {
                continue;
            }
            String xid = xid(s);
            ServiceDefinition d;
            try {
                d = map(s, defaults, xid);
            } catch (Invalid e) {
                problems.accept(Diagnostic.error(s.file, e.line > 0 ? e.line : s.line, e.field, e.getMessage()
                        + "; service " + s.name + " (id " + xid + ") is not served"));
                continue;
            }
            Block earlier = byId.get(d.id());
            if (earlier != null) {
                problems.accept(Diagnostic.error(s.file, s.lineOf("id"), "id", "id " + xid + " is taken by the service "
                        + "at " + earlier.file + ":" + earlier.line + "; this service " + s.name + " is not served "
                        + "(give each service of a name its own id, e.g. " + s.name + "-stream and " + s.name + "-dgram)"));
                continue;
            }
            String endpoint = d.protocol().configName() + " " + (d.bindAddress() == null ? "*" : d.bindAddress())
                    + " " + d.port();
            Block same = d.port() == 0 ? null : byEndpoint.get(endpoint);
            if (same != null) {
                problems.accept(Diagnostic.error(s.file, s.line, "port", "service " + s.name + " (id " + xid + ") "
                        + "listens on the same " + d.protocol().socketType().configName() + " port " + d.port()
                        + " and address as the service at " + same.file + ":" + same.line
                        + "; it is not served (disable one of them)"));
                continue;
            }
            byId.put(d.id(), s);
            byEndpoint.put(endpoint, s);
            out.add(d);
        }
        return out;
    }

    /** The services the last {@link #map} left out because they are turned off. */
    List<Off> off() {
        return List.copyOf(off);
    }

    private static Off off(Block s, List<String> disabled) {
        String xid = xid(s);
        if ("yes".equals(s.first("disable"))) {
            return new Off(s.name, xid, s.file, s.lineOf("disable"), "disable = yes");
        }
        return new Off(s.name, xid, s.file, s.line, disabled.contains(xid)
                ? "the defaults section's disabled list names " + xid
                : "the defaults section's enabled list does not name " + xid);
    }

    private static String xid(Block s) {
        return s.first("id") != null ? s.first("id") : s.name;
    }

    /** Whether a service block is served: not {@code disable = yes}, and let through by the defaults' enabled and disabled lists. */
    private static boolean served(Block s, List<String> enabled, List<String> disabled) {
        String xid = xid(s);
        return !"yes".equals(s.first("disable")) && (enabled == null || enabled.contains(xid))
                && !disabled.contains(xid);
    }

    private ServiceDefinition map(Block s, Block defaults, String xid) throws Invalid {
        List<String> types = values(s, "type");
        List<String> flags = values(s, "flags");
        Set<String> flagSet = new LinkedHashSet<>(flags);
        for (String type : types) {
            if (type.equals("RPC")) {
                throw new Invalid("type", s.lineOf("type"), "RPC services are not supported (portmapper "
                        + "registration is not provided)");
            }
            if (type.startsWith("TCPMUX") || type.equals("SPECIAL")) {
                throw new Invalid("type", s.lineOf("type"), type + " services are not supported");
            }
        }
        for (String flag : List.of("INTERCEPT", "NORETRY", "IDONLY", "LABELED")) {
            if (flagSet.contains(flag)) {
                notice(s, "flags", "flag " + flag + " is not supported; it is ignored");
            }
        }
        boolean sensor = flagSet.contains("SENSOR");
        boolean internal = types.contains("INTERNAL") || sensor;
        boolean unlisted = types.contains("UNLISTED");
        boolean nameInArgs = flagSet.contains("NAMEINARGS");
        boolean redirect = s.has("redirect");

        // socket type and protocol: either gives the other (confparse.c service_fill)
        String st = s.first("socket_type");
        String pr = s.first("protocol");
        if (st == null && pr == null) {
            throw new Invalid("socket_type", "required attribute socket_type is missing (socket_type = stream or dgram)");
        }
        boolean unix = "unix".equals(pr);
        SocketType socketType = st != null ? SocketType.parse(st) : pr.equals("tcp") || unix ? SocketType.STREAM
                : SocketType.DGRAM;
        String protocolName = pr != null ? pr : socketType == SocketType.STREAM ? "tcp" : "udp";
        if (!unix) {
            for (String key : List.of("path", "socket_mode", "socket_owner", "socket_group")) {
                if (s.has(key)) {
                    throw new Invalid(key, s.lineOf(key), key + " applies to a Unix-domain socket and needs"
                            + " protocol = unix (this server's extension)");
                }
            }
        }
        if (!unix && (socketType == SocketType.STREAM) != protocolName.equals("tcp")) {
            throw new Invalid("protocol", s.lineOf("protocol"), "protocol " + protocolName + " does not fit socket_type "
                    + socketType.configName() + " (stream goes with tcp, dgram with udp)");
        }
        if (!s.has("wait")) {
            throw new Invalid("wait", "required attribute wait is missing (wait = yes or no)");
        }
        boolean wait = "yes".equals(s.first("wait"));
        if (!internal && !s.has("user")) {
            throw new Invalid("user", "required attribute user is missing (every service that starts a program "
                    + "names its user)");
        }
        if (!internal && !redirect && !s.has("server")) {
            throw new Invalid("server", "required attribute server is missing (the program to start; INTERNAL "
                    + "services and redirect need none)");
        }

        // port: as written, else from the services table; a listed service's port must match it
        Integer port = s.has("port") ? Values.port("port", s.first("port")) : null;
        if (unix) {
            if (port != null) {
                throw new Invalid("port", s.lineOf("port"), "a unix service has a path, no port; leave port out");
            }
            if (!s.has("path")) {
                throw new Invalid("path", "protocol = unix needs path, the absolute path of the socket file");
            }
            port = 0;
        } else if (unlisted) {
            if (port == null) {
                throw new Invalid("port", "an UNLISTED service needs a port attribute");
            }
        } else {
            OptionalInt listed = table.port(s.name, protocolName);
            if (listed.isEmpty()) {
                throw new Invalid("service", s.name + "/" + protocolName + " is not in the services table; add it "
                        + "there, or write type = UNLISTED with a port");
            }
            if (port != null && port != listed.getAsInt()) {
                throw new Invalid("port", s.lineOf("port"), "service " + s.name + " expects port "
                        + listed.getAsInt() + " (services table), not " + port);
            }
            port = listed.getAsInt();
        }

        ServiceDefinition.Builder b = ServiceDefinition.builder()
                .id(ID_PREFIX + s.file + ":" + xid)
                .name(s.name)
                .socketType(socketType)
                .port(port)
                .wait(wait)
                .user(s.first("user"))
                .group(s.first("group"))
                .origin(s.file + ":" + s.line);

        // address family and bind address
        boolean v6only = "yes".equals(own(s, defaults, "v6only"));
        String bind = bind(s, defaults, flagSet);
        boolean ipv4 = flagSet.contains("IPv4");
        boolean ipv6 = flagSet.contains("IPv6");
        Protocol protocol;
        boolean tcp = socketType == SocketType.STREAM;
        if (unix) {
            if (bind != null && s.has("bind")) {
                throw new Invalid("bind", s.lineOf("bind"), "a unix service has a path, no address; leave bind out");
            }
            bind = null; // a bind of the defaults section is for the IP services
            protocol = Protocol.unix(socketType);
            String mode = s.first("socket_mode");
            b.socketPath(s.first("path")).socketOwner(s.first("socket_owner")).socketGroup(s.first("socket_group"))
                    .socketMode(mode == null ? ServiceDefinition.DEFAULT_SOCKET_MODE : Integer.parseInt(mode, 8));
        } else if (bind != null) {
            boolean v4 = AddressLiterals.parse(bind).map(a -> a instanceof Inet4Address).orElse(false);
            if (v4 && ipv6 && !ipv4 || !v4 && ipv4 && !ipv6) {
                throw new Invalid("bind", lineOf(s, defaults, "bind"), "bind address " + bind
                        + fromDefaults(s, defaults, "bind") + " does not fit the flag " + (v4 ? "IPv6" : "IPv4"));
            }
            protocol = v4 ? (tcp ? Protocol.TCP4 : Protocol.UDP4) : (tcp ? Protocol.TCP6 : Protocol.UDP6);
        } else if (ipv4 && !ipv6) {
            protocol = tcp ? Protocol.TCP4 : Protocol.UDP4;
        } else if (v6only) {
            protocol = tcp ? Protocol.TCP6 : Protocol.UDP6;
        } else {
            protocol = tcp ? Protocol.TCP : Protocol.UDP;
        }
        b.protocol(protocol).bindAddress(bind).v6Only(v6only);

        // dispatch: built-in, redirect or program
        if (nameInArgs && internal) {
            throw new Invalid("flags", s.lineOf("flags"), "NAMEINARGS does not fit an INTERNAL service");
        }
        if (internal) {
            String handler = sensor ? SENSOR_HANDLER : s.name;
            if (!BUILTINS.contains(handler)) {
                throw new Invalid("type", s.lineOf("type"), "INTERNAL service " + s.name + " names no built-in; "
                        + "the built-ins are echo, discard, chargen, daytime and time (xinetd's servers, services, "
                        + "xadmin and tcpmux are not provided)");
            }
            if (s.has("server") || s.has("server_args")) {
                notice(s, "server", "an INTERNAL service starts no program; server and server_args are ignored");
            }
            if (redirect) {
                notice(s, "redirect", "an INTERNAL service is served in-process; redirect is ignored");
            }
            b.handler(handler).wait(false);
        } else if (redirect) {
            if (socketType != SocketType.STREAM) {
                throw new Invalid("redirect", s.lineOf("redirect"), "only stream (tcp) services can be redirected");
            }
            if (wait) {
                throw new Invalid("redirect", s.lineOf("redirect"), "a redirected service must have wait = no");
            }
            if (nameInArgs) {
                throw new Invalid("flags", s.lineOf("flags"), "a redirected service must not have the NAMEINARGS flag");
            }
            if (s.has("server")) {
                notice(s, "server", "redirect takes priority: server " + s.first("server") + " is not started");
            }
            List<String> r = s.fixed.get("redirect").values;
            Long redirectPort = Values.decimal(r.get(1));
            if (redirectPort == null) {
                OptionalInt named = table.port(r.get(1), "tcp");
                if (named.isEmpty()) {
                    throw new Invalid("redirect", s.lineOf("redirect"), "'" + r.get(1) + "' is neither a port "
                            + "number nor a tcp service of the services table");
                }
                redirectPort = (long) named.getAsInt();
            }
            b.redirect(r.get(0), redirectPort.intValue());
        } else {
            String server = s.first("server");
            List<String> args = values(s, "server_args");
            List<String> argv = new ArrayList<>();
            if (nameInArgs) {
                if (!s.has("server_args")) {
                    throw new Invalid("server_args", s.lineOf("flags"), "NAMEINARGS needs server_args (its first "
                            + "word is argv[0])");
                }
            } else {
                argv.add(server.substring(server.lastIndexOf('/') + 1));
            }
            argv.addAll(args);
            if (argv.get(0).isEmpty()) {
                throw new Invalid("server", s.lineOf("server"), "'" + server + "' names a directory; expected a program");
            }
            b.server(server).argv(argv);
        }

        // logging
        Set<LogField> success = s.sets.containsKey("log_on_success")
                ? Values.logFields("log_on_success", s.sets.get("log_on_success"))
                : Set.of();
        if (success.contains(LogField.TRAFFIC) && !redirect) {
            throw new Invalid("log_on_success", s.lineOf("log_on_success"), "TRAFFIC is logged for redirected "
                    + "services only, as xinetd requires");
        }
        b.logOnSuccess(success);
        if (s.sets.containsKey("log_on_failure")) {
            b.logOnFailure(Values.logFields("log_on_failure", s.sets.get("log_on_failure")));
        }
        Block.Written logType = s.has("log_type") ? s.fixed.get("log_type") : defaults.fixed.get("log_type");
        if (logType != null) {
            b.logTarget(Values.logTarget("log_type", logType.values));
        }

        // limits
        String instances = own(s, defaults, "instances");
        b.instances(instances == null ? 0 : Values.countOrUnlimited("instances", instances));
        String perSource = own(s, defaults, "per_source");
        b.perSource(perSource == null ? 0 : Values.countOrUnlimited("per_source", perSource));
        Block.Written cps = s.has("cps") ? s.fixed.get("cps") : defaults.fixed.get("cps");
        if (cps == null) {
            b.cps(DEFAULT_CPS, DEFAULT_CPS_PAUSE);
        } else {
            long rate = Values.decimal(cps.values.get(0));
            long pause = Values.decimal(cps.values.get(1));
            if (rate > Integer.MAX_VALUE || pause > Integer.MAX_VALUE || (rate > 0 && pause == 0)) {
                throw new Invalid("cps", lineOf(s, defaults, "cps"), "cps " + rate + " " + pause
                        + fromDefaults(s, defaults, "cps") + " is out of range; expected "
                        + "connections per second and a pause of at least 1 second");
            }
            b.cps((int) rate, (int) pause);
        }
        String maxLoad = own(s, defaults, "max_load");
        if (maxLoad != null) {
            b.maxLoad(Values.maxLoad("max_load", maxLoad));
        }

        // the started server's process
        String umask = own(s, defaults, "umask");
        if (umask != null) {
            b.umask(Values.umask("umask", umask));
        }
        String groups = own(s, defaults, "groups");
        b.supplementaryGroups(groups != null && Values.yesNo("groups", groups));
        String noNewPrivs = own(s, defaults, "no_new_privs");
        b.noNewPrivs(noNewPrivs != null && Values.yesNo("no_new_privs", noNewPrivs));
        Block.Written capabilities = s.has("capabilities") ? s.fixed.get("capabilities")
                : defaults.fixed.get("capabilities");
        if (capabilities != null) {
            b.capabilities(Values.capabilities("capabilities", capabilities.values));
        }
        String privateTmp = own(s, defaults, "private_tmp");
        b.privateTmp(privateTmp != null && Values.yesNo("private_tmp", privateTmp));

        // TLS termination: the files are read by the core, which reports them by service and attribute
        String tls = own(s, defaults, "tls");
        b.tls(tls != null && Values.yesNo("tls", tls));
        b.tlsCertificate(own(s, defaults, "tls_certificate"));
        b.tlsKey(own(s, defaults, "tls_key"));
        b.tlsClientCa(own(s, defaults, "tls_client_ca"));
        if (s.has("nice")) {
            int nice = Values.integer("nice", s.first("nice"));
            int clamped = Math.max(-20, Math.min(19, nice));
            if (clamped != nice) {
                notice(s, "nice", "nice " + nice + " is outside -20..19; " + clamped + " applies, as nice(2) clamps it");
            }
            b.nice(clamped);
        }
        for (ResourceLimit limit : ResourceLimit.values()) {
            String value = s.first(limit.attributeName());
            if (value != null) {
                b.resourceLimit(limit, Values.resourceLimit(limit.attributeName(), value));
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : s.sets.getOrDefault("env", List.of())) {
            int eq = pair.indexOf('=');
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        b.env(env);
        b.passenv(s.sets.getOrDefault("passenv", List.of()));
        b.bannerFail(s.banner("banner_fail"));
        if (tcp) {
            b.keepAlive(flagSet.contains("KEEPALIVE")).noDelay(flagSet.contains("NODELAY"));
        }

        // what the access policies read
        for (String set : List.of("only_from", "no_access")) {
            if (s.sets.containsKey(set)) {
                b.attribute(set, s.sets.get(set));
            }
        }
        if (s.has("access_times")) {
            b.attribute("access_times", s.fixed.get("access_times").values);
        }
        for (String banner : List.of("banner", "banner_success")) {
            String file = s.banner(banner);
            if (file != null) {
                b.attribute(banner, List.of(file));
            }
        }
        if (!flags.isEmpty()) {
            List<String> upper = new ArrayList<>();
            for (String flag : flagSet) {
                upper.add(Values.upper(flag));
            }
            b.attribute("flags", upper);
        }
        if (s.has("deny_time")) {
            if (!sensor) {
                notice(s, "deny_time", "deny_time applies to SENSOR services only; here it has no effect");
            }
            b.attribute("deny_time", List.of(s.first("deny_time")));
        }
        if (s.has("libwrap")) {
            if (flagSet.contains("NOLIBWRAP")) {
                notice(s, "libwrap", "the service has NOLIBWRAP, so libwrap has no effect");
            }
            b.attribute("libwrap", List.of(s.first("libwrap")));
        }
        for (String ignored : List.of("rpc_version", "rpc_number")) {
            if (s.has(ignored)) {
                notice(s, ignored, ignored + " applies to RPC services only; ignored");
            }
        }
        if (s.has("mdns")) {
            notice(s, "mdns", "mDNS registration is not provided; mdns is ignored");
        }
        if (sensorsPresent || s.sets.containsKey("only_from") || s.sets.containsKey("no_access")
                || s.has("access_times") || s.banner("banner") != null || s.banner("banner_success") != null) {
            b.policy(XINETD_POLICY);
        }
        if (!flagSet.contains("NOLIBWRAP")) {
            b.optionalPolicy(TCPD_POLICY);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new Invalid("service", e.getMessage());
        }
    }

    /** The service's bind address as a literal: its own, else the defaults'; a host name is resolved. */
    private String bind(Block s, Block defaults, Set<String> flags) throws Invalid {
        String host = own(s, defaults, "bind");
        if (host == null) {
            return null;
        }
        int line = lineOf(s, defaults, "bind");
        Optional<InetAddress> literal = AddressLiterals.parse(host);
        if (literal.isPresent()) {
            String text = literal.get().getHostAddress();
            int zone = text.indexOf('%');
            return host.indexOf('%') >= 0 || zone < 0 ? (host.startsWith("[") ? host.substring(1, host.length() - 1)
                    : host) : text.substring(0, zone);
        }
        List<String> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Invalid("bind", line, "host " + host + fromDefaults(s, defaults, "bind") + " has no address ("
                    + e.getMessage() + ")");
        }
        boolean wantV6 = flags.contains("IPv6") && !flags.contains("IPv4");
        for (String address : addresses) {
            if (address.contains(":") == wantV6) {
                return address;
            }
        }
        if (addresses.isEmpty()) {
            throw new Invalid("bind", line, "host " + host + fromDefaults(s, defaults, "bind") + " has no address");
        }
        return addresses.get(0);
    }

    /** A single value: the service's own, else the defaults'. */
    private static String own(Block s, Block defaults, String key) {
        String value = s.first(key);
        return value != null ? value : defaults.first(key);
    }

    /** The service's line of an attribute; for one it takes from the defaults, the service's own line. */
    private static int lineOf(Block s, Block defaults, String key) {
        return s.has(key) ? s.lineOf(key) : s.line;
    }

    /** Where a value the service takes from the defaults was written, for messages; empty for its own. */
    private static String fromDefaults(Block s, Block defaults, String key) {
        if (s.has(key) || !defaults.has(key)) {
            return "";
        }
        Block.Written w = defaults.fixed.get(key);
        return " (from the defaults at " + w.file + ":" + w.line + ")";
    }

    private static List<String> values(Block s, String key) {
        Block.Written w = s.fixed.get(key);
        return w == null ? List.of() : w.values;
    }

    private void notice(Block s, String field, String message) {
        problems.accept(Diagnostic.warning(s.file, s.lineOf(field), field, "service " + s.name + ": " + message));
    }
}
