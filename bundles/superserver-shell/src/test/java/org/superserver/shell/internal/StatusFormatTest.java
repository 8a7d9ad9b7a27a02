package org.superserver.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.superserver.shell.internal.Fixtures.builtin;
import static org.superserver.shell.internal.Fixtures.listening;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

public class StatusFormatTest {

    private static final ServiceDefinition FTP = ServiceDefinition.builder()
            .id("/etc/inetd.conf#ftp/tcp6").name("ftp").socketType(SocketType.STREAM).protocol(Protocol.TCP6)
            .port(2121).wait(false).maxPerMinute(40).instances(5).user("nobody").group("nogroup")
            .server("/usr/sbin/in.ftpd").argv(List.of("in.ftpd", "-l")).env("LANG", "C")
            .policy("tcpd").attribute("only_from", List.of("10.0.0.0/8", "127.0.0.1"))
            .origin("/etc/inetd.conf:7").build();

    @Test
    public void listHasOneAlignedLinePerListenerSortedByServiceName() {
        String text = StatusFormat.table(List.of(
                listening(builtin("time", Protocol.UDP, 10037), 2, 0),
                listening(builtin("echo", Protocol.TCP, 10007), 12, 3),
                listening(builtin("echo", Protocol.UDP, 10007), 4, 0)));

        assertEquals(String.join("\n",
                "SERVICE  PROTO  ADDRESS          STATE      DISPATCH       ACCEPTED  ACTIVE  ORIGIN",
                "echo     tcp    127.0.0.1:10007  LISTENING  internal echo  12        3       etc/default/echo.cfg",
                "echo     udp    127.0.0.1:10007  LISTENING  internal echo  4         0       etc/default/echo.cfg",
                "time     udp    127.0.0.1:10037  LISTENING  internal time  2         0       etc/default/time.cfg"),
                text);
    }

    @Test
    public void listShowsTheServerProgramAndTheConfiguredAddressOfAnUnboundListener() {
        String text = StatusFormat.table(List.of(
                new ListenerStatus(FTP, ListenerState.FAILED, null, "Address already in use", 0, 0)));

        assertEquals("ftp      tcp6   *:2121   FAILED  /usr/sbin/in.ftpd  0         0       /etc/inetd.conf:7",
                text.split("\n")[1]);
        assertEquals("ftp/tcp6 FAILED: Address already in use", text.split("\n")[2]);
    }

    @Test
    public void listShowsTheTargetOfARedirect() {
        ServiceDefinition relay = ServiceDefinition.builder().id("x#old-www").name("old-www")
                .socketType(SocketType.STREAM).protocol(Protocol.TCP).bindAddress("127.0.0.1").port(8081)
                .redirect("10.0.0.5", 80).origin("/etc/xinetd.d/old-www:1").build();
        String text = StatusFormat.table(List.of(new ListenerStatus(relay, ListenerState.LISTENING,
                new InetSocketAddress("127.0.0.1", 8081), "", 3, 1)));

        assertTrue(text, text.split("\n")[1]
                .matches("old-www +tcp +127.0.0.1:8081 +LISTENING +redirect 10.0.0.5 80 +3 +1 .*"));
    }

    @Test
    public void listSaysWhyAListenerIsRetryingAndWhenItsNextTryIs() {
        String why = "bind(..) failed: Address already in use; next try in 4 s, at 2026-12-05T10:00:04Z";
        String text = StatusFormat.table(List.of(
                new ListenerStatus(FTP, ListenerState.RETRYING, null, why, 0, 0),
                listening(builtin("echo", Protocol.TCP, 10007), 0, 0)));

        String[] lines = text.split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[2], lines[2].matches("ftp +tcp6 +\\*:2121 +RETRYING +/usr/sbin/in.ftpd .*"));
        assertEquals("ftp/tcp6 RETRYING: " + why, lines[3]);
    }

    @Test
    public void listSaysSoWhenNoServiceIsDefined() {
        assertEquals(StatusFormat.NO_LISTENERS, StatusFormat.table(List.of()));
    }

    @Test
    public void infoShowsEveryFieldOfTheDefinitionAndTheListenerState() {
        String text = StatusFormat.info("ftp", List.of(
                new ListenerStatus(FTP, ListenerState.LISTENING, new InetSocketAddress("::1", 2121), "", 9, 1),
                listening(builtin("echo", Protocol.TCP, 10007), 0, 0)));

        assertEquals(String.join("\n",
                "ftp/tcp6",
                "  id              /etc/inetd.conf#ftp/tcp6",
                "  socket type     stream",
                "  protocol        tcp6",
                "  bind            * (every address)",
                "  port            2121",
                "  wait            nowait",
                "  max per minute  40",
                "  instances       5",
                "  user            nobody",
                "  group           nogroup",
                "  server          /usr/sbin/in.ftpd",
                "  argv            in.ftpd -l",
                "  sandbox         none",
                "  tls             off",
                "  env             LANG=C",
                "  policies        tcpd",
                "  attributes      only_from=10.0.0.0/8 127.0.0.1",
                "  origin          /etc/inetd.conf:7",
                "  state           LISTENING",
                "  detail          -",
                "  bound           [0:0:0:0:0:0:0:1]:2121",
                "  socket          bound by the server",
                "  accepted        9",
                "  active          1"), text);
    }

    @Test
    public void infoShowsTheSandboxOfTheStartedServer() {
        ServiceDefinition boxed = FTP.toBuilder().noNewPrivs(true).capabilities(java.util.Set.of()).privateTmp(true)
                .build();
        assertTrue(StatusFormat.info("ftp", List.of(new ListenerStatus(boxed, ListenerState.LISTENING, null, "", 0,
                0))).contains("\n  sandbox         no_new_privs, capabilities none, private /tmp\n"));
        ServiceDefinition keeps = FTP.toBuilder().capabilities(java.util.Set.of("CAP_NET_RAW", "CAP_NET_BIND_SERVICE"))
                .build();
        assertEquals("capabilities CAP_NET_BIND_SERVICE CAP_NET_RAW", StatusFormat.sandbox(keeps));
    }

    @Test
    public void infoSaysWhetherTheSocketWasAdoptedFromSystemd() {
        String text = StatusFormat.info("echo", List.of(
                new ListenerStatus(builtin("echo", Protocol.TCP, 7), ListenerState.LISTENING,
                        new InetSocketAddress("127.0.0.1", 7), "", 0, 0, 3, "echo"),
                new ListenerStatus(builtin("echo", Protocol.UDP, 7), ListenerState.LISTENING,
                        new InetSocketAddress("127.0.0.1", 7), "", 0, 0, 4, ""),
                new ListenerStatus(builtin("echo", Protocol.TCP, 10007).toBuilder().id("echo-2").build(),
                        ListenerState.LISTENING, new InetSocketAddress("127.0.0.1", 10007), "", 0, 0)));

        String[] blocks = text.split("\n\n");
        assertEquals(3, blocks.length);
        String all = String.join("\n--\n", blocks);
        assertTrue(all, all.contains("\n  socket          adopted from systemd (fd 3, name echo)\n"));
        assertTrue(all, all.contains("\n  socket          adopted from systemd (fd 4)\n"));
        assertTrue(all, all.contains("\n  socket          bound by the server\n"));
    }

    @Test
    public void infoSaysWhereAUnixSocketAdoptedFromSystemdIsAndThatItsFileIsSystemds() {
        ServiceDefinition unix = ServiceDefinition.builder().name("/run/echo.sock").socketType(SocketType.STREAM)
                .protocol(Protocol.UNIX).socketPath("/run/echo.sock").socketOwner("daemon").handler("echo")
                .origin("/etc/inetd.conf:1").build();
        String adopted = StatusFormat.info("/run/echo.sock", List.of(new ListenerStatus(unix,
                ListenerState.LISTENING, InetSocketAddress.createUnresolved("/run/superserver/echo.sock", 0), "", 0, 0,
                3, "echo")));
        assertTrue(adopted, adopted.contains(
                "\n  socket          adopted from systemd (fd 3, name echo, path /run/superserver/echo.sock)\n"));
        assertTrue(adopted, adopted.contains("\n  socket mode     " + StatusFormat.SYSTEMDS_FILE + "\n"));
        assertTrue(adopted, adopted.contains("\n  socket owner    " + StatusFormat.SYSTEMDS_FILE + "\n"));
        assertTrue(adopted, adopted.contains("\n  path            /run/echo.sock\n"));

        String bound = StatusFormat.info("/run/echo.sock", List.of(new ListenerStatus(unix, ListenerState.LISTENING,
                InetSocketAddress.createUnresolved("/run/echo.sock", 0), "", 0, 0)));
        assertTrue(bound, bound.contains("\n  socket          bound by the server\n"));
        assertTrue(bound, bound.contains("\n  socket mode     0660\n"));
        assertTrue(bound, bound.contains("\n  socket owner    daemon\n"));
    }

    @Test
    public void infoShowsEveryListenerOfTheNameAndTheHandlerOfABuiltin() {
        String text = StatusFormat.info("echo", List.of(
                listening(builtin("echo", Protocol.UDP, 10007), 0, 0),
                new ListenerStatus(builtin("echo", Protocol.TCP, 10007), ListenerState.WAITING_FOR_HANDLER,
                        null, "no handler 'echo'", 0, 0)));

        String[] blocks = text.split("\n\n");
        assertEquals(2, blocks.length);
        assertTrue(blocks[0], blocks[0].startsWith("echo/tcp\n"));
        assertTrue(blocks[0], blocks[0].contains("\n  handler         echo\n"));
        assertTrue(blocks[0], blocks[0].contains("\n  state           WAITING_FOR_HANDLER\n"));
        assertTrue(blocks[0], blocks[0].contains("\n  detail          no handler 'echo'\n"));
        assertTrue(blocks[0], blocks[0].contains("\n  bound           -\n"));
        assertTrue(blocks[0], blocks[0].contains("\n  max per minute  0 (no limit)\n"));
        assertTrue(blocks[1], blocks[1].startsWith("echo/udp\n"));
    }

    @Test
    public void infoOfAnUnknownNameListsTheKnownOnes() {
        assertEquals("no service named 'ftpd'; known: echo, time", StatusFormat.info("ftpd", List.of(
                listening(builtin("time", Protocol.TCP, 10037), 0, 0),
                listening(builtin("echo", Protocol.TCP, 10007), 0, 0),
                listening(builtin("echo", Protocol.UDP, 10007), 0, 0))));
        assertEquals("no service named 'ftp'; no services are defined", StatusFormat.info("ftp", List.of()));
    }

    @Test
    public void infoShowsTheTlsStateTheCertificateAndWhetherClientCertificatesAreRequired() {
        ServiceDefinition plain = builtin("echo", Protocol.TCP, 10007);
        ServiceDefinition secure = plain.toBuilder().id("echo-tls").port(10443).tls(true)
                .tlsCertificate("/etc/ssl/echo.pem").tlsKey("/etc/ssl/echo.key").tlsClientCa("/etc/ssl/ca.pem").build();
        String text = StatusFormat.info("echo", List.of(
                listening(plain, 0, 0),
                new ListenerStatus(secure, ListenerState.LISTENING, new InetSocketAddress("127.0.0.1", 10443), "", 0, 0)
                        .withTls("CN=localhost", java.time.Instant.parse("2030-01-02T03:04:05Z"))));
        assertTrue(text, text.contains("\n  tls             off\n"));
        assertTrue(text, text.contains("\n  tls             on, certificate \"CN=localhost\" expires 2030-01-02T03:04:05Z,"
                + " client certificates required (CAs /etc/ssl/ca.pem)\n"));
    }
}
