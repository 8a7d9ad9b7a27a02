package org.superserver.config.xinetd.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How xinetd reads one attribute (parse.c's attribute tables): how many values it takes, whether
 * it is a set that {@code +=} and {@code -=} modify, and whether a {@code defaults} section may
 * carry it. {@code bind} and {@code interface} are one attribute under two names.
 */
final class AttributeRule {

    /** Any number of values (0 or more). */
    static final int ANY = -1;

    final String name;
    /** The attribute's identity: {@code interface} is {@code bind}. */
    final String key;
    /** Exactly this many values, or {@link #ANY}. */
    final int values;
    /** A set: may appear more than once, with {@code =}, {@code +=} and {@code -=}. */
    final boolean modifiable;

    private AttributeRule(String name, String key, int values, boolean modifiable) {
        this.name = name;
        this.key = key;
        this.values = values;
        this.modifiable = modifiable;
    }

    private static final Map<String, AttributeRule> SERVICE = new LinkedHashMap<>();
    private static final Map<String, AttributeRule> DEFAULTS = new LinkedHashMap<>();

    static {
        one(SERVICE, "socket_type", 1);
        one(SERVICE, "protocol", 1);
        one(SERVICE, "wait", 1);
        one(SERVICE, "user", 1);
        one(SERVICE, "group", 1);
        one(SERVICE, "server", 1);
        one(SERVICE, "server_args", ANY);
        one(SERVICE, "instances", 1);
        set(SERVICE, "log_on_success");
        set(SERVICE, "log_on_failure");
        one(SERVICE, "log_type", ANY);
        set(SERVICE, "only_from");
        set(SERVICE, "no_access");
        one(SERVICE, "access_times", ANY);
        one(SERVICE, "type", ANY);
        one(SERVICE, "rpc_version", 1);
        one(SERVICE, "rpc_number", 1);
        one(SERVICE, "id", 1);
        set(SERVICE, "env");
        one(SERVICE, "port", 1);
        set(SERVICE, "passenv");
        one(SERVICE, "flags", ANY);
        one(SERVICE, "nice", 1);
        one(SERVICE, "redirect", 2);
        one(SERVICE, "banner", 1);
        one(SERVICE, "bind", 1);
        // this server's extension: a Unix-domain socket (protocol = unix)
        one(SERVICE, "path", 1);
        one(SERVICE, "socket_mode", 1);
        one(SERVICE, "socket_owner", 1);
        one(SERVICE, "socket_group", 1);
        SERVICE.put("interface", new AttributeRule("interface", "bind", 1, false));
        one(SERVICE, "per_source", 1);
        one(SERVICE, "groups", 1);
        one(SERVICE, "banner_success", 1);
        one(SERVICE, "banner_fail", 1);
        one(SERVICE, "cps", 2);
        one(SERVICE, "disable", 1);
        one(SERVICE, "max_load", 1);
        one(SERVICE, "rlimit_as", 1);
        one(SERVICE, "rlimit_cpu", 1);
        one(SERVICE, "rlimit_data", 1);
        one(SERVICE, "rlimit_files", 1);
        one(SERVICE, "rlimit_rss", 1);
        one(SERVICE, "rlimit_stack", 1);
        one(SERVICE, "v6only", 1);
        one(SERVICE, "deny_time", 1);
        one(SERVICE, "umask", 1);
        one(SERVICE, "libwrap", 1);
        one(SERVICE, "mdns", 1);
        one(SERVICE, "no_new_privs", 1);
        one(SERVICE, "capabilities", ANY);
        one(SERVICE, "private_tmp", 1);
        one(SERVICE, "tls", 1);
        one(SERVICE, "tls_certificate", 1);
        one(SERVICE, "tls_key", 1);
        one(SERVICE, "tls_client_ca", 1);

        set(DEFAULTS, "log_type");
        set(DEFAULTS, "log_on_success");
        set(DEFAULTS, "log_on_failure");
        set(DEFAULTS, "disabled");
        set(DEFAULTS, "no_access");
        set(DEFAULTS, "only_from");
        one(DEFAULTS, "instances", 1);
        set(DEFAULTS, "passenv");
        one(DEFAULTS, "banner", 1);
        one(DEFAULTS, "bind", 1);
        DEFAULTS.put("interface", new AttributeRule("interface", "bind", 1, false));
        one(DEFAULTS, "per_source", 1);
        one(DEFAULTS, "groups", 1);
        one(DEFAULTS, "banner_success", 1);
        one(DEFAULTS, "banner_fail", 1);
        one(DEFAULTS, "cps", 2);
        set(DEFAULTS, "enabled");
        one(DEFAULTS, "max_load", 1);
        one(DEFAULTS, "v6only", 1);
        one(DEFAULTS, "umask", 1);
        one(DEFAULTS, "no_new_privs", 1);
        one(DEFAULTS, "capabilities", ANY);
        one(DEFAULTS, "private_tmp", 1);
        one(DEFAULTS, "tls", 1);
        one(DEFAULTS, "tls_certificate", 1);
        one(DEFAULTS, "tls_key", 1);
        one(DEFAULTS, "tls_client_ca", 1);
    }

    private static void one(Map<String, AttributeRule> table, String name, int values) {
        table.put(name, new AttributeRule(name, name, values, false));
    }

    private static void set(Map<String, AttributeRule> table, String name) {
        table.put(name, new AttributeRule(name, name, ANY, true));
    }

    /** The rule for an attribute of a service block, or {@code null} when xinetd has none of that name. */
    static AttributeRule service(String name) {
        return SERVICE.get(name);
    }

    /** The rule for an attribute of the defaults section, or {@code null} when it may not be there. */
    static AttributeRule defaults(String name) {
        return DEFAULTS.get(name);
    }

    /** Whether a service block may carry the attribute (for the message about a defaults one). */
    static boolean isServiceAttribute(String name) {
        return SERVICE.containsKey(name);
    }

    /** The names a defaults section may carry, for messages. */
    static String defaultsNames() {
        return String.join(", ", DEFAULTS.keySet());
    }
}
