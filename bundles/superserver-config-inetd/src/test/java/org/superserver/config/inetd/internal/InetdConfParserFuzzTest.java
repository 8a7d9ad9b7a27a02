package org.superserver.config.inetd.internal;

import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.superserver.api.AddressLiterals;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.ServicesTable;

/**
 * Property-based fuzzing of the inetd.conf parser (and the services table reader): structurally
 * plausible files (valid lines with fields, separators, bytes and lengths mutated, comments,
 * continuation lines, address prefixes, {@code .max} and {@code user.group} forms, tcpd lines)
 * and pure random bytes. Whatever the input, the parser returns: every problem is a diagnostic
 * naming the file, a line of the input and a field, and every definition it accepts is valid.
 *
 * <p>Each property runs {@code jqwik.tries.default} tries: a few thousand in the normal build, as
 * many as {@code -Dfuzz.tries=N} asks for (see docs/FUZZING.md).
 */
public class InetdConfParserFuzzTest {

    private static final String FILE = "/etc/inetd.conf";
    private static final Set<String> FIELDS = Set.of("address", "service", "socket type", "protocol", "wait", "user",
            "server program", "server arguments", "line");

    /** Resolves {@code localhost} and {@code dual} (to both families), nothing else, without I/O. */
    private static final AddressResolver RESOLVER = host -> {
        switch (host) {
            case "localhost":
                return List.of("127.0.0.1");
            case "dual":
                return List.of("127.0.0.1", "::1");
            default:
                throw new UnknownHostException(host);
        }
    };

    private static final InetdConfParser PARSER =
            new InetdConfParser(TestServices.table(), "/etc/services", false, RESOLVER);
    private static final InetdConfParser WRAPPING =
            new InetdConfParser(TestServices.table(), "/etc/services", true, RESOLVER);

    // ---- properties ----

    @Property
    void plausibleFilesParseToDiagnosticsAndValidDefinitions(@ForAll("plausibleFiles") String text) {
        ParseResult result = check(PARSER, text);
        // the report shows how the lines spread over the outcomes (each error by its field)
        Statistics.label("definitions").collect(Math.min(result.definitions().size(), 5));
        result.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::field).distinct()
                .forEach(field -> Statistics.label("error fields").collect(field));
    }

    @Property
    void randomBytesParseToDiagnosticsAndValidDefinitions(@ForAll("randomBytes") String text) {
        check(WRAPPING, text);
    }

    @Property
    void anyServicesTableIsRead(@ForAll("randomBytes") String text) {
        ServicesTable table = ServicesTable.parse(text);
        table.port("echo", "tcp6");
        new InetdConfParser(table, "/etc/services", false, RESOLVER).parse(FILE, "echo stream tcp nowait root internal");
    }

    /** The fuzzing property itself: any exception fails it; so does a diagnostic or definition out of shape. */
    static ParseResult check(InetdConfParser parser, String text) {
        ParseResult result = parser.parse(FILE, text);
        int lines = text.split("\n", -1).length;
        for (Diagnostic d : result.diagnostics()) {
            Supplier<String> where = () -> InetdConfParser.describe(d) + " for input " + quote(text);
            require(FILE.equals(d.file()), () -> "diagnostic names another file: " + where.get());
            require(d.line() >= 1 && d.line() <= lines, () -> "diagnostic names no line of the input: " + where.get());
            require(d.field() != null && FIELDS.contains(d.field()), () -> "diagnostic names no known field: " + where.get());
            require(d.message() != null && !d.message().isBlank(), () -> "diagnostic says nothing: " + where.get());
        }
        for (ServiceDefinition d : result.definitions()) {
            Supplier<String> what = () -> d + " from input " + quote(text);
            require(d.id().startsWith(InetdConfParser.ID_PREFIX + FILE + ":"), () -> "id outside the file's: " + what.get());
            require(d.origin() != null && d.origin().startsWith(FILE + ":"), () -> "origin is not FILE:LINE: " + what.get());
            int line = Integer.parseInt(d.origin().substring(FILE.length() + 1));
            require(line >= 1 && line <= lines, () -> "origin names no line of the input: " + what.get());
            require(d.port() >= 1 && d.port() <= 65535, () -> "port outside 1-65535: " + what.get());
            require(d.bindAddress() == null || AddressLiterals.isLiteral(d.bindAddress()), () -> "bind address: " + what.get());
            require(d.maxPerMinute() >= 0 && d.instances() >= 0, () -> "negative limit: " + what.get());
            require(!d.name().isEmpty() && clean(d.name()), () -> "service name: " + what.get());
            require(d.user() != null && !d.user().isEmpty() && clean(d.user()), () -> "user: " + what.get());
            require(d.group() == null || (!d.group().isEmpty() && clean(d.group())), () -> "group: " + what.get());
            if (d.isInternal()) {
                require(d.server() == null && clean(d.handler()) && !d.handler().isEmpty(), () -> "built-in: " + what.get());
            } else {
                require(!d.argv().isEmpty() && clean(d.server()) && !d.server().isEmpty(), () -> "program: " + what.get());
                d.argv().forEach(a -> require(clean(a) && !a.isEmpty(), () -> "argument: " + what.get()));
            }
            if (parser == WRAPPING) {
                require(d.policies().contains(InetdConfParser.TCPD_POLICY), () -> "wrap_all without tcpd: " + what.get());
            }
        }
        return result;
    }

    /** No separator and no NUL: a word as a program could receive it. */
    private static boolean clean(String word) {
        return word.indexOf(' ') < 0 && word.indexOf('\t') < 0 && word.indexOf('\n') < 0 && word.indexOf('\0') < 0;
    }

    /** The message is built only on failure: quoting the input for every check would dominate a long run. */
    private static void require(boolean condition, Supplier<String> message) {
        if (!condition) {
            throw new AssertionError(message.get());
        }
    }

    private static String quote(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            s.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return s.append('"').toString();
    }

    // ---- generators ----

    @Provide
    Arbitrary<String> randomBytes() {
        // a file's bytes, read as the source reads them: ISO-8859-1, one char per byte
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600)
                .map(b -> new String(b, StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<String> plausibleFiles() {
        Arbitrary<String> line = Arbitraries.frequencyOf(
                Tuple.of(4, mutated(validLine())),
                Tuple.of(6, validLine()),
                Tuple.of(1, Arbitraries.of("", "#", "# a comment", "#<off># echo stream tcp nowait root internal",
                        "   ", "\t", "\r", "127.0.0.1:", "*:", "*:", "dual:", "999.0.0.1:", ",:", "[:", "nohost:")),
                Tuple.of(1, continuation()));
        return Combinators.combine(line.list().ofMinSize(1).ofMaxSize(12), Arbitraries.of("", "\n", "\r\n"))
                .as((lines, end) -> String.join("\n", lines) + end);
    }

    private static Arbitrary<String> continuation() {
        return validLine().map(l -> l.replaceFirst("[ \t]+", "\n\t").replaceFirst(" (nowait|wait)", "\n   $1"));
    }

    /** Mostly one of the valid values, now and then one of the odd ones. */
    private static Arbitrary<String> field(List<String> valid, List<String> odd) {
        return Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.of(valid)), Tuple.of(1, Arbitraries.of(odd)));
    }

    /** A line that is valid in most of its fields, with odd values (that may make it invalid) mixed in. */
    private static Arbitrary<String> validLine() {
        Arbitrary<String> address = field(List.of("", "", "", "127.0.0.1:", "[::1]:", "::1:", "*:", ":",
                "localhost:", "dual:", "127.0.0.1,[::1]:", "[127.0.0.1]:", "0.0.0.0:", "::ffff:127.0.0.1:"),
                List.of("999.1.1.1:", "1.2.3:", "fe80::1%lo:", "[fe80::1%nosuch]:", "unknown.invalid:", "[]:", ",,:",
                        "[::1]", "a:b:c:"));
        Arbitrary<String> service = Arbitraries.oneOf(
                field(List.of("echo", "discard", "daytime", "chargen", "time", "1", "65535", "000007", "10007"),
                        List.of("nosuch", "finger", "tftp", "0", "65536", "99999", "-1", "0x10", "18446744073709551616",
                                "99999999999999999999999", "7a", "")),
                Arbitraries.integers().between(1, 65535).map(String::valueOf));
        Arbitrary<String> socketAndProtocol = Combinators.combine(
                field(List.of("stream tcp", "stream tcp4", "stream tcp6", "stream tcp46", "dgram udp", "dgram udp4",
                        "dgram udp6", "dgram udp46"),
                        List.of("raw tcp", "rdm udp", "seqpacket tcp", "STREAM tcp", "streams tcp", "stream udp",
                                "dgram tcp", "stream unix", "stream rpc/tcp", "dgram sctp")),
                field(List.of("", "", "", ",sndbuf=64k", ",rcvbuf=1m", ",sndbuf=1,rcvbuf=2", ",sndbuf=2047m"),
                        List.of(",sndbuf=1,rcvbuf=2,sndbuf=3", ",sndbuf=99999999999k", ",rcvbuf=", ",rcvbuf=0",
                                ",other=1", ",sndbuf", ",", ",rcvbuf=2147483648")))
                .as((sp, options) -> sp + options);
        Arbitrary<String> wait = Arbitraries.oneOf(
                field(List.of("wait", "nowait", "nowait", "nowait.0x10", "nowait.0777", "nowait.2147483647", "wait.1",
                        "nowait/5", "wait/0"),
                        List.of("nowait.", "wait.0", "nowait.0X", "nowait.08", "nowait.-1", "nowait.+5",
                                "nowait.99999999999999999999", "nowait.2147483648", "nowait/", "nowait/5/6",
                                "nowait/5/6/7", "nowait/1234567890", "maybe", "nowait.5/3", "nowait..5", ".")),
                Arbitraries.longs().map(n -> "nowait." + n));
        Arbitrary<String> user = field(List.of("root", "nobody", "nobody.tty", "nobody:nogroup", "a.b:c", "a:b.c",
                "user.group.more", "\u00e9l\u00e8ve"), List.of("root.", "root:", ".wheel", ":wheel", ".", ":"));
        Arbitrary<String> server = field(List.of("internal", "internal echo", "internal internal", "/usr/sbin/tcpd in.fingerd",
                "tcpd /usr/sbin/in.fingerd -w", "/usr/sbin/tcpd /usr/lib/git-core/git-daemon --inetd", "/bin/cat cat",
                "/usr/sbin/in.fingerd", "/usr/sbin/in.fingerd in.fingerd -w caf\u00e9", "relative/prog prog"),
                List.of("/", "/usr/sbin/", "/usr/sbin/tcpd", "tcpd /usr/sbin/", "/usr/sbin/tcpd sub/prog"));
        Arbitrary<List<String>> args = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(List.of())),
                Tuple.of(2, Arbitraries.of("echo", "internal", "#", "-w", "caf\u00e9", "sub/prog", "\"quoted",
                        "\u00ff\u00fe").list().ofMaxSize(4)),
                Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMaxLength(8).list().ofMaxSize(25)));
        Arbitrary<String> separator = Arbitraries.of(" ", "\t", "  ", " \t ", "\t\t");
        return Combinators.combine(address, service, socketAndProtocol, wait, user, server, args, separator)
                .as((a, sv, sp, wa, us, sr, ar, sep) -> {
                    StringBuilder b = new StringBuilder(a).append(sv);
                    for (String f : List.of(sp, wa, us, sr)) {
                        b.append(sep).append(f.replace(" ", sep));
                    }
                    for (String arg : ar) {
                        b.append(sep).append(arg);
                    }
                    return b.toString();
                });
    }

    /** A line with one to three random edits: a byte replaced, inserted or deleted, or the line cut short. */
    private static Arbitrary<String> mutated(Arbitrary<String> lines) {
        Arbitrary<Character> anyByte = Arbitraries.chars().range('\0', '\u00ff');
        Arbitrary<Character> special = Arbitraries.of('\0', '\n', '\r', '\t', ' ', '#', ':', '.', '/', ',', '[', ']',
                '%', '=', '\u00e9', '\u00a0', '\u2028', '\uffff', '\ud800');
        Arbitrary<Character> character = Arbitraries.oneOf(anyByte, special);
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 10_000)).as((kind, at) -> new int[] {kind, at});
        return Combinators.combine(lines, edit.list().ofMinSize(1).ofMaxSize(3), character.list().ofSize(3))
                .as((line, edits, chars) -> {
                    StringBuilder b = new StringBuilder(line);
                    for (int i = 0; i < edits.size(); i++) {
                        int at = b.length() == 0 ? 0 : edits.get(i)[1] % b.length();
                        switch (edits.get(i)[0]) {
                            case 0:
                                if (b.length() > 0) {
                                    b.setCharAt(at, chars.get(i));
                                }
                                break;
                            case 1:
                                b.insert(at, chars.get(i));
                                break;
                            case 2:
                                if (b.length() > 0) {
                                    b.deleteCharAt(at);
                                }
                                break;
                            default:
                                b.setLength(at);
                                break;
                        }
                    }
                    return b.toString();
                });
    }
}
