package org.superserver.config.xinetd.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.superserver.api.Diagnostic;

/**
 * The attributes of one {@code service} block or of the {@code defaults} section, after the
 * operators are applied, as xinetd's identify_attribute applies them: an attribute xinetd does not
 * know (or that the defaults section may not carry) is a warning and ignored; a single-valued
 * attribute set twice, given {@code +=}/{@code -=}, or given the wrong number of values is a
 * warning and that line is ignored; a value that does not parse is an error, and a service with
 * one is skipped ("DISABLING SERVICE"); in defaults, where xinetd would exit, the line is ignored.
 * In defaults {@code =} adds to a set, as {@code +=} does.
 */
final class Block {

    /** One attribute as written: its values and line. */
    static final class Written {
        final List<String> values;
        final String file;
        final int line;

        Written(List<String> values, String file, int line) {
            this.values = List.copyOf(values);
            this.file = file;
            this.line = line;
        }
    }

    final String file;
    final int line;
    /** The service name; {@code null} for defaults. */
    final String name;
    final boolean isDefaults;
    /** Single-valued attributes, by key ({@code interface} is {@code bind}). */
    final Map<String, Written> fixed = new LinkedHashMap<>();
    /** Set attributes after their operators; present when written (or inherited), maybe empty. */
    final Map<String, List<String>> sets = new LinkedHashMap<>();
    /** The last line that changed each set. */
    final Map<String, Integer> setLines = new LinkedHashMap<>();
    /** Set when an attribute's value is in error: the service is not served. */
    boolean failed;

    Block(String file, int line, String name, boolean isDefaults) {
        this.file = file;
        this.line = line;
        this.name = name;
        this.isDefaults = isDefaults;
    }

    String what() {
        return isDefaults ? "defaults" : "service " + name;
    }

    /** Applies one line of {@code file}; problems go to {@code problems}. */
    void apply(String file, XinetdSyntax.Assignment a, Consumer<Diagnostic> problems) {
        AttributeRule rule = isDefaults ? AttributeRule.defaults(a.attribute) : AttributeRule.service(a.attribute);
        if (rule == null) {
            problems.accept(Diagnostic.warning(file, a.line, a.attribute, isDefaults && AttributeRule.isServiceAttribute(
                    a.attribute) ? "'" + a.attribute + "' may not be in the defaults section (there: "
                    + AttributeRule.defaultsNames() + "); ignored, as xinetd ignores it"
                    : "xinetd.conf(5) has no attribute '" + a.attribute + "'; ignored, as xinetd ignores it"));
            return;
        }
        XinetdSyntax.Op op = a.op;
        if (!rule.modifiable) {
            Written earlier = fixed.get(rule.key);
            if (earlier != null) {
                problems.accept(Diagnostic.warning(file, a.line, a.attribute, what() + " sets '" + rule.key
                        + "' already at " + earlier.file + ":" + earlier.line + "; this line is ignored (only sets such as only_from "
                        + "may be given again)"));
                return;
            }
            if (op != XinetdSyntax.Op.SET) {
                problems.accept(Diagnostic.warning(file, a.line, a.attribute, "operator '" + op.text + "' does not apply "
                        + "to '" + a.attribute + "' (only to only_from, no_access, log_on_success, log_on_failure, "
                        + "passenv and env); this line is ignored, write '" + a.attribute + " = ...'"));
                return;
            }
        } else if (isDefaults && op == XinetdSyntax.Op.SET) {
            op = XinetdSyntax.Op.ADD;
        }
        if (rule.values != AttributeRule.ANY && a.values.size() != rule.values) {
            problems.accept(Diagnostic.warning(file, a.line, a.attribute, "'" + a.attribute + "' takes " + rule.values
                    + (rule.values == 1 ? " value" : " values") + ", not " + a.values.size() + "; this line is ignored"));
            return;
        }
        try {
            check(rule.name, op, a.values);
            if (rule.name.equals("log_type") && fixed.containsKey("log_type")) {
                throw new Invalid("log_type", "log_type is set already at " + fixed.get("log_type").file + ":"
                        + fixed.get("log_type").line
                        + "; one log_type only");
            }
        } catch (Invalid e) {
            problems.accept(Diagnostic.error(file, a.line, a.attribute, e.getMessage() + (isDefaults
                    ? "; the defaults line is ignored" : "; " + what() + " is not served")));
            if (!isDefaults) {
                failed = true;
            }
            return;
        }
        if (!rule.modifiable || rule.name.equals("log_type")) {
            fixed.put(rule.key, new Written(a.values, file, a.line));
            return;
        }
        List<String> set = sets.computeIfAbsent(rule.name, k -> new ArrayList<>());
        setLines.put(rule.name, a.line);
        boolean duplicatesKept = rule.name.equals("env");
        switch (op) {
            case SET:
                set.clear();
                set.addAll(a.values);
                break;
            case ADD:
                for (String v : a.values) {
                    if (duplicatesKept || !set.contains(v)) {
                        set.add(v);
                    }
                }
                break;
            default:
                set.removeAll(a.values);
                break;
        }
    }

    /** Checks a value as xinetd's parser for the attribute does. */
    private static void check(String field, XinetdSyntax.Op op, List<String> values) throws Invalid {
        String first = values.isEmpty() ? "" : values.get(0);
        switch (field) {
            case "socket_type":
                if (!first.equals("stream") && !first.equals("dgram")) {
                    throw new Invalid(field, "'" + first + "' is not served; expected stream or dgram"
                            + (first.equals("raw") || first.equals("seqpacket") ? " (" + first
                            + " sockets are not supported)" : ""));
                }
                break;
            case "protocol":
                if (!first.equals("tcp") && !first.equals("udp") && !first.equals("unix")) {
                    throw new Invalid(field, "'" + first + "' is not served; expected tcp or udp (the address family "
                            + "comes from the flags IPv4 and IPv6), or unix with a path");
                }
                break;
            case "socket_mode":
                if (!first.matches("[0-7]{1,4}") || Integer.parseInt(first, 8) > 0777) {
                    throw new Invalid(field, "'" + first + "' is not a file mode; expected octal permission bits from"
                            + " 0000 to 0777, e.g. 0660");
                }
                break;
            case "path":
                if (!first.startsWith("/")) {
                    throw new Invalid(field, "'" + first + "' is not an absolute path; expected e.g. /run/echo.sock");
                }
                break;
            case "wait":
            case "groups":
            case "disable":
            case "v6only":
            case "mdns":
            case "no_new_privs":
            case "private_tmp":
            case "tls":
                Values.yesNo(field, first);
                break;
            case "capabilities":
                Values.capabilities(field, values);
                break;
            case "server_args":
            case "access_times":
            case "type":
            case "flags":
                if (values.isEmpty()) {
                    throw new Invalid(field, "'" + field + "' needs at least one value");
                }
                if (field.equals("access_times")) {
                    for (String v : values) {
                        Values.interval(field, v);
                    }
                } else if (field.equals("type")) {
                    for (String v : values) {
                        if (!Values.TYPES.contains(v)) {
                            throw new Invalid(field, "'" + v + "' is no service type; expected INTERNAL, UNLISTED, RPC, "
                                    + "TCPMUX or TCPMUXPLUS");
                        }
                    }
                } else if (field.equals("flags")) {
                    for (String v : values) {
                        if (!Values.FLAGS.contains(v)) {
                            throw new Invalid(field, "'" + v + "' is no service flag; expected one of "
                                    + String.join(", ", Values.FLAGS) + " (as written: the names are case-sensitive)");
                        }
                    }
                }
                break;
            case "instances":
            case "per_source":
                Values.countOrUnlimited(field, first);
                break;
            case "log_on_success":
            case "log_on_failure":
                Values.logFields(field, values);
                break;
            case "log_type":
                Values.logTarget(field, values);
                break;
            case "only_from":
            case "no_access":
                for (String v : values) {
                    if (v.indexOf(',') >= 0 && v.indexOf('{') < 0) {
                        throw new Invalid(field, "address '" + v + "' has a comma; separate addresses with blanks");
                    }
                }
                break;
            case "env":
                if (op == XinetdSyntax.Op.REMOVE) {
                    throw new Invalid(field, "operator '-=' does not apply to env; use = or +=");
                }
                for (String v : values) {
                    if (v.indexOf('=') <= 0) {
                        throw new Invalid(field, "'" + v + "' is not NAME=value");
                    }
                }
                break;
            case "port":
                Values.port(field, first);
                break;
            case "nice":
                Values.integer(field, first);
                break;
            case "redirect":
                Long port = Values.decimal(values.get(1));
                if (port == null || port == 0 || port > 65535) {
                    // xinetd also takes a tcp service name; resolved against the services table later
                    if (port != null || values.get(1).isEmpty()) {
                        throw new Invalid(field, "port '" + values.get(1) + "' is not from 1 to 65535");
                    }
                }
                break;
            case "cps":
                if (Values.decimal(values.get(0)) == null || Values.decimal(values.get(1)) == null) {
                    throw new Invalid(field, "'" + String.join(" ", values) + "' is not two numbers: connections per "
                            + "second and seconds to pause");
                }
                break;
            case "max_load":
                Values.maxLoad(field, first);
                break;
            case "rlimit_as":
            case "rlimit_cpu":
            case "rlimit_data":
            case "rlimit_files":
            case "rlimit_rss":
            case "rlimit_stack":
                Values.resourceLimit(field, first);
                break;
            case "deny_time":
                if (!first.equals("FOREVER") && !first.equals("NEVER") && Values.decimal(first) == null) {
                    throw new Invalid(field, "'" + first + "' is neither a number of minutes, FOREVER nor NEVER");
                }
                break;
            case "umask":
                Values.umask(field, first);
                break;
            case "rpc_version":
            case "rpc_number":
                break;
            default:
                break;
        }
    }

    /** A single-valued attribute's first value, or {@code null}. */
    String first(String key) {
        Written w = fixed.get(key);
        return w == null || w.values.isEmpty() ? null : w.values.get(0);
    }

    boolean has(String key) {
        return fixed.containsKey(key);
    }

    int lineOf(String key) {
        Written w = fixed.get(key);
        if (w != null) {
            return w.line;
        }
        Integer l = setLines.get(key);
        return l == null ? line : l;
    }

    /** Copies the sets and banners a service starts with from the defaults read so far (parse.c). */
    void inheritFrom(Block defaults) {
        for (String set : List.of("log_on_success", "log_on_failure", "only_from", "no_access", "passenv")) {
            List<String> values = defaults.sets.get(set);
            if (values != null) {
                sets.put(set, new ArrayList<>(values));
            }
        }
        for (String banner : List.of("banner", "banner_success", "banner_fail")) {
            Written w = defaults.fixed.get(banner);
            if (w != null) {
                inheritedBanners.put(banner, w);
            }
        }
    }

    /** Banners from the defaults, which the service's own replace. */
    final Map<String, Written> inheritedBanners = new LinkedHashMap<>();

    /** The banner file for {@code key}: the service's own, else the one inherited from defaults. */
    String banner(String key) {
        String own = first(key);
        if (own != null) {
            return own;
        }
        Written w = inheritedBanners.get(key);
        return w == null ? null : w.values.get(0);
    }
}
