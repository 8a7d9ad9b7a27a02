package org.superserver.config.cm.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.superserver.api.Capabilities;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;
import org.superserver.config.cm.internal.ServiceConfigMapper.Invalid;

/**
 * The xinetd attributes beyond inetd's fields, as configuration properties: limits, redirect, the
 * started server's process attributes, logging, flags, and the access attributes that the
 * {@code xinetd} access policy reads. Each is checked here and reported by name when invalid; a
 * configuration that sets an access attribute gets the {@code xinetd} policy.
 */
final class ExtendedProperties {

    /** The access policy that reads {@link #ACCESS} attributes. */
    static final String XINETD_POLICY = "xinetd";

    /** Properties mapped to typed fields of the definition. */
    static final Set<String> TYPED = Set.of("per_source", "cps", "max_load", "redirect", "nice", "umask", "groups",
            "no_new_privs", "capabilities", "private_tmp",
            "rlimit_as", "rlimit_cpu", "rlimit_data", "rlimit_rss", "rlimit_stack", "rlimit_files", "banner_fail",
            "log_on_success", "log_on_failure", "log_type", "flags", "v6only", "env", "max_per_minute",
            "optional_policies", "tls", "tls_certificate", "tls_key", "tls_client_ca");

    /** Properties carried as attributes for the {@code xinetd} policy, which they make the service ask. */
    static final Set<String> ACCESS = Set.of("only_from", "no_access", "access_times", "banner", "banner_success",
            "deny_time", "libwrap");

    /** The flags of xinetd.conf(5); IPv4 and IPv6 are written upper-case, as every flag is kept. */
    static final Set<String> FLAGS = Set.of("INTERCEPT", "NORETRY", "IDONLY", "NAMEINARGS", "NODELAY", "KEEPALIVE",
            "NOLIBWRAP", "SENSOR", "IPV4", "IPV6", "LABELED", "REUSE");

    private static final Set<LogField> SUCCESS_FIELDS =
            EnumSet.of(LogField.PID, LogField.HOST, LogField.USERID, LogField.EXIT, LogField.DURATION, LogField.TRAFFIC);
    private static final Set<LogField> FAILURE_FIELDS = EnumSet.of(LogField.HOST, LogField.USERID, LogField.ATTEMPT);

    private ExtendedProperties() {
    }

    /**
     * Sets the typed fields and the access attributes of {@code p} on {@code b}; returns whether an
     * access attribute (or the SENSOR flag) is set, so that the service needs the {@code xinetd} policy.
     */
    static boolean map(Map<String, ?> p, ServiceDefinition.Builder b) {
        b.perSource(limit(p, "per_source"));
        cps(p, b);
        b.maxLoad(maxLoad(p));
        redirect(p, b);
        b.nice(nice(p));
        b.umask(umask(p));
        b.supplementaryGroups(ServiceConfigMapper.yesNo(p, "groups", true));
        b.noNewPrivs(ServiceConfigMapper.yesNo(p, "no_new_privs", false));
        b.capabilities(capabilities(p));
        b.privateTmp(ServiceConfigMapper.yesNo(p, "private_tmp", false));
        b.tls(ServiceConfigMapper.yesNo(p, "tls", false));
        for (String key : List.of("tls_certificate", "tls_key", "tls_client_ca")) {
            String path = ServiceConfigMapper.string(p, key);
            if (path != null && !path.isEmpty()) {
                absolute(key, path);
            }
        }
        b.tlsCertificate(ServiceConfigMapper.string(p, "tls_certificate"));
        b.tlsKey(ServiceConfigMapper.string(p, "tls_key"));
        b.tlsClientCa(ServiceConfigMapper.string(p, "tls_client_ca"));
        for (ResourceLimit limit : ResourceLimit.values()) {
            Long value = resourceLimit(p, limit);
            if (value != null) {
                b.resourceLimit(limit, value);
            }
        }
        String bannerFail = ServiceConfigMapper.string(p, "banner_fail");
        if (bannerFail != null) {
            b.bannerFail(absolute("banner_fail", bannerFail));
        }
        if (p.containsKey("log_on_success")) {
            b.logOnSuccess(logFields(p, "log_on_success", SUCCESS_FIELDS));
        }
        if (p.containsKey("log_on_failure")) {
            b.logOnFailure(logFields(p, "log_on_failure", FAILURE_FIELDS));
        }
        b.logTarget(logType(p));
        Set<String> flags = flags(p);
        b.keepAlive(flags.contains("KEEPALIVE")).noDelay(flags.contains("NODELAY"));
        if (!flags.isEmpty()) {
            b.attribute("flags", new ArrayList<>(flags));
        }
        b.v6Only(ServiceConfigMapper.yesNo(p, "v6only", false));
        env(p, b);
        b.maxPerMinute(limit(p, "max_per_minute"));
        for (String policy : ServiceConfigMapper.words(p, "optional_policies")) {
            if (!policy.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new Invalid("optional_policies", "'" + policy + "' is not a policy name; expected names "
                        + "such as tcpd, separated by blanks");
            }
            b.optionalPolicy(policy);
        }
        boolean access = flags.contains("SENSOR");
        for (String key : List.of("only_from", "no_access", "access_times", "banner", "banner_success", "deny_time",
                "libwrap")) {
            Object value = p.get(key);
            if (value == null) {
                continue;
            }
            List<String> values = ServiceConfigMapper.values(value);
            checkAccess(key, values);
            if ("deny_time".equals(key)) {
                values = List.of(values.get(0).toUpperCase(Locale.ROOT));
            }
            b.attribute(key, values);
            access = true;
        }
        return access;
    }

    /**
     * The capabilities kept in the bounding set: {@code null} when the property is absent or blank,
     * empty for {@code none}; an unknown name is invalid.
     */
    private static Set<String> capabilities(Map<String, ?> p) {
        List<String> words = ServiceConfigMapper.words(p, "capabilities");
        if (words.isEmpty()) {
            return null;
        }
        try {
            return Capabilities.parse(words);
        } catch (IllegalArgumentException e) {
            throw new Invalid("capabilities", e.getMessage());
        }
    }

    /** The flags, upper-case, in the order written; an unknown flag is invalid. */
    static Set<String> flags(Map<String, ?> p) {
        Set<String> flags = new LinkedHashSet<>();
        for (String word : ServiceConfigMapper.words(p, "flags")) {
            String flag = word.toUpperCase(Locale.ROOT);
            if (!FLAGS.contains(flag)) {
                throw new Invalid("flags", "'" + word + "' is not an xinetd flag; expected some of KEEPALIVE, "
                        + "NODELAY, NAMEINARGS, NOLIBWRAP, SENSOR, IPv4, IPv6, REUSE, INTERCEPT, NORETRY, IDONLY");
            }
            flags.add(flag);
        }
        return flags;
    }

    /** The property a definition's own consistency message is about (the builder names the field). */
    static String propertyOf(String message) {
        for (String key : List.of("redirect", "cps", "per_source", "max_load", "umask", "nice")) {
            if (message.startsWith(key) || message.contains(" " + key + " ")) {
                return key;
            }
        }
        for (ResourceLimit limit : ResourceLimit.values()) {
            if (message.startsWith(limit.attributeName())) {
                return limit.attributeName();
            }
        }
        return "service";
    }

    private static int limit(Map<String, ?> p, String key) {
        String text = ServiceConfigMapper.string(p, key);
        if (text == null || "UNLIMITED".equalsIgnoreCase(text)) {
            return 0;
        }
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid(key, "'" + text + "' is not a limit; expected a positive number or UNLIMITED");
    }

    /** {@code cps = RATE PAUSE} (xinetd's two numbers in one property), or a list of the two. */
    private static void cps(Map<String, ?> p, ServiceDefinition.Builder b) {
        List<String> words = ServiceConfigMapper.words(p, "cps");
        if (words.isEmpty()) {
            return;
        }
        if (words.size() != 2) {
            throw new Invalid("cps", "'" + String.join(" ", words) + "' is not a rate and a pause; expected two "
                    + "numbers, connections per second and seconds to pause, e.g. cps = 10 5");
        }
        int rate;
        int pause;
        try {
            rate = Integer.parseInt(words.get(0));
            pause = Integer.parseInt(words.get(1));
        } catch (NumberFormatException e) {
            throw new Invalid("cps", "'" + String.join(" ", words) + "' is not two numbers; expected e.g. cps = 10 5");
        }
        if (rate <= 0 || pause <= 0) {
            throw new Invalid("cps", "'" + String.join(" ", words) + "' has a number below 1; expected a rate and a "
                    + "pause of at least 1, e.g. cps = 10 5");
        }
        b.cps(rate, pause);
    }

    private static double maxLoad(Map<String, ?> p) {
        String text = ServiceConfigMapper.string(p, "max_load");
        if (text == null) {
            return 0;
        }
        try {
            double load = Double.parseDouble(text);
            if (load >= 0 && Double.isFinite(load) && !text.matches(".*[xXpPfFdD].*")) {
                return load;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid("max_load", "'" + text + "' is not a load average; expected a number such as 2.5, or 0 "
                + "for none");
    }

    private static void redirect(Map<String, ?> p, ServiceDefinition.Builder b) {
        List<String> words = ServiceConfigMapper.words(p, "redirect");
        if (words.isEmpty()) {
            return;
        }
        int port = -1;
        if (words.size() == 2) {
            try {
                port = Integer.parseInt(words.get(1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535) {
            throw new Invalid("redirect", "'" + String.join(" ", words) + "' is not a host and a port; expected "
                    + "e.g. redirect = 10.0.0.2 8080");
        }
        String host = words.get(0);
        if (!host.matches("[A-Za-z0-9._:-]+")) {
            throw new Invalid("redirect", "'" + host + "' is not a host name or address; expected e.g. 10.0.0.2");
        }
        b.redirect(host, port);
    }

    private static Integer nice(Map<String, ?> p) {
        String text = ServiceConfigMapper.string(p, "nice");
        if (text == null) {
            return null;
        }
        try {
            int nice = Integer.parseInt(text);
            if (nice >= -20 && nice <= 19) {
                return nice;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid("nice", "'" + text + "' is not a niceness; expected a number from -20 to 19");
    }

    private static Integer umask(Map<String, ?> p) {
        String text = ServiceConfigMapper.string(p, "umask");
        if (text == null) {
            return null;
        }
        if (!text.matches("[0-7]{1,4}") || Integer.parseInt(text, 8) > 0777) {
            throw new Invalid("umask", "'" + text + "' is not an octal umask; expected e.g. 022 or 077");
        }
        return Integer.parseInt(text, 8);
    }

    /** {@code N}, {@code NK}, {@code NM} (bytes, for the size limits) or {@code UNLIMITED}. */
    private static Long resourceLimit(Map<String, ?> p, ResourceLimit limit) {
        String key = limit.attributeName();
        String text = ServiceConfigMapper.string(p, key);
        if (text == null) {
            return null;
        }
        if ("UNLIMITED".equalsIgnoreCase(text)) {
            return ServiceDefinition.UNLIMITED;
        }
        boolean sized = limit != ResourceLimit.CPU && limit != ResourceLimit.NOFILE;
        long factor = 1;
        String digits = text;
        char last = Character.toUpperCase(text.charAt(text.length() - 1));
        if (sized && (last == 'K' || last == 'M')) {
            factor = last == 'K' ? 1024 : 1024 * 1024;
            digits = text.substring(0, text.length() - 1);
        }
        if (digits.matches("[0-9]{1,15}")) {
            return Long.parseLong(digits) * factor;
        }
        throw new Invalid(key, "'" + text + "' is not a limit; expected a number"
                + (sized ? " of bytes (K and M suffixes allowed)" : "") + " or UNLIMITED");
    }

    private static Set<LogField> logFields(Map<String, ?> p, String key, Set<LogField> allowed) {
        Set<LogField> fields = EnumSet.noneOf(LogField.class);
        for (String word : ServiceConfigMapper.words(p, key)) {
            LogField field = null;
            for (LogField f : allowed) {
                if (f.name().equalsIgnoreCase(word)) {
                    field = f;
                }
            }
            if (field == null) {
                List<String> names = new ArrayList<>();
                allowed.forEach(f -> names.add(f.name()));
                throw new Invalid(key, "'" + word + "' is not a field of this log line; expected some of "
                        + String.join(", ", names) + ", or nothing");
            }
            fields.add(field);
        }
        return fields;
    }

    /** {@code FILE path [soft [hard]]}, {@code SYSLOG facility [level]} or {@code DEFAULT}. */
    private static LogTarget logType(Map<String, ?> p) {
        List<String> words = ServiceConfigMapper.words(p, "log_type");
        if (words.isEmpty()) {
            return LogTarget.DEFAULT;
        }
        String kind = words.get(0).toUpperCase(Locale.ROOT);
        try {
            if ("DEFAULT".equals(kind) && words.size() == 1) {
                return LogTarget.DEFAULT;
            }
            if ("FILE".equals(kind) && words.size() >= 2 && words.size() <= 4) {
                long soft = words.size() > 2 ? size(words.get(2)) : 0;
                long hard = words.size() > 3 ? size(words.get(3)) : 0;
                return LogTarget.file(words.get(1), soft, hard);
            }
            if ("SYSLOG".equals(kind) && words.size() >= 2 && words.size() <= 3) {
                return LogTarget.syslog(words.get(1).toLowerCase(Locale.ROOT),
                        words.size() > 2 ? words.get(2).toLowerCase(Locale.ROOT) : "info");
            }
        } catch (IllegalArgumentException e) {
            throw new Invalid("log_type", "'" + String.join(" ", words) + "': " + e.getMessage()
                    + "; expected FILE /absolute/path [soft [hard]] or SYSLOG facility [level]");
        }
        throw new Invalid("log_type", "'" + String.join(" ", words) + "' is not a log target; expected "
                + "FILE /absolute/path [soft [hard]] or SYSLOG facility [level]");
    }

    private static long size(String text) {
        long factor = 1;
        String digits = text;
        char last = Character.toUpperCase(text.charAt(text.length() - 1));
        if (last == 'K' || last == 'M') {
            factor = last == 'K' ? 1024 : 1024 * 1024;
            digits = text.substring(0, text.length() - 1);
        }
        if (!digits.matches("[0-9]{1,15}")) {
            throw new IllegalArgumentException("size '" + text + "' is not a number of bytes");
        }
        return Long.parseLong(digits) * factor;
    }

    /** {@code env = NAME=value ...}, as xinetd writes it (a value cannot contain a blank). */
    private static void env(Map<String, ?> p, ServiceDefinition.Builder b) {
        for (String word : ServiceConfigMapper.words(p, "env")) {
            int eq = word.indexOf('=');
            if (eq <= 0 || !word.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new Invalid("env", "'" + word + "' is not NAME=value; expected e.g. env = LANG=C TZ=UTC");
            }
            b.env(word.substring(0, eq), ServiceConfigMapper.asBytes(word.substring(eq + 1)));
        }
    }

    private static String absolute(String key, String path) {
        if (!path.startsWith("/")) {
            throw new Invalid(key, "'" + path + "' is not an absolute path; expected e.g. /etc/banners/" + key);
        }
        return path;
    }

    private static void checkAccess(String key, List<String> values) {
        switch (key) {
            case "access_times":
                for (String v : values) {
                    if (!v.matches("([01]?[0-9]|2[0-3]):[0-5][0-9]-([01]?[0-9]|2[0-3]):[0-5][0-9]")) {
                        throw new Invalid(key, "'" + v + "' is not an interval; expected hh:mm-hh:mm, e.g. 08:00-18:30");
                    }
                }
                break;
            case "banner":
            case "banner_success":
                if (values.size() != 1) {
                    throw new Invalid(key, "has " + values.size() + " values; expected one file path");
                }
                absolute(key, values.get(0));
                break;
            case "deny_time":
                if (values.size() != 1 || !values.get(0).matches("[0-9]{1,9}|(?i:FOREVER|NEVER)")) {
                    throw new Invalid(key, "'" + String.join(" ", values) + "' is not a time; expected minutes, "
                            + "FOREVER or NEVER");
                }
                break;
            case "libwrap":
                if (values.size() != 1) {
                    throw new Invalid(key, "has " + values.size() + " values; expected one daemon name");
                }
                break;
            default:
                break;
        }
    }
}
