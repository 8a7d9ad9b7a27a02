package org.superserver.launcher.convert;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.AfterClass;
import org.junit.BeforeClass;
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

/**
 * Converted, then loaded back, a configuration serves the same services: inetd.conf to xinetd.d
 * files read by the xinetd reader, inetd.conf to .cfg files read by the Configuration Admin mapper,
 * and xinetd.conf to .cfg files. The formats are found as bin/superserver convert finds them, by
 * ServiceLoader, over the real bundles.
 */
public class ConvertRoundTripTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<Diagnostic> problems = new ArrayList<>();

    @BeforeClass
    public static void servicesTable() {
        System.setProperty("superserver.services", Path.of("src/test/resources/services").toAbsolutePath().toString());
    }

    @AfterClass
    public static void noServicesTable() {
        System.clearProperty("superserver.services");
    }

    private static ConfigFormat format(String name) {
        for (ConfigFormat f : ServiceLoader.load(ConfigFormat.class)) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no format " + name);
    }

    /** An inetd.conf with built-ins, exec'd, wait, user.group, nowait.N, nowait/N and tcp6 lines. */
    private Path inetdConf() throws IOException {
        Path conf = tmp.newFile("inetd.conf").toPath();
        Files.writeString(conf, String.join("\n",
                "# built-ins",
                "echo    stream  tcp     nowait  root    internal",
                "echo    dgram   udp     wait    root    internal",
                "127.0.0.1:10013 stream tcp nowait root internal daytime",
                "# exec'd",
                "10079   stream  tcp     nowait.40       nobody.nogroup  /usr/sbin/in.fingerd in.fingerd -w",
                "tftp    dgram   udp     wait    nobody  /usr/sbin/in.tftpd in.tftpd -s /srv/tftp",
                "10023   stream  tcp6    nowait/5        daemon  /bin/cat cat",
                "10024   stream  tcp4    nowait  root:daemon  /usr/sbin/tcpd /usr/sbin/in.telnetd",
                "10025   stream  tcp     nowait  nobody  /bin/sh sh -c date",
                ""));
        return conf;
    }

    private List<ServiceDefinition> writeAndRead(String to, List<ServiceDefinition> definitions, boolean include)
            throws IOException {
        ConfigFormat target = format(to);
        Map<String, String> files = target.write(definitions, problems::add);
        Path dir = tmp.newFolder(to + ".d").toPath();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.ISO_8859_1);
        }
        Path source = dir;
        if (include) {
            source = tmp.newFile(to + ".conf").toPath();
            Files.writeString(source, "includedir " + dir + "\n");
        }
        return target.read(source, problems::add);
    }

    private static ServiceDefinition byPort(List<ServiceDefinition> definitions, int port, SocketType type) {
        for (ServiceDefinition d : definitions) {
            if (d.port() == port && d.socketType() == type) {
                return d;
            }
        }
        throw new AssertionError("no " + type + " service on " + port + " in " + definitions);
    }

    /** The fields that decide what is served. */
    private static void assertServedAlike(ServiceDefinition expected, ServiceDefinition actual) {
        String what = expected + " vs " + actual;
        assertEquals(what, expected.socketType(), actual.socketType());
        assertEquals(what, expected.protocol(), actual.protocol());
        assertEquals(what, expected.bindAddress(), actual.bindAddress());
        assertEquals(what, expected.port(), actual.port());
        assertEquals(what, expected.isWait(), actual.isWait());
        assertEquals(what, expected.user(), actual.user());
        assertEquals(what, expected.group(), actual.group());
        assertEquals(what, expected.server(), actual.server());
        assertEquals(what, expected.argv(), actual.argv());
        assertEquals(what, expected.handler(), actual.handler());
        assertEquals(what, expected.instances(), actual.instances());
        assertEquals(what, expected.env(), actual.env());
    }

    @Test
    public void inetdConfToXinetdFilesReadsBackAsTheSameServices() throws IOException {
        List<ServiceDefinition> inetd = format("inetd").read(inetdConf(), problems::add);
        assertEquals(problems.toString(), List.of(), problems);
        assertEquals(8, inetd.size());
        List<ServiceDefinition> xinetd = writeAndRead("xinetd", inetd, true);
        List<Diagnostic> errors = problems.stream().filter(Diagnostic::isError).toList();
        assertEquals(errors.toString(), List.of(), errors);
        assertEquals(inetd.size(), xinetd.size());
        for (ServiceDefinition d : inetd) {
            ServiceDefinition back = byPort(xinetd, d.port(), d.socketType());
            assertServedAlike(d, back);
            assertEquals("xinetd's own default cps is not added", 0, back.cps());
            assertEquals(d.policies().contains("tcpd"), back.optionalPolicies().contains("tcpd"));
        }
        assertEquals("echo", byPort(xinetd, 7, SocketType.STREAM).name());
        assertEquals("a built-in keeps its handler; xinetd names it so", "daytime",
                byPort(xinetd, 10013, SocketType.STREAM).name());
        // what xinetd cannot say: inetd's per-minute rate, tcpd as a mandatory policy, the built-in's name
        List<String> warnings = new ArrayList<>();
        for (Diagnostic p : problems) {
            if (!p.isError() && p.file().endsWith("inetd.conf")) {
                warnings.add(p.line() + " " + p.field());
            }
        }
        assertEquals(List.of("4 service", "6 max_per_minute", "9 policies"), warnings);
    }

    @Test
    public void inetdConfToCfgFilesMapsBackToTheSameDefinitions() throws IOException {
        List<ServiceDefinition> inetd = format("inetd").read(inetdConf(), problems::add);
        List<ServiceDefinition> cfg = writeAndRead("cfg", inetd, false);
        assertEquals(problems.toString(), List.of(), problems);
        assertEquals(inetd.size(), cfg.size());
        for (ServiceDefinition d : inetd) {
            ServiceDefinition back = byPort(cfg, d.port(), d.socketType());
            assertTrue(back.id(), back.id().startsWith("cm:org.superserver.service-"));
            assertEquals("every field but id and origin", d, back.toBuilder().id(d.id()).origin(d.origin()).build());
        }
        assertEquals(40, byPort(cfg, 10079, SocketType.STREAM).maxPerMinute());
        assertEquals(List.of("tcpd"), byPort(cfg, 10024, SocketType.STREAM).policies());
    }

    @Test
    public void xinetdConfToCfgFilesMapsBackToTheSameDefinitions() throws IOException {
        Path conf = tmp.newFile("xinetd.conf").toPath();
        Files.writeString(conf, String.join("\n",
                "defaults",
                "{",
                "\tlog_on_success = HOST PID",
                "\tlog_on_failure = HOST ATTEMPT",
                "\tinstances = 30",
                "\tcps = 25 30",
                "}",
                "service finger",
                "{",
                "\ttype = UNLISTED",
                "\tsocket_type = stream",
                "\tprotocol = tcp",
                "\tport = 10079",
                "\twait = no",
                "\tuser = nobody",
                "\tserver = /usr/sbin/in.fingerd",
                "\tserver_args = -w",
                "\tonly_from = 127.0.0.1 10.0.0.0/8",
                "\tno_access = 10.0.0.13",
                "\taccess_times = 08:00-18:30",
                "\tper_source = 3",
                "\trlimit_as = 8M",
                "\trlimit_cpu = 30",
                "\trlimit_files = 64",
                "\tenv = LANG=C TZ=UTC",
                "\tpassenv = PATH",
                "\tumask = 027",
                "\tnice = 5",
                "\tgroups = yes",
                "\tflags = KEEPALIVE NODELAY",
                "}",
                "service www",
                "{",
                "\ttype = UNLISTED",
                "\tsocket_type = stream",
                "\tport = 10080",
                "\tuser = nobody",
                "\tbind = 127.0.0.1",
                "\twait = no",
                "\tredirect = 127.0.0.2 8080",
                "\tlog_on_success += TRAFFIC",
                "\tlog_type = FILE /var/log/www.log 5K 6K",
                "\tflags = NOLIBWRAP",
                "\tbanner_fail = /etc/banners/busy",
                "\tmax_load = 2.5",
                "}",
                "service echo",
                "{",
                "\ttype = INTERNAL",
                "\tid = echo-stream",
                "\tsocket_type = stream",
                "\twait = no",
                "\tonly_from =",
                "}",
                ""));
        List<ServiceDefinition> xinetd = format("xinetd").read(conf, problems::add);
        assertEquals(problems.toString(), List.of(), problems);
        assertEquals(3, xinetd.size());
        ServiceDefinition finger = byPort(xinetd, 10079, SocketType.STREAM);
        assertEquals(List.of("127.0.0.1", "10.0.0.0/8"), finger.attribute("only_from"));
        assertEquals(25, finger.cps());
        assertEquals(Long.valueOf(8L << 20), finger.resourceLimits().get(ResourceLimit.AS));
        ServiceDefinition www = byPort(xinetd, 10080, SocketType.STREAM);
        assertTrue(www.isRedirect());
        assertTrue(www.logOnSuccess().contains(LogField.TRAFFIC));
        assertEquals(LogTarget.Kind.FILE, www.logTarget().kind());

        List<ServiceDefinition> cfg = writeAndRead("cfg", xinetd, false);
        assertEquals(problems.toString(), List.of(), problems);
        assertEquals(3, cfg.size());
        for (ServiceDefinition d : xinetd) {
            ServiceDefinition back = byPort(cfg, d.port(), d.socketType());
            assertEquals("every field but id and origin", d, back.toBuilder().id(d.id()).origin(d.origin()).build());
        }
        ServiceDefinition echo = byPort(cfg, 7, SocketType.STREAM);
        assertTrue("only_from = (nobody) stays present and empty", echo.attributes().containsKey("only_from"));
        assertEquals(List.of("xinetd"), echo.policies());
        assertEquals(List.of("tcpd"), echo.optionalPolicies());
        assertEquals(Protocol.TCP, echo.protocol());
    }

    @Test
    public void theCfgFilesOfAnXinetdConversionAreTheSampleSyntax() throws IOException {
        Path conf = tmp.newFile("xinetd.conf").toPath();
        Files.writeString(conf, "service echo\n{\n\ttype = INTERNAL\n\tsocket_type = stream\n\twait = no\n"
                + "\tcps = 10 5\n}\n");
        List<ServiceDefinition> xinetd = format("xinetd").read(conf, problems::add);
        Map<String, String> files = format("cfg").write(xinetd, problems::add);
        String text = files.get("org.superserver.service-echo.cfg");
        assertNotNull(files.keySet().toString(), text);
        assertTrue(text, text.startsWith("# echo: converted from " + conf + ":1\n"));
        assertTrue(text, text.contains("\ncps = 10 5\n"));
        assertFalse(text, text.contains("NOT CONVERTED"));
    }
}
