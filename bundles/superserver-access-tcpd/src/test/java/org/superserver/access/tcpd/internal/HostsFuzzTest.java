package org.superserver.access.tcpd.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.superserver.api.Diagnostic;

/**
 * Fuzzing of hosts.allow / hosts.deny: {@link HostsParser} and the {@link Matcher} on what it
 * parsed, with structurally plausible rules (every kind of pattern, EXCEPT, options with
 * %-expansions, continuations, comments, long lines), the same mutated, and random bytes. The
 * properties: nothing throws, every diagnostic names the file and a line of it, and every parsed
 * rule decides for a few clients without throwing. The number of inputs per property is
 * {@code -Dfuzz.tries} (default in the pom: a short run; docs/FUZZING.md has the long run).
 */
public class HostsFuzzTest {

    private static final String FILE = "/etc/hosts.allow";

    // Made once: arbitraries are immutable, and making them per sample costs more than the check.
    private static final Arbitrary<String> SEPARATOR = separatorArbitrary();
    private static final Arbitrary<String> ENDING = endingArbitrary();
    private static final Arbitrary<String> PATTERN = patternArbitrary();
    private static final Arbitrary<String> DAEMONLIST = daemonListArbitrary();
    private static final Arbitrary<String> CLIENTLIST = clientListArbitrary();
    private static final Arbitrary<String> OPTIONS = optionsArbitrary();
    private static final Arbitrary<Mutation> MUTATION = mutationArbitrary();
    private static final Arbitrary<String> LINE = lineArbitrary();
    private static final Arbitrary<String> PLAUSIBLEFILES = plausibleFilesArbitrary();
    private static final Arbitrary<String> MUTATEDFILES = mutatedFilesArbitrary();
    private static final Arbitrary<String> RANDOMBYTES = randomBytesArbitrary();
    private static final Arbitrary<String> INPUTS = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, PLAUSIBLEFILES),
            net.jqwik.api.Tuple.of(4, MUTATEDFILES), net.jqwik.api.Tuple.of(2, RANDOMBYTES));

    /** Every input: plausible rules (40 %), the same mutated (40 %), random bytes (20 %). */
    @Property
    void anyInputParsesWithDiagnosticsThatNameFileAndLineAndDecides(@ForAll("inputs") String text) {
        check(text);
    }

    @Provide
    static Arbitrary<String> inputs() {
        return INPUTS;
    }

    /** The properties, for one file's text (used as hosts.allow and as hosts.deny). */
    static void check(String text) {
        HostsParser.Result r = new HostsParser(true).parse(FILE, text);
        int lines = lineCount(text);
        for (Diagnostic d : r.diagnostics) {
            if (!FILE.equals(d.file()) || d.line() < 1 || d.line() > lines) {
                throw new AssertionError("diagnostic without its file and line (1.." + lines + "): " + d
                        + "\ninput: " + escape(text));
            }
            if (d.message() == null || d.message().isEmpty()) {
                throw new AssertionError("diagnostic without a message: " + d);
            }
        }
        for (Rule rule : r.rules) {
            if (rule.line < 1 || rule.line > lines) {
                throw new AssertionError("rule at line " + rule.line + " of " + lines + ": " + escape(text));
            }
        }
        RuleSet rules = RuleSet.parsed(FILE, text, "/etc/hosts.deny", "", true);
        for (String client : CLIENTS) {
            for (String daemon : DAEMONS) {
                Outcome o = Matcher.decide(rules, request(daemon, client));
                if (o.reason == null) {
                    throw new AssertionError("decision without a reason for " + daemon + " " + client);
                }
                Expander.expand("%a %A %c %d %h %H %n %N %p %r %R %s %u %% %x", request(daemon, client));
            }
        }
    }

    private static final List<String> CLIENTS = List.of("10.1.2.3", "::1", "192.168.0.2");
    private static final List<String> DAEMONS = List.of("sshd");

    private static Request request(String daemon, String client) {
        return new Request(daemon, Hosts.endpoint("127.0.0.1", 22), Hosts.endpoint(client, 40000), true, true, 1000,
                LOOKUPS, 4242);
    }

    /** Answers at once, so that every branch of the matcher runs without a lookup thread. */
    private static final Request.Lookups LOOKUPS = new Request.Lookups() {
        @Override
        public String hostName(InetAddress address) {
            byte[] a = address.getAddress();
            return (a[a.length - 1] & 3) == 0 ? Request.UNKNOWN : (a[a.length - 1] & 3) == 1 ? Request.PARANOID
                    : "host" + (a[a.length - 1] & 0xff) + ".example.com";
        }

        @Override
        public String user(InetSocketAddress local, InetSocketAddress remote, long timeoutMillis) {
            return "joe";
        }

        @Override
        public boolean inNetgroup(String netgroup, String host) {
            return netgroup.hashCode() % 2 == 0;
        }

        @Override
        public boolean aclexec(String command, Map<String, String> env) {
            return command.length() % 2 == 0;
        }
    };

    static int lineCount(String text) {
        int n = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n' && i + 1 < text.length()) {
                n++;
            }
        }
        return n;
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ generators

    static Arbitrary<String> plausibleFilesArbitrary() {
        return LINE.list().ofMinSize(0).ofMaxSize(6).map(l -> String.join("", l));
    }

    static Arbitrary<String> mutatedFilesArbitrary() {
        return Combinators.combine(PLAUSIBLEFILES, MUTATION.list().ofMinSize(1).ofMaxSize(6))
                .as((text, ms) -> {
                    StringBuilder b = new StringBuilder(text);
                    for (Mutation m : ms) {
                        m.apply(b);
                    }
                    return b.toString();
                });
    }

    /** Bytes of every value, read as the policy reads a file (ISO-8859-1). */
    static Arbitrary<String> randomBytesArbitrary() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(400)
                .map(b -> new String(b, StandardCharsets.ISO_8859_1));
    }

    private static Arbitrary<String> lineArbitrary() {
        Arbitrary<String> rule = Combinators.combine(DAEMONLIST, CLIENTLIST, OPTIONS, SEPARATOR, ENDING)
                .as((d, c, o, sep, end) -> d + sep + ":" + sep + c + o + end);
        Arbitrary<String> comment = Arbitraries.strings().withChars("# abc:\\,").ofMaxLength(30)
                .map(s -> "#" + s + "\n");
        Arbitrary<String> blank = Arbitraries.of("\n", "  \n", "\t\n", "\\\n", "\r\n");
        Arbitrary<String> continued = Combinators.combine(DAEMONLIST, CLIENTLIST, OPTIONS)
                .as((d, c, o) -> d + " \\\n: " + c + " \\\n" + o + "\n");
        Arbitrary<String> longLine = Combinators.combine(DAEMONLIST, PATTERN.list().ofMinSize(20).ofMaxSize(80))
                .as((d, ps) -> d + ": " + String.join(" ", ps) + "\n");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, rule), net.jqwik.api.Tuple.of(2, comment), net.jqwik.api.Tuple.of(1, blank),
                net.jqwik.api.Tuple.of(2, continued), net.jqwik.api.Tuple.of(1, longLine.map(l -> l + l + l)));
    }

    private static Arbitrary<String> separatorArbitrary() {
        return Arbitraries.of("", " ", "\t", "  ");
    }

    private static Arbitrary<String> endingArbitrary() {
        return Arbitraries.of("\n", "\n", "\n", "", "\r\n", " \\\n", "\\\n");
    }

    private static Arbitrary<String> daemonListArbitrary() {
        Arbitrary<String> daemon = Arbitraries.oneOf(
                Arbitraries.of("ALL", "sshd", "in.fingerd", "in.telnetd", "vsftpd", "22", "79", "0", "99999999999",
                        "sshd@127.0.0.1", "ALL@localhost", "in.*", "ss?d", ".d", "in.", "@grp", "/etc/daemons",
                        "KNOWN", "LOCAL", "PARANOID", "UNKNOWN", "FAIL", "sshd@[::1]", "x@", "@", "*", "?"),
                Arbitraries.strings().alpha().numeric().withChars(".-_*?@").ofMinLength(1).ofMaxLength(12));
        return list(daemon);
    }

    private static Arbitrary<String> clientListArbitrary() {
        return list(PATTERN);
    }

    private static Arbitrary<String> list(Arbitrary<String> element) {
        Arbitrary<String> plain = element.list().ofMinSize(0).ofMaxSize(5).map(l -> String.join(listSeparator(l), l));
        return Combinators.combine(plain, plain, plain, Arbitraries.integers().between(0, 3))
                .as((a, b, c, except) -> except == 0 ? a + " EXCEPT " + b
                        : except == 1 ? a + " except " + b + " EXCEPT " + c : a);
    }

    private static String listSeparator(List<String> l) {
        return l.size() % 3 == 0 ? ", " : l.size() % 3 == 1 ? " " : ",";
    }

    static Arbitrary<String> patternArbitrary() {
        Arbitrary<Integer> octet = Arbitraries.integers().between(0, 300);
        Arbitrary<String> v4 = Combinators.combine(octet, octet, octet, octet).as((a, b, c, d) -> a + "." + b + "." + c + "." + d);
        Arbitrary<String> prefix = Combinators.combine(octet, octet).as((a, b) -> a + "." + b + ".");
        Arbitrary<String> cidr = Combinators.combine(v4, Arbitraries.integers().between(-1, 40))
                .as((n, l) -> n + "/" + l);
        Arbitrary<String> netmask = Combinators.combine(v4, v4).as((n, m) -> n + "/" + m);
        Arbitrary<String> v6 = Arbitraries.of("[::1]", "[2001:db8::]/32", "[2001:db8::5]", "[::]/0", "[::ffff:1.2.3.4]",
                "[::ffff:0:0]/96", "[fe80::1%eth0]", "[::1]/abc", "[::1]/129", "[", "[]", "[::1", "[1:2:3]/64",
                "[2001:db8::]/64x", "[:::]");
        Arbitrary<String> names = Arbitraries.of(".example.com", ".com", "host5.example.com", "localhost", "LOCALHOST.",
                "ALL", "KNOWN", "UNKNOWN", "LOCAL", "PARANOID", "FAIL", "all", "*.example.com", "host?.example.com",
                "10.1.*", "@netgroup", "@", "@@x", "/etc/hosts.list", "/", "joe@10.1.2.3", "ALL@.example.com",
                "KNOWN@ALL", "UNKNOWN@10.", "@grp@host", "joe@", "@joe@x", ".", "..", "0x7f.1", "0177.0.0.1",
                "10.0.0.0/255.0.0.0", "255.255.255.255/255.255.255.255", "0.0.0.0/0", "0.0.0.0/0.0.0.0",
                "1.2.3.4/8x", "1.2.3.4/", "/32", "1.2.3", ".10.1.", "EXCEPT", "except");
        Arbitrary<String> user = Combinators.combine(Arbitraries.of("joe", "ALL", "KNOWN", "UNKNOWN", "@grp", ""),
                Arbitraries.oneOf(v4, prefix, names)).as((u, h) -> u + "@" + h);
        Arbitrary<String> random = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(16)
                .filter(s -> s.indexOf(':') < 0 && s.indexOf(',') < 0);
        return Arbitraries.oneOf(v4, prefix, cidr, netmask, v6, names, user, random);
    }

    private static Arbitrary<String> optionsArbitrary() {
        Arbitrary<String> expansion = Arbitraries.of("%a", "%A", "%c", "%d", "%h", "%H", "%n", "%N", "%p", "%r",
                "%R", "%s", "%u", "%%", "%x", "%", "%%%", "text", "/var/log/x", "a b");
        Arbitrary<String> value = expansion.list().ofMaxSize(4).map(l -> String.join("", l));
        Arbitrary<String> option = Arbitraries.oneOf(
                Arbitraries.of("allow", "deny", "ALLOW", "keepalive", "rfc931", "nice", "bogus", "", " ", "=",
                        "severity", "umask", "linger", "user", "group"),
                value.map(v -> "spawn " + v), value.map(v -> "twist " + v), value.map(v -> "setenv NAME " + v),
                value.map(v -> "setenv " + v), value.map(v -> "banners /nonexistent/" + v),
                value.map(v -> "aclexec " + v), value.map(v -> "echo " + v),
                Arbitraries.of("umask 022", "umask 999", "umask 08", "umask 0777", "umask -1", "umask 77777777777777",
                        "linger 5", "linger -1", "linger x", "linger 99999999999", "nice", "nice 5", "nice -5",
                        "nice 1.5", "nice 99999999999", "rfc931 3", "rfc931 0", "rfc931 -1", "rfc931 99999999999999999",
                        "rfc931 x", "severity auth.info", "severity loud", "severity .", "severity mail.",
                        "user nobody", "user nobody.nogroup", "user .", "user nobody.", "group daemon", "keepalive x",
                        "allow x", "deny = x", "spawn=x", "twist = %a"));
        return option.list().ofMaxSize(4).map(l -> l.isEmpty() ? "" : " : " + String.join(" : ", l));
    }

    /** A small edit of a text: insert, delete, duplicate or swap bytes, or splice in a separator. */
    interface Mutation {
        void apply(StringBuilder b);
    }

    private static Arbitrary<Mutation> mutationArbitrary() {
        Arbitrary<Integer> pos = Arbitraries.integers().between(0, 100_000);
        Arbitrary<Character> ch = Arbitraries.oneOf(Arbitraries.of(':', ',', ' ', '\n', '\\', '#', '[', ']', '@', '/',
                '%', '.', '*', '?', '\t', '\r', '\u0000', '\u00ff', '='), Arbitraries.chars().range('\u0000', '\u00ff'));
        return Arbitraries.oneOf(
                Combinators.combine(pos, ch).as((p, c) -> b -> b.insert(p % (b.length() + 1), c)),
                pos.map(p -> b -> {
                    if (b.length() > 0) {
                        b.deleteCharAt(p % b.length());
                    }
                }),
                Combinators.combine(pos, pos).as((p, q) -> b -> {
                    if (b.length() > 0) {
                        int from = p % b.length();
                        int to = Math.min(b.length(), from + q % 40);
                        b.insert(from, b.substring(from, to));
                    }
                }),
                Combinators.combine(pos, ch).as((p, c) -> b -> {
                    if (b.length() > 0) {
                        b.setCharAt(p % b.length(), c);
                    }
                }));
    }
}
