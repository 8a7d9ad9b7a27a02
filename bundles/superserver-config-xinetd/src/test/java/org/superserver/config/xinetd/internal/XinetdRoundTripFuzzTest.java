package org.superserver.config.xinetd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.superserver.api.AddressFamily;
import org.superserver.api.Diagnostic;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.Protocol;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;

/**
 * Property-based round trips of the xinetd format: any definition that xinetd can express,
 * written as an xinetd.d file and read back through an includedir by the reader that serves
 * xinetd.conf, is the same definition (but for id, origin and the flags attribute), or the writer
 * reported the field it could not hold. Arguments draw from every byte but blanks and line breaks,
 * '#', '=', '{' and '}' included.
 */
public class XinetdRoundTripFuzzTest {

    private static final Path SERVICES = Path.of("src/test/resources/services");

    @Property(tries = 1000)
    void aWrittenDefinitionReadsBackTheSameOrAFieldIsReported(@ForAll("definitions") ServiceDefinition d)
            throws IOException {
        Path dir = Files.createTempDirectory("xinetd-roundtrip-");
        try {
            XinetdFormat xinetd = new XinetdFormat(SERVICES);
            List<Diagnostic> written = new ArrayList<>();
            Map<String, String> files = xinetd.write(List.of(d), written::add);
            for (Map.Entry<String, String> e : files.entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue().getBytes(StandardCharsets.ISO_8859_1));
            }
            Path conf = dir.resolve("xinetd.conf");
            Files.writeString(conf, "includedir " + dir + "\n");
            List<Diagnostic> read = new ArrayList<>();
            List<ServiceDefinition> back = xinetd.read(conf, read::add);
            String text = String.join("\n", files.values());
            require(read.stream().noneMatch(Diagnostic::isError), "reads back without error: " + read + "\n" + text);
            require(back.size() == 1, "one service: " + back + " " + read + "\n" + text);
            Statistics.label("outcome").collect(written.isEmpty() ? "the same" : "reported");
            if (!written.isEmpty()) {
                return;
            }
            ServiceDefinition r = back.get(0);
            ServiceDefinition expected = d.toBuilder().id(r.id()).origin(r.origin())
                    .attribute("flags", r.attribute("flags")).build();
            ServiceDefinition actual = d.attributes().containsKey("flags") ? r
                    : r.toBuilder().attribute("flags", r.attribute("flags")).build();
            require(expected.equals(actual), "the same definition:\n" + d + " " + d.attributes() + "\n" + r + " "
                    + r.attributes() + "\n" + text);
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    @Provide
    Arbitrary<ServiceDefinition> definitions() {
        return Arbitraries.longs().map(XinetdRoundTripFuzzTest::definition);
    }

    private static final String[] WORDS = {"a", "-l", "caf\u00c3\u00a9", "x#y", "#", "k=v", "{", "}", "back\\slash",
        "\u00ff\u0080", "%s", "+=", "-=", "\"q\""};

    private static String word(Random random) {
        if (random.nextInt(4) == 0) {
            StringBuilder s = new StringBuilder();
            for (int i = 1 + random.nextInt(6); i > 0; i--) {
                char c = (char) (0x21 + random.nextInt(0xff - 0x20));
                s.append(c == 0x7f ? 'x' : c);
            }
            return s.toString();
        }
        return WORDS[random.nextInt(WORDS.length)];
    }

    /** A definition xinetd can express: a user for every program, flags that fit the family, built-ins by name. */
    static ServiceDefinition definition(long seed) {
        Random random = new Random(seed);
        Protocol protocol = Protocol.values()[random.nextInt(Protocol.values().length)];
        boolean tcp = protocol.isTcp() && !protocol.isUnix();
        ServiceDefinition.Builder b = ServiceDefinition.builder()
                .socketType(protocol.socketType()).protocol(protocol).port(1 + random.nextInt(65535))
                .v6Only(protocol.family() == AddressFamily.INET6)
                .origin("/etc/inetd.conf:" + (1 + random.nextInt(50)));
        if (protocol.isUnix()) {
            b.port(0).socketPath("/run/s" + random.nextInt(100) + ".sock").socketMode(random.nextInt(0777 + 1));
            if (random.nextBoolean()) {
                b.socketOwner("daemon").socketGroup(random.nextBoolean() ? "adm" : null);
            }
        } else if (random.nextBoolean() && protocol.family() != AddressFamily.ANY) {
            b.bindAddress(protocol.family() == AddressFamily.INET6 ? "::1" : "127.0.0.1");
        }
        int dispatch = random.nextInt(3);
        boolean redirect = false;
        if (dispatch == 0) {
            String handler = List.of("echo", "discard", "chargen", "daytime", "time").get(random.nextInt(5));
            b.name(handler).handler(handler);
        } else if (dispatch == 1 && tcp) {
            redirect = true;
            b.name("relay" + random.nextInt(100)).user("nobody")
                    .redirect(random.nextBoolean() ? "10.0.0.2" : "backend.example", 1 + random.nextInt(65535));
        } else {
            b.name(random.nextBoolean() ? "svc" + random.nextInt(100) : "finger").wait(random.nextBoolean());
            String server = "/usr/sbin/" + (random.nextBoolean() ? "in.fingerd" : "prog");
            List<String> argv = new ArrayList<>();
            argv.add(random.nextBoolean() ? server.substring(server.lastIndexOf('/') + 1) : word(random));
            for (int i = random.nextInt(4); i > 0; i--) {
                argv.add(word(random));
            }
            b.server(server).argv(argv).user(random.nextBoolean() ? "nobody" : "root")
                    .group(random.nextBoolean() ? "nogroup" : null);
        }
        b.instances(random.nextInt(3) == 0 ? random.nextInt(100) : 0);
        b.perSource(random.nextInt(3) == 0 ? random.nextInt(10) : 0);
        if (random.nextInt(3) == 0) {
            b.cps(1 + random.nextInt(100), 1 + random.nextInt(60));
        }
        if (random.nextInt(3) == 0) {
            b.maxLoad(random.nextInt(1000) / 100.0);
        }
        if (random.nextInt(3) == 0) {
            b.nice(random.nextInt(40) - 20);
        }
        if (random.nextInt(3) == 0) {
            b.umask(random.nextInt(0777 + 1));
        }
        b.supplementaryGroups(random.nextBoolean());
        b.noNewPrivs(random.nextBoolean()).privateTmp(random.nextBoolean());
        int caps = random.nextInt(3);
        b.capabilities(caps == 0 ? null : caps == 1 ? java.util.Set.of() : java.util.Set.of("CAP_NET_BIND_SERVICE", "CAP_NET_RAW"));
        for (ResourceLimit limit : ResourceLimit.values()) {
            if (random.nextInt(4) == 0) {
                b.resourceLimit(limit, random.nextBoolean() ? ServiceDefinition.UNLIMITED : random.nextInt(1 << 20));
            }
        }
        if (random.nextInt(3) == 0) {
            b.bannerFail("/etc/banners/" + random.nextInt(9));
        }
        if (random.nextInt(3) == 0) {
            b.env("VAR" + random.nextInt(5), word(random));
        }
        if (random.nextInt(3) == 0) {
            b.passenv(List.of("TERM", "PATH").subList(0, 1 + random.nextInt(2)));
        }
        if (random.nextInt(3) == 0) {
            Set<LogField> success = EnumSet.noneOf(LogField.class);
            for (LogField f : List.of(LogField.PID, LogField.HOST, LogField.USERID, LogField.EXIT, LogField.DURATION)) {
                if (random.nextBoolean()) {
                    success.add(f);
                }
            }
            if (redirect && random.nextBoolean()) {
                success.add(LogField.TRAFFIC);
            }
            b.logOnSuccess(success);
        }
        if (random.nextInt(3) == 0) {
            b.logOnFailure(random.nextBoolean() ? EnumSet.of(LogField.ATTEMPT, LogField.USERID)
                    : EnumSet.noneOf(LogField.class));
        }
        int log = random.nextInt(4);
        if (log == 1) {
            long soft = random.nextInt(3) * 1000L;
            b.logTarget(LogTarget.file("/var/log/s.log", soft, soft + 500));
        } else if (log == 2) {
            b.logTarget(LogTarget.syslog("daemon", random.nextBoolean() ? "info" : "notice"));
        }
        if (tcp) {
            b.keepAlive(random.nextBoolean()).noDelay(random.nextBoolean());
        }
        if (random.nextBoolean()) {
            b.optionalPolicy("tcpd");
        }
        if (random.nextInt(3) == 0) {
            b.attribute("only_from", random.nextBoolean() ? List.of() : List.of("127.0.0.1", "10.0.0.0/8"));
        }
        if (random.nextInt(4) == 0) {
            b.attribute("no_access", List.of("10.0.0.13"));
        }
        if (random.nextInt(4) == 0) {
            b.attribute("access_times", List.of("08:00-18:30"));
        }
        if (random.nextInt(4) == 0) {
            b.attribute("banner", List.of("/etc/banners/welcome"));
        }
        if (random.nextInt(4) == 0) {
            b.attribute("libwrap", List.of("in.fingerd"));
        }
        ServiceDefinition built = b.build();
        // the xinetd policy guards the services that have something for it to decide
        for (String guarded : List.of("only_from", "no_access", "access_times", "banner")) {
            if (built.attributes().containsKey(guarded)) {
                return built.toBuilder().policy("xinetd").build();
            }
        }
        return built;
    }
}
