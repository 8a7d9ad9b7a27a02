package org.superserver.config.xinetd.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.superserver.api.AddressFamily;
import org.superserver.api.Diagnostic;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * Definitions as xinetd.d files, one per service name (a name's several definitions, such as echo
 * over TCP and UDP, are blocks of one file, as Debian ships them): what xinetd's {@code itox} did
 * for an inetd.conf, for every field a definition has. File names have no dot and no trailing
 * {@code ~}, which {@code includedir} would skip.
 *
 * <p>As itox, a built-in gets {@code type = INTERNAL} and {@code id = NAME-SOCKETTYPE}; xinetd
 * finds a built-in by service name, so a built-in whose handler is named otherwise (inetd's
 * {@code 10007 ... internal echo}) becomes a service named after its handler, on its port.
 * argv[0] other than the server's basename is written with {@code NAMEINARGS}. Every service gets
 * its {@code port} and, unless the services table lists its name on that port, {@code UNLISTED}.
 * A service that does not ask tcpd gets {@code NOLIBWRAP}, since xinetd asks tcpd by default; an
 * IPv6-only one gets {@code IPv6} and {@code v6only = yes}; {@code cps} and {@code groups} are
 * always written, since xinetd's defaults ({@code 50 10}, {@code no}) differ from a definition's.
 *
 * <p>What xinetd cannot express (inetd's per-minute rate, an argument with a blank, a policy
 * other than tcpd and xinetd, an attribute xinetd has no name for) is left out, reported as a
 * warning naming the definition's origin and field, and noted as a comment above its block.
 * Texts are one char per byte, as the reader reads them: write them as ISO-8859-1.
 */
final class XinetdWriter {

    /** The port a services table gives a name over a protocol ({@code tcp}, {@code udp}), or {@code null}. */
    @FunctionalInterface
    interface ServicePorts {
        Integer port(String name, String protocol);
    }

    /** Attributes the xinetd access policy reads, written as xinetd attributes of the same name. */
    static final List<String> ACCESS_ATTRIBUTES = List.of("only_from", "no_access", "access_times", "banner",
            "banner_success", "deny_time", "libwrap");

    private static final Map<String, String> FLAG_SPELLING = Map.of("IPV4", "IPv4", "IPV6", "IPv6");
    private static final Pattern ORIGIN_LINE = Pattern.compile("(.*):(\\d{1,8})");
    private static final int WIDTH = 14;

    private final ServicePorts services;
    private final Consumer<Diagnostic> problems;

    XinetdWriter(ServicePorts services, Consumer<Diagnostic> problems) {
        this.services = services;
        this.problems = problems;
    }

    /** File name to contents, in the order of the definitions' first appearance. */
    Map<String, String> write(List<ServiceDefinition> definitions) {
        Map<String, List<ServiceDefinition>> byName = new LinkedHashMap<>();
        for (ServiceDefinition d : definitions) {
            byName.computeIfAbsent(xinetdName(d), k -> new ArrayList<>()).add(d);
        }
        Map<String, String> files = new LinkedHashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        Map<String, Integer> fileNames = new HashMap<>();
        byName.forEach((name, group) -> {
            StringBuilder text = new StringBuilder();
            for (ServiceDefinition d : group) {
                if (text.length() > 0) {
                    text.append('\n');
                }
                text.append(new Block(d, name, group.size() > 1, ids).text());
            }
            String file = fileName(name);
            int n = fileNames.merge(file, 1, Integer::sum);
            files.put(n == 1 ? file : file + "_" + n, text.toString());
        });
        return files;
    }

    /** The name xinetd serves a definition under: a built-in's handler, else the service name. */
    private static String xinetdName(ServiceDefinition d) {
        return d.isInternal() ? d.handler() : d.name();
    }

    /** A name includedir reads: no dot, no trailing ~, no slash, no blank. */
    static String fileName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_+-]", "_");
        return s.isEmpty() ? "_" : s;
    }

    /** One {@code service} block and the comments above it. */
    private final class Block {
        private final ServiceDefinition d;
        private final String name;
        private final boolean shared;
        private final Set<String> ids;
        private final StringBuilder body = new StringBuilder();
        private final List<String> notes = new ArrayList<>();

        Block(ServiceDefinition d, String name, boolean shared, Set<String> ids) {
            this.d = d;
            this.name = name;
            this.shared = shared;
            this.ids = ids;
        }

        String text() {
            if (!name.equals(d.name())) {
                lost("service", "xinetd finds a built-in by its service name, so service " + d.name()
                        + " is written as " + name + ", the name of its handler, on port " + d.port());
            }
            checkText("service", name);
            boolean unix = d.protocol().isUnix();
            String transport = unix ? "unix" : d.protocol().isTcp() ? "tcp" : "udp";
            Integer listed = unix ? null : services.port(name, transport);
            List<String> type = new ArrayList<>();
            if (d.isInternal()) {
                type.add("INTERNAL");
            }
            if (!unix && (listed == null || listed != d.port())) {
                type.add("UNLISTED");
            }
            if (!type.isEmpty()) {
                put("type", String.join(" ", type));
            }
            if (d.isInternal() || shared) {
                String id = name + "-" + d.socketType().configName();
                if (shared && !d.isInternal()) {
                    id = name + "-" + d.protocol().configName();
                }
                String unique = id;
                for (int n = 2; ids.contains(unique); n++) {
                    unique = id + "-" + n;
                }
                ids.add(unique);
                put("id", unique);
            }
            put("socket_type", d.socketType().configName());
            put("protocol", transport);
            if (unix) {
                put("path", d.socketPath());
                put("socket_mode", String.format("%04o", d.socketMode()));
                putIf("socket_owner", d.socketOwner());
                putIf("socket_group", d.socketGroup());
            } else {
                put("port", String.valueOf(d.port()));
            }
            if (d.bindAddress() != null) {
                put("bind", d.bindAddress());
            }
            // a dgram built-in is written with wait = yes, as Debian ships them; it answers in-process anyway
            put("wait", d.isWait() || d.isInternal() && d.socketType() == SocketType.DGRAM ? "yes" : "no");
            if (d.user() == null && !d.isInternal()) {
                lost("user", "xinetd requires a user for every service that is not INTERNAL; the definition "
                        + "names none (it runs as the superserver's own user); add user = NAME");
            }
            putIf("user", d.user());
            putIf("group", d.group());
            Set<String> flags = new LinkedHashSet<>();
            for (String f : d.attribute("flags")) {
                flags.add(FLAG_SPELLING.getOrDefault(f.toUpperCase(Locale.ROOT), f.toUpperCase(Locale.ROOT)));
            }
            if (d.protocol().family() == AddressFamily.INET) {
                flags.add("IPv4");
            } else if (d.protocol().family() == AddressFamily.INET6) {
                flags.add("IPv6");
            }
            boolean v6only = d.v6Only() || d.protocol().family() == AddressFamily.INET6;
            if (d.server() != null) {
                server(flags);
            }
            if (d.isRedirect()) {
                put("redirect", d.redirectHost() + " " + d.redirectPort());
            }
            if (d.keepAlive()) {
                flags.add("KEEPALIVE");
            }
            if (d.noDelay()) {
                flags.add("NODELAY");
            }
            policies(flags);
            if (!flags.isEmpty()) {
                put("flags", String.join(" ", flags));
            }
            if (v6only) {
                put("v6only", "yes");
            }
            limits();
            process();
            logging();
            attributes();

            StringBuilder out = new StringBuilder();
            out.append("# ").append(name).append(": converted from ")
                    .append(d.origin() == null ? "a definition without origin" : oneLine(d.origin())).append('\n');
            for (String note : notes) {
                out.append("# NOT CONVERTED: ").append(oneLine(note)).append('\n');
            }
            out.append("service ").append(name).append("\n{\n").append(body).append("}\n");
            return out.toString();
        }

        private void server(Set<String> flags) {
            put("server", checkText("server", d.server()));
            String base = d.server().substring(d.server().lastIndexOf('/') + 1);
            List<String> args = d.argv();
            if (!args.isEmpty() && args.get(0).equals(base) && !flags.contains("NAMEINARGS")) {
                args = args.subList(1, args.size());
            } else if (args.isEmpty() || !fits(args.get(0))) {
                lost("server_args", "argv[0] '" + (args.isEmpty() ? "" : oneLine(args.get(0))) + "' is empty or "
                        + "contains a blank, which server_args cannot hold; argv[0] is the program's basename instead");
                flags.remove("NAMEINARGS");
                args = args.isEmpty() ? args : args.subList(1, args.size());
            } else {
                flags.add("NAMEINARGS");
            }
            List<String> kept = new ArrayList<>();
            for (String a : args) {
                if (!fits(a)) {
                    lost("server_args", "argument '" + a + "' is empty or contains a blank, which server_args "
                            + "cannot hold (xinetd splits it at blanks); it is left out");
                } else {
                    kept.add(a);
                }
            }
            if (!kept.isEmpty()) {
                put("server_args", String.join(" ", kept));
            }
        }

        private void policies(Set<String> flags) {
            boolean tcpd = false;
            for (String policy : d.policies()) {
                if ("tcpd".equals(policy)) {
                    tcpd = true;
                    lost("policies", "policy tcpd becomes xinetd's libwrap check, which applies only where the tcpd "
                            + "bundle runs (a missing tcpd bundle no longer refuses every client)");
                } else if (!"xinetd".equals(policy)) {
                    lost("policies", "policy " + policy + " has no xinetd equivalent; it is left out");
                }
            }
            for (String policy : d.optionalPolicies()) {
                if ("tcpd".equals(policy)) {
                    tcpd = true;
                } else {
                    lost("optional_policies", "optional policy " + policy + " has no xinetd equivalent; it is left out");
                }
            }
            if (!tcpd) {
                flags.add("NOLIBWRAP");
            }
        }

        private void limits() {
            if (d.instances() > 0) {
                put("instances", String.valueOf(d.instances()));
            }
            if (d.maxPerMinute() > 0) {
                lost("max_per_minute", "xinetd has no per-minute limit (inetd's nowait." + d.maxPerMinute()
                        + "); cps or instances may take its place; it is left out");
            }
            if (d.perSource() > 0) {
                put("per_source", String.valueOf(d.perSource()));
            }
            // xinetd's default is cps = 50 10; 0 0 says "no limit" as the definition does
            put("cps", d.cps() + " " + d.cpsPauseSeconds());
            if (d.maxLoad() > 0) {
                put("max_load", String.valueOf(d.maxLoad()));
            }
            putIf("banner_fail", d.bannerFail());
        }

        private void process() {
            if (!d.env().isEmpty()) {
                List<String> pairs = new ArrayList<>();
                d.env().forEach((k, v) -> {
                    if (v.chars().anyMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
                        lost("env", "variable " + k + " has a value with a blank, which env cannot hold; it is left out");
                    } else {
                        pairs.add(k + "=" + v);
                    }
                });
                if (!pairs.isEmpty()) {
                    put("env", String.join(" ", pairs));
                }
            }
            if (!d.passenv().isEmpty()) {
                put("passenv", String.join(" ", d.passenv()));
            }
            if (d.nice() != null) {
                put("nice", String.valueOf(d.nice()));
            }
            if (d.umask() != null) {
                put("umask", String.format(Locale.ROOT, "%03o", d.umask()));
            }
            put("groups", d.supplementaryGroups() ? "yes" : "no");
            if (d.noNewPrivs()) {
                put("no_new_privs", "yes");
            }
            if (d.capabilities() != null) {
                put("capabilities", d.capabilities().isEmpty() ? "none" : String.join(" ", d.capabilities()));
            }
            if (d.privateTmp()) {
                put("private_tmp", "yes");
            }
            if (d.tls()) {
                put("tls", "yes");
            }
            if (d.tlsCertificate() != null) {
                put("tls_certificate", d.tlsCertificate());
            }
            if (d.tlsKey() != null) {
                put("tls_key", d.tlsKey());
            }
            if (d.tlsClientCa() != null) {
                put("tls_client_ca", d.tlsClientCa());
            }
            d.resourceLimits().forEach((limit, value) -> put(limit.attributeName(),
                    value == ServiceDefinition.UNLIMITED ? "UNLIMITED" : String.valueOf(value)));
        }

        private void logging() {
            put("log_on_success", fields(d.logOnSuccess()));
            put("log_on_failure", fields(d.logOnFailure()));
            if (d.logTarget().kind() != LogTarget.Kind.DEFAULT) {
                put("log_type", d.logTarget().toString());
            }
        }

        private void attributes() {
            d.attributes().forEach((key, values) -> {
                if ("flags".equals(key) || "tcpd".equals(key) && d.policies().contains("tcpd")) {
                    // tcpd: the path of the tcpd an inetd.conf line named; libwrap makes its check
                    return;
                }
                if (!ACCESS_ATTRIBUTES.contains(key)) {
                    lost(key, "attribute " + key + " " + values + " has no xinetd equivalent; it is left out");
                    return;
                }
                for (String v : values) {
                    if (v.isEmpty() || v.chars().anyMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
                        lost(key, "value '" + v + "' is empty or contains a blank; the attribute is left out");
                        return;
                    }
                }
                put(key, String.join(" ", values));
            });
        }

        private String checkText(String field, String value) {
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                lost(field, "'" + oneLine(value) + "' contains a line break, which an xinetd file cannot hold");
                return oneLine(value);
            }
            return value;
        }

        private void lost(String field, String message) {
            notes.add(field + ": " + message);
            String file = d.origin() == null ? d.id() : d.origin();
            int line = 0;
            Matcher m = ORIGIN_LINE.matcher(file);
            if (m.matches()) {
                file = m.group(1);
                line = Integer.parseInt(m.group(2));
            }
            problems.accept(Diagnostic.warning(file, line, field, "service " + d.name() + ": " + message));
        }

        private void putIf(String key, String value) {
            if (value != null) {
                put(key, value);
            }
        }

        private void put(String key, String value) {
            body.append('\t').append(String.format(Locale.ROOT, "%-" + WIDTH + "s", key)).append(" =");
            if (!value.isEmpty()) {
                body.append(' ').append(checkText(key, value).replace("\n", " ").replace("\r", " "));
            }
            body.append('\n');
        }
    }

    /** Whether a word survives xinetd's split of a value at blanks. */
    private static boolean fits(String word) {
        return !word.isEmpty() && word.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '\r');
    }

    private static String fields(Set<LogField> fields) {
        List<String> names = new ArrayList<>();
        fields.forEach(f -> names.add(f.name()));
        return String.join(" ", names);
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
