package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.connectFrom;
import static org.superserver.itests.Clients.readToEnd;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ListenerState;

/**
 * xinetd's limits as definition fields, whatever the format: per_source with clients bound to
 * different 127.0.0.x addresses, instances of a built-in as open connections, cps pausing and
 * resuming, max_load, and banner_fail sent to a client a limit turns away, with its FAIL line.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class XinetdLimitsIT extends ItestSupport {

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    private ServiceDefinition.Builder echo(String id) {
        return internal(id, "echo", Protocol.TCP).toBuilder();
    }

    @Test
    public void perSourceTurnsAwayTheThirdClientOfOneAddressWithItsBannerAndServesOtherAddresses() throws Exception {
        LogCapture log = log();
        Path banner = scratch().write("banner_fail", "too many from you\r\n");
        define(echo("xl-per-source").perSource(2).bannerFail(banner.toString()).build());
        InetSocketAddress address = awaitListening("xl-per-source");
        try (Socket a = connectFrom("127.0.0.2", address); Socket b = connectFrom("127.0.0.2", address)) {
            assertEchoes(a, "first\n");
            assertEchoes(b, "second\n");
            try (Socket third = connectFrom("127.0.0.2", address)) {
                assertEquals("too many from you\r\n", ascii(readToEnd(third)));
            }
            try (Socket other = connectFrom("127.0.0.3", address)) {
                assertEchoes(other, "another address\n");
            }
            String fail = log.await(TIMEOUT, "FAIL service=echo reason=per_source_limit", "from=127.0.0.2:");
            assertTrue(fail, fail.contains("FAIL service=echo reason=per_source_limit from=127.0.0.2:"));
            assertEchoes(a, "the first two are still served\n");
        }
    }

    @Test
    public void instancesOfABuiltinCountItsOpenConnections() throws Exception {
        LogCapture log = log();
        Path banner = scratch().write("banner_fail", "busy\n");
        define(echo("xl-instances").instances(1).bannerFail(banner.toString()).build());
        InetSocketAddress address = awaitListening("xl-instances");
        try (Socket first = connect(address)) {
            assertEchoes(first, "one\n");
            try (Socket second = connect(address)) {
                assertEquals("busy\n", ascii(readToEnd(second)));
            }
            log.await(TIMEOUT, "FAIL service=echo reason=service_limit");
        }
        for (int i = 0; ; i++) { // the first connection's end reaches the core a moment later
            try (Socket again = connect(address)) {
                again.getOutputStream().write(ascii("x\n"));
                byte[] answer = readUpTo(again, 2);
                if ("x\n".equals(ascii(answer))) {
                    break;
                }
            }
            assertTrue("served again once the first connection closed", i < 50);
            Thread.sleep(100);
        }
    }

    /** Up to {@code n} bytes, stopping at the end of the stream. */
    private static byte[] readUpTo(Socket socket, int n) throws java.io.IOException {
        byte[] buffer = new byte[n];
        int read = 0;
        while (read < n) {
            int got = socket.getInputStream().read(buffer, read, n - read);
            if (got < 0) {
                break;
            }
            read += got;
        }
        return java.util.Arrays.copyOf(buffer, read);
    }

    @Test
    public void overItsCpsTheServiceStopsAcceptingForItsPauseThenServesAgain() throws Exception {
        LogCapture log = log();
        define(echo("xl-cps").cps(2, 2).build());
        InetSocketAddress address = awaitListening("xl-cps");
        boolean tripped = false;
        for (int i = 0; i < 50 && !tripped; i++) {
            try (Socket client = connect(address)) {
                client.getOutputStream().write(ascii("x\n"));
                tripped = readUpTo(client, 2).length == 0;
            } catch (ConnectException paused) {
                tripped = true;
            } catch (java.io.IOException reset) {
                tripped = true;
            }
        }
        assertTrue("more than 2 connections in a second trip the limit", tripped);
        log.await(TIMEOUT, "FAIL service=echo reason=cps");
        String pause = log.await(TIMEOUT, "PAUSE service=echo", "cps");
        assertTrue(pause, pause.contains("resume_in=2s"));
        awaitState("xl-cps", ListenerState.PAUSED);
        InetSocketAddress again = awaitListening("xl-cps");
        log.await(TIMEOUT, "RESUME service=echo");
        try (Socket client = connect(again)) {
            assertEchoes(client, "served after the pause\n");
        }
    }

    @Test
    public void atItsMaxLoadAServiceTurnsClientsAway() throws Exception {
        double now = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0]);
        Assume.assumeTrue("the machine's load average (" + now + ") is above 0.01", now >= 0.01);
        LogCapture log = log();
        Path banner = scratch().write("banner_fail", "loaded\n");
        define(echo("xl-load").maxLoad(0.01).bannerFail(banner.toString()).build());
        InetSocketAddress address = awaitListening("xl-load");
        try (Socket client = connect(address)) {
            assertEquals("loaded\n", ascii(readToEnd(client)));
        }
        log.await(TIMEOUT, "FAIL service=echo reason=load");
    }

    @Test
    public void perSourceOfAnExecdServiceCountsItsRunningServers() throws Exception {
        LogCapture log = log();
        Path cat = scratch().script("pidcat.sh", "echo \"$$\"\nexec cat\n");
        Path banner = scratch().write("banner_fail", "one at a time\n");
        define(ServiceDefinition.builder().id("xl-exec").name("pidcat").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(0).server(cat.toString())
                .argv(List.of("pidcat")).perSource(1).bannerFail(banner.toString()).origin("itest xl-exec").build());
        InetSocketAddress address = awaitListening("xl-exec");
        try (Socket first = connectFrom("127.0.0.2", address)) {
            long pid = pid(first);
            try (Socket second = connectFrom("127.0.0.2", address)) {
                assertEquals("one at a time\n", ascii(readToEnd(second)));
            }
            log.await(TIMEOUT, "FAIL service=pidcat reason=per_source_limit", "from=127.0.0.2:");
            try (Socket other = connectFrom("127.0.0.3", address)) {
                long otherPid = pid(other);
                assertTrue(otherPid != pid);
            }
            first.close();
            ExecServicesIT.awaitReaped(pid);
        }
        for (int i = 0; ; i++) { // the reaped server gives its address back
            try (Socket again = connectFrom("127.0.0.2", address)) {
                String line = firstLine(again);
                if (line.matches("\\d+")) {
                    break;
                }
            }
            assertTrue("served again once the first server ended", i < 50);
            Thread.sleep(100);
        }
    }

    private static String firstLine(Socket socket) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int b = socket.getInputStream().read(); b >= 0 && b != '\n'; b = socket.getInputStream().read()) {
            line.append((char) b);
        }
        return line.toString();
    }

    private static long pid(Socket socket) throws java.io.IOException {
        String line = firstLine(socket);
        assertTrue("the child says its pid: " + line, line.matches("\\d+"));
        return Long.parseLong(line);
    }
}
