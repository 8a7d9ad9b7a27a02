package org.superserver.access.tcpd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One hosts_options(5) option of a rule, as written: its keyword and its value (not yet
 * %-expanded). {@link #parse(String)} reads a rule's option fields as tcpd's
 * {@code process_options} does and checks each value where tcpd would reject it.
 */
final class Option {

    private static final int NEED_ARG = 1;
    private static final int OPT_ARG = 2;
    private static final int USE_LAST = 4;
    private static final int EXPAND_ARG = 8;

    /** The keywords, with tcpd's flags. */
    enum Kind {
        USER(NEED_ARG), GROUP(NEED_ARG), UMASK(NEED_ARG), LINGER(NEED_ARG), KEEPALIVE(0),
        SPAWN(NEED_ARG | EXPAND_ARG), TWIST(NEED_ARG | EXPAND_ARG | USE_LAST), RFC931(OPT_ARG),
        SETENV(NEED_ARG | EXPAND_ARG), NICE(OPT_ARG), SEVERITY(NEED_ARG), ALLOW(USE_LAST), DENY(USE_LAST),
        BANNERS(NEED_ARG), ACLEXEC(NEED_ARG | EXPAND_ARG);

        final int flags;

        Kind(int flags) {
            this.flags = flags;
        }

        String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean expands() {
            return (flags & EXPAND_ARG) != 0;
        }
    }

    /** The options of a rule up to the first bad one, and what was wrong with it (or {@code null}). */
    static final class Parsed {
        final List<Option> options;
        final String error;

        Parsed(List<Option> options, String error) {
            this.options = List.copyOf(options);
            this.error = error;
        }
    }

    private static final Set<String> FACILITIES = Set.of("kern", "user", "mail", "daemon", "auth", "lpr", "news",
            "uucp", "cron", "authpriv", "ftp", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
            "local7");
    private static final Set<String> SEVERITIES = Set.of("emerg", "alert", "crit", "err", "warning", "notice", "info",
            "debug");

    final Kind kind;
    /** The value as written (blanks around it removed), or {@code null}. */
    final String value;

    Option(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    @Override
    public String toString() {
        return kind.keyword() + (value == null ? "" : " " + value);
    }

    /**
     * Reads the option part of a rule (everything after the second ':'): fields separated by
     * {@code :}, {@code \:} standing for a colon; each field a keyword, then optionally blanks or one
     * {@code =}, then the value.
     */
    static Parsed parse(String text) {
        List<String> fields = fields(text);
        List<Option> out = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i).strip();
            int k = 0;
            while (k < field.length() && "= \t\r\n".indexOf(field.charAt(k)) < 0) {
                k++;
            }
            String key = field.substring(0, k);
            int v = k;
            if (v < field.length() && field.charAt(v) != '=') {
                v++;
                while (v < field.length() && " \t\r\n".indexOf(field.charAt(v)) >= 0) {
                    v++;
                }
            }
            if (v < field.length() && field.charAt(v) == '=') {
                v++;
                while (v < field.length() && " \t\r\n".indexOf(field.charAt(v)) >= 0) {
                    v++;
                }
            }
            String value = v < field.length() ? field.substring(v) : null;
            if (key.isEmpty()) {
                return new Parsed(out, "missing option name (an empty field between ':'s)");
            }
            Kind kind = kind(key);
            if (kind == null) {
                return new Parsed(out, "bad option name \"" + key + "\"; expected one of allow, deny, spawn, twist, "
                        + "banners, setenv, umask, user, group, nice, keepalive, linger, severity, rfc931, aclexec"
                        + " (a legacy shell command needs the spawn keyword)");
            }
            if (value == null && (kind.flags & NEED_ARG) != 0) {
                return new Parsed(out, "option \"" + key + "\" requires a value");
            }
            if (value != null && (kind.flags & (NEED_ARG | OPT_ARG)) == 0) {
                return new Parsed(out, "option \"" + key + "\" requires no value");
            }
            if (i < fields.size() - 1 && (kind.flags & USE_LAST) != 0) {
                return new Parsed(out, "option \"" + key + "\" must be at the end of the rule");
            }
            String bad = check(kind, value);
            if (bad != null) {
                return new Parsed(out, bad);
            }
            out.add(new Option(kind, kind.expands() ? value : value == null ? null : value.strip()));
        }
        return new Parsed(out, null);
    }

    private static Kind kind(String key) {
        for (Kind k : Kind.values()) {
            if (k.keyword().equalsIgnoreCase(key)) {
                return k;
            }
        }
        return null;
    }

    /** What tcpd rejects in a value, or {@code null}. */
    private static String check(Kind kind, String value) {
        switch (kind) {
            case UMASK:
                return value.matches("[0-7]{1,4}") && Integer.parseInt(value, 8) <= 0777 ? null
                        : "bad umask value \"" + value + "\"; expected an octal number up to 777, e.g. 022";
            case LINGER:
                return value.matches("[0-9]{1,9}") ? null
                        : "bad linger value \"" + value + "\"; expected a number of seconds, 0 or more";
            case NICE:
                return value == null || value.matches("[+-]?[0-9]{1,9}") ? null
                        : "bad nice value \"" + value + "\"; expected a whole number, e.g. 10";
            case RFC931:
                return value == null || (value.matches("[0-9]{1,9}") && Integer.parseInt(value) > 0) ? null
                        : "bad rfc931 timeout \"" + value + "\"; expected a number of seconds above 0";
            case SEVERITY: {
                String v = value.toLowerCase(Locale.ROOT);
                int dot = v.indexOf('.');
                boolean ok = dot < 0 ? SEVERITIES.contains(v)
                        : FACILITIES.contains(v.substring(0, dot)) && SEVERITIES.contains(v.substring(dot + 1));
                return ok ? null : "bad syslog facility or severity \"" + value + "\"; expected [facility.]severity,"
                        + " e.g. mail.info or notice";
            }
            case USER: {
                int dot = value.indexOf('.');
                return dot == 0 || dot == value.length() - 1 ? "bad user \"" + value
                        + "\"; expected user or user.group, e.g. nobody or nobody.kmem" : null;
            }
            default:
                return null;
        }
    }

    /** tcpd's {@code get_field}: split on ':', with {@code \:} standing for ':'. */
    private static List<String> fields(String text) {
        List<String> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                out.add(field.toString());
                field.setLength(0);
                if (i == text.length() - 1) {
                    return out;
                }
                continue;
            }
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == ':') {
                i++;
                c = ':';
            }
            field.append(c);
        }
        out.add(field.toString());
        return out;
    }
}
