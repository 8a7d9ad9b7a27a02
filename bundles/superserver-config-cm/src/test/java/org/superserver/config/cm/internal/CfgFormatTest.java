package org.superserver.config.cm.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ConfigFormat;
import org.superserver.api.Diagnostic;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.Protocol;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** Definitions written as .cfg files and read back through the mapper are the same services. */
public class CfgFormatTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final CfgFormat cfg = new CfgFormat();
    private final List<Diagnostic> problems = new ArrayList<>();

    private static ServiceDefinition.Builder program(String name) {
        return ServiceDefinition.builder().name(name).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .port(10079).server("/usr/sbin/in." + name).argv(List.of("in." + name)).origin("/etc/inetd.conf:3");
    }

    /** Writes, then reads every written file back. */
    private List<ServiceDefinition> roundTrip(List<ServiceDefinition> definitions) throws IOException {
        Map<String, String> files = cfg.write(definitions, problems::add);
        Path dir = tmp.newFolder().toPath();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.ISO_8859_1);
        }
        List<ServiceDefinition> read = new ArrayList<>();
        for (String name : files.keySet()) {
            read.addAll(cfg.read(dir.resolve(name), problems::add));
        }
        return read;
    }

    /** Everything but id and origin, which name the new file. */
    private static void assertSameService(ServiceDefinition expected, ServiceDefinition actual) {
        ServiceDefinition.Builder a = actual.toBuilder().id(expected.id()).origin(expected.origin());
        assertEquals(expected.toString(), expected, a.build());
    }

    @Test
    public void everyFieldSurvivesTheRoundTrip() throws IOException {
        ServiceDefinition d = program("fingerd")
                .protocol(Protocol.TCP6).bindAddress("::1").user("nobody").group("nogroup")
                .argv(List.of("fingerd", "-w", "caf\u00c3\u00a9")) // argv[0] other than the basename, UTF-8 bytes
                .instances(20).maxPerMinute(40).perSource(3).cps(10, 5).maxLoad(2.5)
                .env("LANG", "C").passenv(List.of("TERM")).nice(5).umask(027).supplementaryGroups(false)
                .resourceLimit(ResourceLimit.AS, 64L << 20).resourceLimit(ResourceLimit.NOFILE, ServiceDefinition.UNLIMITED)
                .bannerFail("/etc/banners/busy")
                .logOnSuccess(EnumSet.of(LogField.PID, LogField.TRAFFIC)).logOnFailure(EnumSet.noneOf(LogField.class))
                .logTarget(LogTarget.file("/var/log/f.log", 0, 6144)).keepAlive(true).noDelay(true).v6Only(true)
                .policies(List.of("tcpd", "xinetd")).optionalPolicies(List.of("tcpd"))
                .attribute("only_from", List.of("127.0.0.1", "10.0.0.0/8")).attribute("no_access", List.of())
                .attribute("flags", List.of("IPV6", "SENSOR")).attribute("deny_time", List.of("FOREVER"))
                .attribute("sndbuf", List.of("65536"))
                .build();
        List<ServiceDefinition> read = roundTrip(List.of(d));
        assertEquals(problems.toString(), List.of(), problems);
        assertEquals(1, read.size());
        ServiceDefinition r = read.get(0);
        assertEquals(List.of("IPV6", "SENSOR", "NAMEINARGS", "KEEPALIVE", "NODELAY"), r.attribute("flags"));
        ServiceDefinition.Builder expected = d.toBuilder().attribute("flags", r.attribute("flags"));
        assertSameService(expected.build(), r);
        assertTrue(r.id().startsWith("cm:org.superserver.service-fingerd"));
    }

    @Test
    public void builtInsRedirectsAndSyslogSurviveTheRoundTrip() throws IOException {
        ServiceDefinition echo = ServiceDefinition.builder().name("echo").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).port(7).handler("echo").origin("/etc/inetd.conf:1").build();
        ServiceDefinition echoUdp = echo.toBuilder().id(null).socketType(SocketType.DGRAM).protocol(Protocol.UDP).build();
        ServiceDefinition numbered = echo.toBuilder().id(null).name("10007").port(10007).build();
        ServiceDefinition relay = ServiceDefinition.builder().name("www").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP4).port(8080).redirect("10.0.0.2", 80)
                .logTarget(LogTarget.syslog("daemon", "notice")).origin("/etc/xinetd.d/www:2").build();
        List<ServiceDefinition> all = List.of(echo, echoUdp, numbered, relay);
        Map<String, String> files = cfg.write(all, problems::add);
        assertEquals(List.of("org.superserver.service-echo-tcp.cfg", "org.superserver.service-echo-udp.cfg",
                "org.superserver.service-10007.cfg", "org.superserver.service-www.cfg"), new ArrayList<>(files.keySet()));
        List<ServiceDefinition> read = roundTrip(all);
        for (int i = 0; i < all.size(); i++) {
            assertSameService(all.get(i), read.get(i));
        }
        assertEquals("echo", read.get(2).handler());
    }

    @Test
    public void whatAPropertyCannotHoldIsAWarningNamingOriginAndFieldAndAComment() throws IOException {
        ServiceDefinition d = program("fingerd").argv(List.of("in.fingerd", "two words"))
                .env("GREETING", "hello world").attribute("x.y", List.of("1")).build();
        Map<String, String> files = cfg.write(List.of(d), problems::add);
        assertEquals(3, problems.size());
        for (Diagnostic p : problems) {
            assertFalse(p.isError());
            assertEquals("/etc/inetd.conf", p.file());
            assertEquals(3, p.line());
        }
        assertEquals(List.of("server_args", "env", "x.y"), problems.stream().map(Diagnostic::field).toList());
        String text = files.values().iterator().next();
        assertTrue(text, text.contains("# NOT CONVERTED: server_args: "));
        assertTrue(text, text.contains("# NOT CONVERTED: env: "));
    }

    @Test
    public void anInvalidFileIsAnErrorNamingFileLinePropertyAndPid() throws IOException {
        Path file = tmp.newFile("org.superserver.service-bad.cfg").toPath();
        Files.writeString(file, "# a comment\nservice = bad\nport = 10079\nserver = /bin/cat\ncps = 10\n");
        assertEquals(List.of(), cfg.read(file, problems::add));
        assertEquals(1, problems.size());
        Diagnostic p = problems.get(0);
        assertTrue(p.isError());
        assertEquals(file.toString(), p.file());
        assertEquals(5, p.line());
        assertEquals("cps", p.field());
        assertTrue(p.message(), p.message().contains("org.superserver.service~bad"));
    }

    @Test
    public void anOlderFileWhoseIdNamesTheHandlerReadsAsBeforeWithAWarningNamingFileLineAndProperty()
            throws IOException {
        Path file = tmp.newFile("org.superserver.service-old.cfg").toPath();
        Files.writeString(file, "service = my-echo\nport = 10007\ntype = INTERNAL\nid = echo\n");
        List<ServiceDefinition> read = cfg.read(file, problems::add);
        assertEquals("echo", read.get(0).handler());
        assertEquals(1, problems.size());
        Diagnostic p = problems.get(0);
        assertFalse(p.isError());
        assertEquals(4, p.line());
        assertEquals("id", p.field());
        // written back, it says handler = echo and reads without a notice
        problems.clear();
        Map<String, String> files = cfg.write(read, problems::add);
        assertTrue(files.toString(), files.values().iterator().next().contains("\nhandler = echo\n"));
        assertEquals(List.of(), problems);
    }

    @Test
    public void aDirectoryReadsEveryServiceFileInIt() throws IOException {
        Path dir = tmp.newFolder().toPath();
        Files.writeString(dir.resolve("org.superserver.service-a.cfg"), "service = a\nport = 1\ntype = INTERNAL\nhandler = echo\n");
        Files.writeString(dir.resolve("org.superserver.service-b.cfg"), "service = b\nport = 2\nserver = /bin/cat\n");
        Files.writeString(dir.resolve("other.cfg"), "service = c\n");
        List<ServiceDefinition> read = cfg.read(dir, problems::add);
        assertEquals(List.of("a", "b"), read.stream().map(ServiceDefinition::name).toList());
        assertEquals(List.of(), problems);
    }

    @Test
    public void theSampleReadsAsTheMapperReadsIt() throws IOException {
        List<ServiceDefinition> read = cfg.read(Path.of("src/main/config/org.superserver.service-example.cfg"),
                problems::add);
        assertEquals(1, read.size());
        assertEquals(20007, read.get(0).port());
    }

    @Test
    public void isFoundByTheServiceLoaderAndWrites() {
        ConfigFormat found = null;
        for (ConfigFormat f : ServiceLoader.load(ConfigFormat.class)) {
            if (f.name().equals("cfg")) {
                found = f;
            }
        }
        assertTrue(found instanceof CfgFormat);
        assertTrue(found.canWrite());
    }
}
