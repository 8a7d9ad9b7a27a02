package org.superserver.config.cm.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.superserver.api.Diagnostic;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.ServiceDefinition;

/**
 * Definitions as {@code org.superserver.service-NAME.cfg} files that {@link ServiceConfigMapper}
 * maps back to the same services. Each file starts with a comment naming where its definition
 * came from; what a property cannot hold (an argument with a blank, bytes that are not UTF-8, an
 * attribute whose name is taken) is left out, reported as a warning naming origin and field, and
 * noted as a comment in the file.
 */
final class CfgWriter {

    private static final Pattern ORIGIN_LINE = Pattern.compile("(.*):(\\d+)");
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private final Consumer<Diagnostic> problems;

    CfgWriter(Consumer<Diagnostic> problems) {
        this.problems = problems;
    }

    Map<String, String> write(List<ServiceDefinition> definitions) {
        Map<String, Integer> names = new HashMap<>();
        definitions.forEach(d -> names.merge(d.name(), 1, Integer::sum));
        Map<String, String> files = new LinkedHashMap<>();
        for (ServiceDefinition d : definitions) {
            String base = safe(d.name());
            if (names.get(d.name()) > 1) {
                base += "-" + d.protocol().configName();
            }
            String file = ServiceConfigMapper.FACTORY_PID + "-" + base + ".cfg";
            for (int n = 2; files.containsKey(file); n++) {
                file = ServiceConfigMapper.FACTORY_PID + "-" + base + "-" + n + ".cfg";
            }
            files.put(file, new One(d).text());
        }
        return files;
    }

    /** A service name as part of a file name: letters, digits, dot, dash and underscore. */
    private static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.startsWith(".") ? "_" + s.substring(1) : s;
    }

    /** The text of one file. */
    private final class One {
        private final ServiceDefinition d;
        private final StringBuilder body = new StringBuilder();
        private final List<String> notes = new ArrayList<>();

        One(ServiceDefinition d) {
            this.d = d;
        }

        String text() {
            put("service", d.name());
            if (d.isInternal()) {
                put("type", "INTERNAL");
                if (!d.handler().equals(d.name())) {
                    put("handler", d.handler());
                }
            }
            put("socket_type", d.socketType().configName());
            put("protocol", d.protocol().configName());
            if (d.socketPath() != null) {
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
            put("wait", d.isWait() ? "yes" : "no");
            putIf("user", d.user());
            putIf("group", d.group());
            List<String> flags = new ArrayList<>(d.attribute("flags"));
            if (d.server() != null) {
                server(flags);
            }
            if (d.isRedirect()) {
                put("redirect", d.redirectHost() + " " + d.redirectPort());
            }
            if (d.keepAlive() && !flags.contains("KEEPALIVE")) {
                flags.add("KEEPALIVE");
            }
            if (d.noDelay() && !flags.contains("NODELAY")) {
                flags.add("NODELAY");
            }
            if (!flags.isEmpty()) {
                put("flags", String.join(" ", flags));
            }
            if (d.instances() > 0) {
                put("instances", String.valueOf(d.instances()));
            }
            if (d.maxPerMinute() > 0) {
                put("max_per_minute", String.valueOf(d.maxPerMinute()));
            }
            if (d.perSource() > 0) {
                put("per_source", String.valueOf(d.perSource()));
            }
            if (d.cps() > 0) {
                put("cps", d.cps() + " " + d.cpsPauseSeconds());
            }
            if (d.maxLoad() > 0) {
                put("max_load", String.valueOf(d.maxLoad()));
            }
            putIf("banner_fail", d.bannerFail());
            env();
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
            if (!d.logOnSuccess().equals(ServiceDefinition.DEFAULT_LOG_ON_SUCCESS)) {
                put("log_on_success", fields(d.logOnSuccess()));
            }
            if (!d.logOnFailure().equals(ServiceDefinition.DEFAULT_LOG_ON_FAILURE)) {
                put("log_on_failure", fields(d.logOnFailure()));
            }
            if (d.logTarget().kind() != LogTarget.Kind.DEFAULT) {
                put("log_type", d.logTarget().toString());
            }
            if (d.v6Only()) {
                put("v6only", "yes");
            }
            if (!d.policies().isEmpty()) {
                put("policies", String.join(" ", d.policies()));
            }
            if (!d.optionalPolicies().isEmpty()) {
                put("optional_policies", String.join(" ", d.optionalPolicies()));
            }
            attributes();

            StringBuilder out = new StringBuilder();
            out.append("# ").append(d.name()).append(": converted from ")
                    .append(d.origin() == null ? "a definition without origin" : escapeComment(d.origin()))
                    .append('\n');
            for (String note : notes) {
                out.append("# NOT CONVERTED: ").append(escapeComment(note)).append('\n');
            }
            return out.append(body).toString();
        }

        private void server(List<String> flags) {
            String server = text("server", d.server());
            List<String> argv = new ArrayList<>();
            for (String a : d.argv()) {
                argv.add(text("server_args", a));
            }
            put("server", server);
            String base = server.substring(server.lastIndexOf('/') + 1);
            List<String> args = argv;
            if (!argv.isEmpty() && argv.get(0).equals(base) && !flags.contains("NAMEINARGS")) {
                args = argv.subList(1, argv.size());
            } else if (argv.isEmpty() || !fits(argv.get(0))) {
                lost("server_args", "argv[0] '" + (argv.isEmpty() ? "" : argv.get(0)) + "' is empty or contains a "
                        + "blank, which server_args cannot hold; argv[0] is the program's basename instead");
                flags.remove("NAMEINARGS");
                args = argv.isEmpty() ? argv : argv.subList(1, argv.size());
            } else if (!flags.contains("NAMEINARGS")) {
                flags.add("NAMEINARGS");
            }
            List<String> kept = new ArrayList<>();
            for (String a : args) {
                if (!fits(a)) {
                    lost("server_args", "argument '" + a + "' is empty or contains a blank, which server_args cannot "
                            + "hold (its words are separated by blanks); it is left out");
                } else {
                    kept.add(a);
                }
            }
            if (!kept.isEmpty()) {
                put("server_args", String.join(" ", kept));
            }
        }

        private void env() {
            List<String> pairs = new ArrayList<>();
            d.env().forEach((k, v) -> {
                String value = text("env", v);
                if (value.chars().anyMatch(Character::isWhitespace)) {
                    lost("env", "variable " + k + " has a value with a blank, which env cannot hold; it is left out");
                } else {
                    pairs.add(k + "=" + value);
                }
            });
            if (!pairs.isEmpty()) {
                put("env", String.join(" ", pairs));
            }
        }

        private void attributes() {
            d.attributes().forEach((key, values) -> {
                if ("flags".equals(key)) {
                    return;
                }
                if (!KEY.matcher(key).matches() || ServiceConfigMapper.KNOWN.contains(key)) {
                    lost(key, "attribute " + key + " cannot be a property of its own (the name is taken or not a "
                            + "plain word); it is left out");
                    return;
                }
                for (String v : values) {
                    if (v.isEmpty() || v.chars().anyMatch(Character::isWhitespace)) {
                        lost(key, "attribute " + key + " has a value with a blank, which a property's words cannot "
                                + "hold; the attribute is left out");
                        return;
                    }
                }
                put(key, String.join(" ", values));
            });
        }

        /** Bytes (one char each) as the UTF-8 text the mapper turns back into the same bytes. */
        private String text(String field, String bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1))).toString();
            } catch (CharacterCodingException e) {
                lost(field, "'" + bytes + "' is not UTF-8 text, which a .cfg file holds; its invalid bytes are "
                        + "written as U+FFFD");
                return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }

        private void lost(String field, String message) {
            notes.add(field + ": " + message);
            String file = d.origin() == null ? d.id() : d.origin();
            int line = 0;
            Matcher m = ORIGIN_LINE.matcher(file);
            if (m.matches() && m.group(2).length() < 9) {
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
            body.append(key).append(" = ").append(escape(value)).append('\n');
        }
    }

    /** Whether a word survives a property's split at blanks. */
    private static boolean fits(String word) {
        return !word.isEmpty() && word.chars().noneMatch(Character::isWhitespace) && word.strip().equals(word);
    }

    private static String fields(java.util.Set<LogField> fields) {
        List<String> names = new ArrayList<>();
        fields.forEach(f -> names.add(f.name()));
        return String.join(" ", names);
    }

    /** A value as java.util.Properties (and FileInstall) reads it back: ASCII, with escapes. */
    static String escape(String value) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                s.append("\\\\");
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c == '\r') {
                s.append("\\r");
            } else if (c == '\t') {
                s.append("\\t");
            } else if (c == '\f') {
                s.append("\\f");
            } else if (c == ' ' && i == 0) {
                s.append("\\ ");
            } else if (c < 0x20 || c > 0x7e) {
                s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    private static String escapeComment(String text) {
        return escape(text).replace("\\\\", "\\");
    }
}
