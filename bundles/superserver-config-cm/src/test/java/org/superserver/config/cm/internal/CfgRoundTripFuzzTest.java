package org.superserver.config.cm.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.superserver.api.Diagnostic;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.Protocol;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;

/**
 * Property-based round trips of the cfg format: any valid definition, written as a .cfg file and
 * read back as FileInstall reads it (java.util.Properties) through the mapper, is the same
 * definition (but for id and origin), or the writer reported, as a warning, the field it could
 * not hold. Arguments and values draw from every byte and from blanks, backslashes, '#', '=' and
 * line breaks, which the file must escape.
 */
public class CfgRoundTripFuzzTest {

    @Property
    void aWrittenDefinitionReadsBackTheSameOrAFieldIsReported(@ForAll("definitions") ServiceDefinition d)
            throws IOException {
        List<Diagnostic> problems = new ArrayList<>();
        Map<String, String> files = new CfgFormat().write(List.of(d), problems::add);
        require(files.size() == 1, "one file: " + files.keySet());
        String name = files.keySet().iterator().next();
        String text = files.get(name);
        require(text.chars().allMatch(c -> c == '\n' || c >= 0x20 && c <= 0x7e), "ASCII only: " + text);
        Properties p = new Properties();
        p.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
        Map<String, Object> map = new LinkedHashMap<>();
        p.forEach((k, v) -> map.put((String) k, v));
        map.put("service.pid", "org.superserver.service~x");
        MappingResult r = ServiceConfigMapper.map(map);
        require(r.definition() != null, "reads back: " + r + "\n" + text);
        ServiceDefinition back = r.definition();
        Statistics.label("outcome").collect(problems.isEmpty() ? "the same" : "reported");
        if (!problems.isEmpty()) {
            for (Diagnostic problem : problems) {
                require(!problem.isError() && problem.field() != null && text.contains("# NOT CONVERTED: "
                        + problem.field() + ": "), "a warning noted in the file: " + problem + "\n" + text);
            }
            return;
        }
        ServiceDefinition expected = d.toBuilder().id(back.id()).origin(back.origin())
                .attribute("flags", back.attribute("flags")).build();
        if (d.attributes().containsKey("flags") || !back.attribute("flags").isEmpty()) {
            require(back.attribute("flags").containsAll(d.attribute("flags")), "flags kept: " + back);
        } else {
            expected = d.toBuilder().id(back.id()).origin(back.origin()).build();
        }
        require(expected.equals(back), "the same definition:\n" + d + "\n" + back + "\n" + text);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    @Provide
    Arbitrary<ServiceDefinition> definitions() {
        return Arbitraries.longs().map(CfgRoundTripFuzzTest::definition);
    }

    private static final String[] WORDS = {"a", "-l", "caf\u00c3\u00a9", "x#y", "k=v", "back\\slash", "a b", "", "\t",
        "line\nbreak", "\u00ff\u0080", "%s", "!bang", ":colon", " lead"};

    private static String word(Random random) {
        if (random.nextInt(4) == 0) {
            char[] chars = new char[1 + random.nextInt(6)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) random.nextInt(0x100);
            }
            return new String(chars);
        }
        return WORDS[random.nextInt(WORDS.length)];
    }

    /** A valid definition with random fields: a built-in, a program or a redirect. */
    static ServiceDefinition definition(long seed) {
        Random random = new Random(seed);
        Protocol protocol = Protocol.values()[random.nextInt(Protocol.values().length)];
        ServiceDefinition.Builder b = ServiceDefinition.builder()
                .name(random.nextBoolean() ? "svc" + random.nextInt(100) : String.valueOf(random.nextInt(65536)))
                .socketType(protocol.socketType()).protocol(protocol).port(random.nextInt(65536))
                .origin("/etc/inetd.conf:" + (1 + random.nextInt(50)));
        if (protocol.isUnix()) {
            b.port(0).socketPath("/run/s" + random.nextInt(100) + ".sock").socketMode(random.nextInt(0777 + 1));
            if (random.nextBoolean()) {
                b.socketOwner("daemon").socketGroup(random.nextBoolean() ? "adm" : null);
            }
        } else if (random.nextBoolean()) {
            b.bindAddress(protocol.family() == org.superserver.api.AddressFamily.INET6 ? "::1" : "127.0.0.1");
        }
        int dispatch = random.nextInt(3);
        if (dispatch == 0) {
            b.handler(random.nextBoolean() ? "echo" : "chargen");
        } else if (dispatch == 1 && protocol.isTcp() && !protocol.isUnix()) {
            b.redirect(random.nextBoolean() ? "10.0.0.2" : "backend.example", 1 + random.nextInt(65535));
        } else {
            b.wait(random.nextBoolean());
            String server = "/usr/sbin/" + (random.nextBoolean() ? "in.fingerd" : "prog");
            List<String> argv = new ArrayList<>();
            argv.add(random.nextBoolean() ? server.substring(server.lastIndexOf('/') + 1) : word(random));
            for (int i = random.nextInt(4); i > 0; i--) {
                argv.add(word(random));
            }
            b.server(server).argv(argv);
        }
        if (random.nextBoolean()) {
            b.user(random.nextBoolean() ? "nobody" : "root").group(random.nextBoolean() ? "nogroup" : null);
        }
        b.instances(random.nextInt(3) == 0 ? random.nextInt(100) : 0);
        b.maxPerMinute(random.nextInt(3) == 0 ? random.nextInt(100) : 0);
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
        b.capabilities(caps == 0 ? null : caps == 1 ? java.util.Set.of()
                : java.util.Set.of("CAP_NET_BIND_SERVICE", "CAP_NET_RAW"));
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
            for (LogField f : List.of(LogField.PID, LogField.HOST, LogField.USERID, LogField.EXIT, LogField.DURATION,
                    LogField.TRAFFIC)) {
                if (random.nextBoolean()) {
                    success.add(f);
                }
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
            b.logTarget(LogTarget.file("/var/log/s.log", soft, soft == 0 && random.nextBoolean() ? 0 : soft + 500));
        } else if (log == 2) {
            b.logTarget(LogTarget.syslog("daemon", random.nextBoolean() ? "info" : "notice"));
        }
        b.keepAlive(random.nextBoolean()).noDelay(random.nextBoolean()).v6Only(random.nextInt(4) == 0);
        if (random.nextInt(3) == 0) {
            b.policies(random.nextBoolean() ? List.of("tcpd") : List.of("xinetd", "tcpd"));
        }
        if (random.nextInt(3) == 0) {
            b.optionalPolicies(List.of("tcpd"));
        }
        if (random.nextInt(3) == 0) {
            b.attribute("sndbuf", List.of(String.valueOf(random.nextInt(100000))));
        }
        if (random.nextInt(4) == 0) {
            b.attribute(random.nextBoolean() ? "x.y" : "port", List.of("1"));
        }
        if (random.nextInt(4) == 0) {
            b.attribute("flags", List.of("IPV6", "REUSE").subList(0, 1 + random.nextInt(2)));
        }
        return b.build();
    }
}
