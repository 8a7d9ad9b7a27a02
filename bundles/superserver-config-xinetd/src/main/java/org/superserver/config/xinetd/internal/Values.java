package org.superserver.config.xinetd.internal;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.superserver.api.Capabilities;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.ServiceDefinition;

/**
 * The values of xinetd.conf attributes, read as xinetd's parsers.c reads them: {@code yes}/{@code
 * no}, numbers or {@code UNLIMITED}, sizes with {@code K}/{@code M}, octal umasks, log types and
 * log flags. Every method throws {@link Invalid} naming the attribute and what would be right.
 */
final class Values {

    /** xinetd's service types (nvlists.c), as written. */
    static final Set<String> TYPES = Set.of("RPC", "INTERNAL", "UNLISTED", "SPECIAL", "TCPMUX", "TCPMUXPLUS");
    /** xinetd's service flags (nvlists.c), as written: the names are case-sensitive. */
    static final List<String> FLAGS = List.of("REUSE", "INTERCEPT", "NORETRY", "IDONLY", "NAMEINARGS", "NODELAY",
            "KEEPALIVE", "NOLIBWRAP", "SENSOR", "IPv4", "IPv6", "LABELED");
    static final List<String> FACILITIES = List.of("daemon", "auth", "authpriv", "user", "mail", "lpr", "news",
            "uucp", "ftp", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");
    static final List<String> LEVELS = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");
    /** xinetd.conf(5): a FILE log's hard limit, when not given, is the soft one plus 1 % within 5K..20K. */
    static final long LOG_EXTRA_MIN = 5 * 1024;
    static final long LOG_EXTRA_MAX = 20 * 1024;

    private Values() {
    }

    static boolean yesNo(String field, String value) throws Invalid {
        if (value.equals("yes")) {
            return true;
        }
        if (value.equals("no")) {
            return false;
        }
        throw new Invalid(field, "'" + value + "' is neither yes nor no");
    }

    /**
     * {@code capabilities}: {@code none}, or capability names checked against the kernel's list
     * ({@link Capabilities#parse(List)}).
     */
    static Set<String> capabilities(String field, List<String> values) throws Invalid {
        try {
            return Capabilities.parse(values);
        } catch (IllegalArgumentException e) {
            throw new Invalid(field, e.getMessage());
        }
    }

    /** A count or {@code UNLIMITED} (0 here, as the definition spells no limit). */
    static int countOrUnlimited(String field, String value) throws Invalid {
        if (value.equals("UNLIMITED")) {
            return 0;
        }
        Long n = decimal(value);
        if (n == null || n > Integer.MAX_VALUE) {
            throw new Invalid(field, "'" + value + "' is neither a number from 0 to " + Integer.MAX_VALUE
                    + " nor UNLIMITED");
        }
        return n.intValue();
    }

    /** A non-negative decimal number, or {@code null}. */
    static Long decimal(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return null;
            }
        }
        return Long.parseLong(value);
    }

    /** A signed decimal integer in int range. */
    static int integer(String field, String value) throws Invalid {
        String digits = value.startsWith("-") || value.startsWith("+") ? value.substring(1) : value;
        Long n = decimal(digits);
        if (n == null || n > Integer.MAX_VALUE) {
            throw new Invalid(field, "'" + value + "' is not a whole number");
        }
        return (int) (value.startsWith("-") ? -n : n);
    }

    /** A port 0-65535. */
    static int port(String field, String value) throws Invalid {
        Long n = decimal(value);
        if (n == null || n > 65535) {
            throw new Invalid(field, "'" + value + "' is not a port number from 0 to 65535");
        }
        return n.intValue();
    }

    /** A size in bytes with an optional K or M suffix (xinetd's get_limit). */
    static long size(String field, String value) throws Invalid {
        long multiplier = 1;
        String digits = value;
        char last = value.isEmpty() ? ' ' : value.charAt(value.length() - 1);
        if (last == 'k' || last == 'K') {
            multiplier = 1024;
            digits = value.substring(0, value.length() - 1);
        } else if (last == 'm' || last == 'M') {
            multiplier = 1024 * 1024;
            digits = value.substring(0, value.length() - 1);
        }
        Long n = decimal(digits);
        if (n == null || n > Long.MAX_VALUE / multiplier) {
            throw new Invalid(field, "'" + value + "' is not a size: expected a number, optionally followed by K or M");
        }
        return n * multiplier;
    }

    /**
     * An {@code rlimit_*} value: {@code UNLIMITED}, or a number; sizes may carry K or M, CPU seconds
     * may not (xinetd.conf(5)).
     */
    static long resourceLimit(String field, String value) throws Invalid {
        if (value.equals("UNLIMITED")) {
            return ServiceDefinition.UNLIMITED;
        }
        if (field.equals("rlimit_cpu")) {
            Long n = decimal(value);
            if (n == null) {
                throw new Invalid(field, "'" + value + "' is neither a number of CPU seconds nor UNLIMITED");
            }
            return n;
        }
        try {
            return size(field, value);
        } catch (Invalid e) {
            throw new Invalid(field, e.getMessage() + ", or UNLIMITED");
        }
    }

    static int umask(String field, String value) throws Invalid {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '7') || value.length() > 6
                || Integer.parseInt(value, 8) > 0777) {
            throw new Invalid(field, "'" + value + "' is not an octal umask from 000 to 777");
        }
        return Integer.parseInt(value, 8);
    }

    static double maxLoad(String field, String value) throws Invalid {
        double load;
        try {
            load = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            load = Double.NaN;
        }
        if (Double.isNaN(load) || Double.isInfinite(load) || load <= 0 || !value.matches("[0-9.eE+-]+")) {
            throw new Invalid(field, "'" + value + "' is not a load average above 0, e.g. 2 or 2.5");
        }
        return load;
    }

    /** {@code log_on_success} or {@code log_on_failure} flags. */
    static Set<LogField> logFields(String field, List<String> values) throws Invalid {
        boolean success = field.equals("log_on_success");
        Set<LogField> out = EnumSet.noneOf(LogField.class);
        for (String value : values) {
            LogField f;
            try {
                f = LogField.valueOf(value);
            } catch (IllegalArgumentException e) {
                f = null;
            }
            if (f == null || success && f == LogField.ATTEMPT
                    || !success && f != LogField.HOST && f != LogField.ATTEMPT && f != LogField.USERID) {
                throw new Invalid(field, "'" + value + "' is no " + field + " flag; expected "
                        + (success ? "PID, HOST, USERID, EXIT, DURATION or TRAFFIC" : "HOST, USERID or ATTEMPT"));
            }
            out.add(f);
        }
        return out;
    }

    /** {@code log_type = FILE path [soft [hard]]} or {@code SYSLOG facility [level]}. */
    static LogTarget logTarget(String field, List<String> values) throws Invalid {
        if (values.isEmpty()) {
            throw new Invalid(field, "no value; expected FILE path [soft [hard]] or SYSLOG facility [level]");
        }
        String type = values.get(0);
        if (type.equals("FILE")) {
            if (values.size() < 2 || values.size() > 4) {
                throw new Invalid(field, "FILE takes a path and up to two size limits: FILE path [soft [hard]]");
            }
            long soft = values.size() > 2 ? size(field, values.get(2)) : 0;
            long hard;
            if (values.size() == 4) {
                hard = size(field, values.get(3));
                if (hard < soft) {
                    throw new Invalid(field, "hard limit " + hard + " is below the soft limit " + soft);
                }
            } else {
                hard = soft == 0 ? 0 : soft + Math.min(LOG_EXTRA_MAX, Math.max(LOG_EXTRA_MIN, soft / 100));
            }
            try {
                return LogTarget.file(values.get(1), soft, hard);
            } catch (IllegalArgumentException e) {
                throw new Invalid(field, e.getMessage());
            }
        }
        if (type.equals("SYSLOG")) {
            if (values.size() < 2 || values.size() > 3) {
                throw new Invalid(field, "SYSLOG takes a facility and an optional level: SYSLOG facility [level]");
            }
            if (!FACILITIES.contains(values.get(1))) {
                throw new Invalid(field, "'" + values.get(1) + "' is no syslog facility; expected one of "
                        + String.join(", ", FACILITIES));
            }
            String level = values.size() == 3 ? values.get(2) : "info";
            if (!LEVELS.contains(level)) {
                throw new Invalid(field, "'" + level + "' is no syslog level; expected one of " + String.join(", ", LEVELS));
            }
            return LogTarget.syslog(values.get(1), level);
        }
        throw new Invalid(field, "'" + type + "' is no log type; expected FILE or SYSLOG");
    }

    /** One {@code access_times} interval {@code hh:mm-hh:mm} (hours 0-23, minutes 0-59; 24:00 ends a day). */
    static void interval(String field, String value) throws Invalid {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,2}):(\\d{1,2})-(\\d{1,2}):(\\d{1,2})")
                .matcher(value);
        if (!m.matches() || !time(m.group(1), m.group(2)) || !time(m.group(3), m.group(4))) {
            throw new Invalid(field, "'" + value + "' is not an interval hh:mm-hh:mm (hours 0-23, minutes 0-59)");
        }
    }

    private static boolean time(String hours, String minutes) {
        int h = Integer.parseInt(hours);
        int m = Integer.parseInt(minutes);
        return (h <= 23 && m <= 59) || (h == 24 && m == 0);
    }

    static String upper(String flag) {
        return flag.toUpperCase(Locale.ROOT);
    }
}
