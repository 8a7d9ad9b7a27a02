package org.superserver.config.cm.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.Vector;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.superserver.api.AddressLiterals;
import org.superserver.api.ServiceDefinition;

/**
 * Property-based fuzzing of the Configuration Admin mapper: property maps as Configuration Admin
 * and FileInstall hand them over (strings, numbers, booleans, arrays, collections), built from
 * valid configurations with values mutated, swapped for other types or left out, plus random
 * keys and values. Whatever the input, the mapper returns: a valid definition, a disabled
 * service, or one invalid property named with what is wrong, always with the configuration's
 * origin (file or PID).
 *
 * <p>Each property runs {@code jqwik.tries.default} tries: a few thousand in the normal build, as
 * many as {@code -Dfuzz.tries=N} asks for (see docs/FUZZING.md).
 */
public class ServiceConfigMapperFuzzTest {

    @Property
    void anyPropertiesMapToADefinitionOrANamedProblem(@ForAll("configurations") Map<String, Object> properties) {
        MappingResult r = check(properties);
        // the report shows how the inputs spread over the outcomes (each invalid property by name)
        Statistics.label("outcome").collect(!r.isValid() ? "invalid " + r.property()
                : r.definition() == null ? "disabled" : r.definition().isInternal() ? "valid built-in" : "valid program");
    }

    static MappingResult check(Map<String, Object> properties) {
        MappingResult r = ServiceConfigMapper.map(properties);
        String what = r + " from " + properties;
        require(r.origin() != null && !r.origin().isBlank(), "no origin: " + what);
        if (!r.isValid()) {
            require(r.definition() == null, "invalid with a definition: " + what);
            require(ServiceConfigMapper.KNOWN.contains(r.property()) || ServiceConfigMapper.ACCESS.contains(r.property()),
                    "names no known property: " + what);
            require(r.problem() != null && !r.problem().isBlank(), "says nothing: " + what);
            return r;
        }
        ServiceDefinition d = r.definition();
        if (d == null) {
            return r; // disabled
        }
        require(d.id().startsWith("cm:"), "id: " + what);
        require(d.origin().equals(r.origin()), "origin: " + what);
        require(d.port() >= 0 && d.port() <= 65535, "port: " + what);
        require(d.bindAddress() == null || AddressLiterals.isLiteral(d.bindAddress()), "bind: " + what);
        require(d.instances() >= 0, "instances: " + what);
        require(!d.name().isBlank() && d.name().chars().noneMatch(Character::isWhitespace), "service: " + what);
        require(d.protocol().socketType() == d.socketType(), "socket type: " + what);
        d.passenv().forEach(n -> require(n.matches("[A-Za-z_][A-Za-z0-9_]*"), "passenv: " + what));
        d.policies().forEach(n -> require(n.matches("[A-Za-z0-9][A-Za-z0-9._-]*"), "policies: " + what));
        if (d.isInternal()) {
            require(d.server() == null && d.handler() != null && !d.handler().isBlank(), "built-in: " + what);
        } else {
            require(d.server().startsWith("/") && !d.argv().isEmpty(), "program: " + what);
            d.argv().forEach(a -> require(a.chars().allMatch(c -> c <= 0xff), "argv not bytes: " + what));
        }
        d.attributes().keySet().forEach(k -> require((!ServiceConfigMapper.KNOWN.contains(k) || "flags".equals(k)) && k.indexOf('.') < 0,
                "attribute " + k + ": " + what));
        return r;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    // ---- generators ----
    //
    // jqwik draws a seed; the configuration is built from it with java.util.Random. Building a map
    // of sixteen properties through jqwik's combinators costs about a millisecond a try, which makes
    // a million tries take too long; a seed costs next to nothing, and a failure still reports the
    // seed (and the map) that reproduces it.

    @Provide
    Arbitrary<Map<String, Object>> configurations() {
        return Arbitraries.longs().map(ServiceConfigMapperFuzzTest::configuration);
    }

    private static final List<String> KEYS = sorted(union(ServiceConfigMapper.KNOWN, ServiceConfigMapper.ACCESS));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> sorted(Set<String> keys) {
        List<String> list = new ArrayList<>(keys);
        list.sort(null);
        return list;
    }

    /** A configuration: each known property plausible, mutated, of another type or absent; extra keys; origin. */
    static Map<String, Object> configuration(long seed) {
        Random random = new Random(seed);
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            p.put(random.nextBoolean() ? pick(random, "only_from", "no_access", "component.name",
                    "service.factoryPid", "", ".", "x.y") : text(random), anyValue(random));
        }
        // a valid configuration first (a built-in or a program), then one property in eight spoiled
        boolean internal = random.nextBoolean();
        for (String key : KEYS) {
            String valid = valid(random, key, internal);
            if (valid != null) {
                p.put(key, valid);
            }
            if (random.nextInt(8) == 0) {
                int roll = random.nextInt(4);
                if (roll == 0) {
                    p.put(key, plausible(random, key));
                } else if (roll == 1) {
                    p.put(key, mutate(random, valid != null ? valid : plausible(random, key)));
                } else if (roll == 2) {
                    p.put(key, anyValue(random));
                } else {
                    p.remove(key);
                }
            }
        }
        p.put("service.pid", pick(random, "org.superserver.service~echo", "", "x"));
        if (random.nextBoolean()) {
            p.put(ServiceConfigMapper.FILEINSTALL_FILENAME, pick(random,
                    "file:/opt/superserver/deploy/org.superserver.service-echo.cfg", "file:bad uri", "file:",
                    "/plain/path.cfg", ".cfg", "", "file:/a%zz"));
        }
        return p;
    }

    private static String pick(Random random, String... values) {
        return values[random.nextInt(values.length)];
    }

    private static final char[] SPECIAL = {'\0', '\t', '\n', ' ', '\u00a0', '\u2028', '\u3000', '\uffff', '\ud800',
        '=', '*', '%', ':', '/', '.', ',', '-', '+', '9'};

    private static char character(Random random) {
        return random.nextInt(3) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : (char) random.nextInt(0x100);
    }

    private static String text(Random random) {
        char[] chars = new char[random.nextInt(13)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = character(random);
        }
        return new String(chars);
    }

    /** One to three edits: a char replaced, inserted or deleted, or the value cut short. */
    private static String mutate(Random random, String value) {
        StringBuilder b = new StringBuilder(value);
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            int at = b.length() == 0 ? 0 : random.nextInt(b.length());
            switch (random.nextInt(4)) {
                case 0:
                    if (b.length() > 0) {
                        b.setCharAt(at, character(random));
                    }
                    break;
                case 1:
                    b.insert(at, character(random));
                    break;
                case 2:
                    if (b.length() > 0) {
                        b.deleteCharAt(at);
                    }
                    break;
                default:
                    b.setLength(at);
            }
        }
        return b.toString();
    }

    /** A value of any type Configuration Admin allows (and some it does not). */
    private static Object anyValue(Random random) {
        switch (random.nextInt(12)) {
            case 0:
                return random.nextInt();
            case 1:
                return random.nextLong();
            case 2:
                return random.nextDouble() * Math.pow(10, random.nextInt(40));
            case 3:
                return new Object[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0d, Boolean.TRUE, 'x', (short) 7,
                    (byte) -1, new Object()}[random.nextInt(8)];
            case 4:
                return new String[] {text(random), text(random)};
            case 5:
                return new int[] {random.nextInt(70000), random.nextInt()};
            case 6:
                return new Vector<>(List.of(text(random)));
            case 7:
                return new Object[] {new String[] {"a", "b"}, null, 5};
            case 8:
                return new char[] {'n', 'o'};
            case 9:
                return new ArrayList<>(java.util.Arrays.asList("x", null));
            case 10:
                return new String[0];
            default:
                return text(random);
        }
    }

    /** A valid value of one known property for a built-in or a program, or {@code null} to leave it out. */
    private static String valid(Random random, String key, boolean internal) {
        switch (key) {
            case "service":
                return pick(random, "echo", "ftp", "x-" + random.nextInt(1000));
            case "id":
                return internal && random.nextBoolean() ? pick(random, "echo", "discard", "echo-stream") : null;
            case "handler":
                return internal && random.nextBoolean() ? pick(random, "echo", "discard") : null;
            case "type":
                return internal ? pick(random, "INTERNAL", "INTERNAL UNLISTED", "internal") : pick(random, null, "UNLISTED");
            case "socket_type":
                return pick(random, "stream", null);
            case "protocol":
                return pick(random, "tcp", "tcp4", "tcp6", null);
            case "port":
                return String.valueOf(random.nextInt(65536));
            case "bind":
                return pick(random, "127.0.0.1", "::1", "*", null, "0.0.0.0");
            case "wait":
                return pick(random, "yes", "no", null);
            case "disable":
                return pick(random, "no", null, null, "false");
            case "user":
                return pick(random, "root", "nobody", null);
            case "group":
                return pick(random, "nogroup", null);
            case "server":
                return internal ? null : pick(random, "/bin/cat", "/usr/sbin/in.fingerd", "/srv/caf\u00e9");
            case "server_args":
                return internal ? null : pick(random, "-l -a", null, "caf\u00e9 \u20ac");
            case "passenv":
                return pick(random, "TERM", "TERM PATH", null);
            case "instances":
                return pick(random, "UNLIMITED", "1", "25", null);
            case "policies":
                return pick(random, "tcpd", "tcpd extra", null);
            case "per_source":
            case "max_per_minute":
                return pick(random, "UNLIMITED", "3", null, null);
            case "cps":
                return pick(random, "10 5", null, null);
            case "max_load":
                return pick(random, "2.5", "0", null);
            case "nice":
                return pick(random, "10", "-5", null);
            case "umask":
                return pick(random, "022", "077", null);
            case "groups":
            case "v6only":
            case "no_new_privs":
            case "private_tmp":
                return pick(random, "yes", "no", null);
            case "capabilities":
                return pick(random, "none", "CAP_NET_BIND_SERVICE", null, null);
            case "rlimit_as":
            case "rlimit_data":
                return pick(random, "64M", "UNLIMITED", null, null);
            case "rlimit_files":
            case "rlimit_cpu":
                return pick(random, "256", null, null);
            case "log_on_success":
                return pick(random, "PID HOST", "", null, null);
            case "log_on_failure":
                return pick(random, "HOST ATTEMPT", null);
            case "log_type":
                return pick(random, "FILE /var/log/x 5K 6K", "SYSLOG daemon info", null, null);
            case "flags":
                return pick(random, "KEEPALIVE NODELAY", "IPv6", null, null);
            case "env":
                return pick(random, "LANG=C A=b", null, null);
            case "only_from":
                return pick(random, "127.0.0.1 10.0.0.0/8", "", null, null);
            case "access_times":
                return pick(random, "08:00-18:30", null, null);
            case "deny_time":
                return pick(random, "60", "FOREVER", null, null);
            default:
                return null;
        }
    }

    /** Plausible values of one known property, as strings (how a .cfg file holds them). */
    private static String plausible(Random random, String key) {
        switch (key) {
            case "service":
                return pick(random, "echo", "ftp", "two words", "", " ", "\u00e9cho");
            case "id":
                return pick(random, "echo", "discard", "echo-dgram", "", "no such handler");
            case "handler":
                return pick(random, "echo", "discard", "", "no such handler", "\u3000");
            case "type":
                return pick(random, "INTERNAL", "UNLISTED", "INTERNAL UNLISTED", "internal", "RPC", "");
            case "socket_type":
                return pick(random, "stream", "dgram", "raw", "STREAM", "");
            case "protocol":
                return pick(random, "tcp", "udp", "tcp4", "tcp6", "udp4", "udp6", "sctp", "tcp46", "");
            case "port":
                return pick(random, "0", "7", "65535", "65536", "-1", "+7", " 7 ", "0x10", "99999999999", "seven", "",
                        String.valueOf(random.nextInt()));
            case "bind":
                return pick(random, "127.0.0.1", "::1", "[::1]", "*", "localhost", "999.0.0.1", "fe80::1%lo",
                        "fe80::1%nosuch", "0.0.0.0", "::ffff:127.0.0.1", "");
            case "wait":
            case "disable":
                return pick(random, "yes", "no", "no", "true", "false", "YES", "maybe", "");
            case "user":
            case "group":
                return pick(random, "root", "nobody", "nogroup", "", "a b");
            case "server":
                return pick(random, "/bin/cat", "/usr/sbin/in.fingerd", "cat", "/", "/srv/caf\u00e9", "");
            case "server_args":
                return pick(random, "-l -a", "  ", "caf\u00e9 \u20ac", "a\0b", "");
            case "passenv":
                return pick(random, "TERM", "TERM PATH", "LD_*", "A=1", "_X9", "9X", "");
            case "instances":
                return pick(random, "UNLIMITED", "unlimited", "0", "1", "-1", "2147483648", "many", "");
            case "policies":
            case "optional_policies":
                return pick(random, "tcpd", "tcpd extra", "tcpd,xinetd", "-x", "");
            case "cps":
                return pick(random, "10 5", "10", "0 5", "10 0", "1 2 3", "x y", "");
            case "redirect":
                return pick(random, "127.0.0.1 8080", "host", "host 0", "host 65536", "a b", "h/x 1", "");
            case "umask":
                return pick(random, "022", "0777", "1000", "8", "-1", "");
            case "nice":
                return pick(random, "19", "20", "-21", "x", "");
            case "max_load":
                return pick(random, "2.5", "-1", "NaN", "Infinity", "0x1p3", "1e3", "");
            case "rlimit_as":
            case "rlimit_cpu":
            case "rlimit_files":
                return pick(random, "1K", "2M", "UNLIMITED", "-1", "1G", "K", "99999999999999999999", "");
            case "log_on_success":
            case "log_on_failure":
                return pick(random, "PID", "ATTEMPT", "HOST USERID", "EXIT TRAFFIC", "X", "");
            case "log_type":
                return pick(random, "FILE", "FILE rel", "FILE /a 2 1", "SYSLOG", "SYSLOG daemon", "DEFAULT", "X", "");
            case "flags":
                return pick(random, "SENSOR", "NAMEINARGS", "ipv6", "BOGUS", "");
            case "env":
                return pick(random, "A=1", "=1", "A", "1A=2", "");
            case "access_times":
                return pick(random, "08:00-18:30", "24:00-01:00", "8-9", "");
            case "deny_time":
                return pick(random, "10", "forever", "-1", "10 20", "");
            case "banner":
            case "banner_success":
            case "banner_fail":
                return pick(random, "/etc/banner", "rel", "/a /b", "");
            default:
                return "";
        }
    }
}
