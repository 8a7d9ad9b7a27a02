package org.superserver.config.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.superserver.api.Diagnostic;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.Protocol;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** Definitions as xinetd.d files, as itox wrote them and beyond. */
public class XinetdWriterTest {

    private final List<Diagnostic> problems = new ArrayList<>();

    /** echo on 7 and finger on 79 are listed, as in /etc/services. */
    private final XinetdWriter writer = new XinetdWriter((name, protocol) -> name.equals("echo") ? Integer.valueOf(7)
            : name.equals("finger") && protocol.equals("tcp") ? Integer.valueOf(79) : null, problems::add);

    private static ServiceDefinition.Builder echo() {
        return ServiceDefinition.builder().name("echo").socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .port(7).handler("echo").origin("/etc/inetd.conf:1");
    }

    private static ServiceDefinition.Builder finger() {
        return ServiceDefinition.builder().name("finger").socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .port(79).user("nobody").group("nogroup").server("/usr/sbin/in.fingerd")
                .argv(List.of("in.fingerd", "-w")).origin("/etc/inetd.conf:2");
    }

    private static String line(String key, String value) {
        return "\t" + String.format("%-14s", key) + " =" + (value.isEmpty() ? "" : " " + value) + "\n";
    }

    @Test
    public void anExecdServiceIsOneFileWithItsArgumentsAfterArgv0() {
        Map<String, String> files = writer.write(List.of(finger().build()));
        assertEquals(List.of("finger"), new ArrayList<>(files.keySet()));
        String text = files.get("finger");
        assertTrue(text, text.startsWith("# finger: converted from /etc/inetd.conf:2\nservice finger\n{\n"));
        assertTrue(text, text.endsWith("}\n"));
        for (String expected : List.of(line("socket_type", "stream"), line("protocol", "tcp"), line("port", "79"),
                line("wait", "no"), line("user", "nobody"), line("group", "nogroup"),
                line("server", "/usr/sbin/in.fingerd"), line("server_args", "-w"), line("flags", "NOLIBWRAP"),
                line("groups", "yes"), line("cps", "0 0"), line("log_on_success", "PID HOST EXIT DURATION"),
                line("log_on_failure", "HOST"))) {
            assertTrue(expected + " in\n" + text, text.contains(expected));
        }
        assertFalse("finger is listed on 79", text.contains("UNLISTED"));
        assertFalse("no id unless needed", text.contains(" id "));
        assertEquals(List.of(), problems);
    }

    @Test
    public void builtInsOfOneNameShareAFileWithItoxsIds() {
        ServiceDefinition tcp = echo().build();
        ServiceDefinition udp = echo().id(null).socketType(SocketType.DGRAM).protocol(Protocol.UDP).wait(false).build();
        Map<String, String> files = writer.write(List.of(tcp, udp));
        assertEquals(List.of("echo"), new ArrayList<>(files.keySet()));
        String text = files.get("echo");
        assertTrue(text, text.contains(line("type", "INTERNAL") + line("id", "echo-stream")));
        assertTrue(text, text.contains(line("type", "INTERNAL") + line("id", "echo-dgram")));
        assertEquals(2, text.split("service echo\n", -1).length - 1);
        assertTrue("xinetd serves dgram with wait = yes", text.contains(line("socket_type", "dgram") + line("protocol", "udp")
                + line("port", "7") + line("wait", "yes")));
        assertEquals(List.of(), problems);
    }

    @Test
    public void aBuiltInOnAnotherNameIsWrittenUnderItsHandlersNameWithAWarning() {
        ServiceDefinition numbered = echo().name("10007").port(10007).origin("/etc/inetd.conf:9").build();
        Map<String, String> files = writer.write(List.of(numbered));
        String text = files.get("echo");
        assertTrue(text, text.contains("service echo\n"));
        assertTrue(text, text.contains(line("type", "INTERNAL UNLISTED")));
        assertTrue(text, text.contains(line("port", "10007")));
        assertEquals(1, problems.size());
        assertEquals("/etc/inetd.conf", problems.get(0).file());
        assertEquals(9, problems.get(0).line());
        assertEquals("service", problems.get(0).field());
        assertTrue(text, text.contains("# NOT CONVERTED: service: "));
    }

    @Test
    public void argv0OtherThanTheBasenameIsWrittenWithNameInArgs() {
        String text = writer.write(List.of(finger().argv(List.of("fingerd", "-w")).build())).get("finger");
        assertTrue(text, text.contains(line("server_args", "fingerd -w")));
        assertTrue(text, text.contains(line("flags", "NAMEINARGS NOLIBWRAP")));
    }

    @Test
    public void anArgv0ThatServerArgsCannotHoldBecomesTheBasenameWithAWarning() {
        String text = writer.write(List.of(finger().argv(List.of("two words", "-w")).build())).get("finger");
        assertTrue(text, text.contains(line("server_args", "-w")));
        assertTrue(text, text.contains(line("flags", "NOLIBWRAP")));
        assertEquals(List.of("server_args"), problems.stream().map(Diagnostic::field).toList());
    }

    @Test
    public void familiesBecomeFlagsAndTcpdTheLibwrapCheck() {
        String v6 = writer.write(List.of(finger().protocol(Protocol.TCP6).optionalPolicy("tcpd").build())).get("finger");
        assertTrue(v6, v6.contains(line("flags", "IPv6")));
        assertTrue(v6, v6.contains(line("v6only", "yes")));
        String v4 = writer.write(List.of(finger().protocol(Protocol.TCP4).policy("tcpd").build())).get("finger");
        assertTrue(v4, v4.contains(line("flags", "IPv4")));
        assertEquals("a mandatory tcpd check becomes an optional one: said so", 1, problems.size());
        assertEquals("policies", problems.get(0).field());
    }

    @Test
    public void everyXinetdFieldIsWritten() {
        ServiceDefinition d = finger().port(10079).instances(20).perSource(3).cps(10, 5).maxLoad(2.5)
                .env("LANG", "C").passenv(List.of("TERM", "PATH")).nice(5).umask(022).supplementaryGroups(false)
                .resourceLimit(ResourceLimit.AS, 1048576).resourceLimit(ResourceLimit.NOFILE, ServiceDefinition.UNLIMITED)
                .bannerFail("/etc/banners/busy").logOnSuccess(EnumSet.of(LogField.PID, LogField.TRAFFIC))
                .logOnFailure(EnumSet.noneOf(LogField.class)).logTarget(LogTarget.file("/var/log/f", 5, 6))
                .keepAlive(true).noDelay(true).v6Only(true).policy("xinetd").optionalPolicy("tcpd")
                .attribute("only_from", List.of()).attribute("no_access", List.of("10.0.0.1"))
                .attribute("access_times", List.of("08:00-18:30")).attribute("flags", List.of("SENSOR", "IPV6"))
                .attribute("deny_time", List.of("FOREVER")).attribute("banner", List.of("/etc/b"))
                .build();
        String text = writer.write(List.of(d)).get("finger");
        for (String expected : List.of(line("type", "UNLISTED"), line("instances", "20"), line("per_source", "3"),
                line("cps", "10 5"), line("max_load", "2.5"), line("env", "LANG=C"), line("passenv", "TERM PATH"),
                line("nice", "5"), line("umask", "022"), line("groups", "no"), line("rlimit_as", "1048576"),
                line("rlimit_files", "UNLIMITED"), line("banner_fail", "/etc/banners/busy"),
                line("log_on_success", "PID TRAFFIC"), line("log_on_failure", ""), line("log_type", "FILE /var/log/f 5 6"),
                line("flags", "SENSOR IPv6 KEEPALIVE NODELAY"), line("v6only", "yes"), line("only_from", ""),
                line("no_access", "10.0.0.1"), line("access_times", "08:00-18:30"), line("deny_time", "FOREVER"),
                line("banner", "/etc/b"))) {
            assertTrue(expected + " in\n" + text, text.contains(expected));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    public void aRedirectIsWrittenAsXinetdsRedirect() {
        ServiceDefinition d = ServiceDefinition.builder().name("www").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).port(8080).redirect("10.0.0.2", 80).build();
        String text = writer.write(List.of(d)).get("www");
        assertTrue(text, text.contains(line("redirect", "10.0.0.2 80")));
        assertFalse(text, text.contains("\tserver "));
    }

    @Test
    public void whatXinetdCannotExpressIsAWarningNamingOriginAndFieldAndAComment() {
        ServiceDefinition d = finger().maxPerMinute(40).argv(List.of("in.fingerd", "two words"))
                .env("A", "b c").policy("custom").attribute("sndbuf", List.of("65536")).build();
        String text = writer.write(List.of(d)).get("finger");
        List<String> fields = new ArrayList<>();
        for (Diagnostic p : problems) {
            assertFalse(p.isError());
            assertEquals("/etc/inetd.conf", p.file());
            assertEquals(2, p.line());
            fields.add(p.field());
            assertTrue(p.field() + " noted in\n" + text, text.contains("# NOT CONVERTED: " + p.field() + ": "));
        }
        assertEquals(List.of("server_args", "policies", "max_per_minute", "env", "sndbuf"), fields);
    }

    @Test
    public void aNowaitDgramServiceStaysNowaitAndAServerWithoutUserIsWarnedAbout() {
        ServiceDefinition d = finger().socketType(SocketType.DGRAM).protocol(Protocol.UDP).user(null).group(null).build();
        String text = writer.write(List.of(d)).get("finger");
        assertTrue(text, text.contains(line("wait", "no")));
        assertEquals(List.of("user"), problems.stream().map(Diagnostic::field).toList());
    }

    @Test
    public void fileNamesAreNamesIncludedirReads() {
        assertEquals("in_ftpd", XinetdWriter.fileName("in.ftpd"));
        assertEquals("x_", XinetdWriter.fileName("x~"));
        assertEquals("a-b", XinetdWriter.fileName("a-b"));
        ServiceDefinition a = finger().name("a.b").build();
        ServiceDefinition b = finger().name("a_b").build();
        assertEquals(List.of("a_b", "a_b_2"), new ArrayList<>(writer.write(List.of(a, b)).keySet()));
    }
}
