package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoService;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.assertRefused;
import static org.superserver.itests.Clients.awaitRefused;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.exchange;
import static org.superserver.itests.Clients.freePort;
import static org.superserver.itests.Clients.loopback;
import static org.superserver.itests.Clients.readToEnd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.superserver.api.ConfigSource;
import org.superserver.api.status.ListenerStatus;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * inetd.conf as a config format: built-ins and programs served from a file, reloaded (by
 * {@link ConfigSource#reload()}, by SIGHUP, by change detection) with only the difference applied
 * while earlier connections and their children keep running, and a bad line skipped while the
 * others serve.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InetdConfIT extends ItestSupport {

    /** Answers each line it reads with its first argument and the line, until end of file. */
    static final String LINES = "while read -r line; do echo \"$1 $line\"; done\n";

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    @Test
    public void builtinsServeThroughInetdConfByServiceNameAndAsInternalNameOnANumericPort() throws Exception {
        int echoPort = freePort();
        int daytimePort = freePort();
        int numericTcp = freePort();
        int numericUdp = freePort();
        Path services = scratch().write("services",
                "echo\t\t" + echoPort + "/tcp\n"
                        + "daytime\t\t" + daytimePort + "/udp\n");
        Path conf = scratch().write("inetd.conf", String.join("\n",
                "# built-ins, as inetd(8) names them: by the service name",
                "127.0.0.1:echo\tstream\ttcp\tnowait\troot\tinternal",
                "127.0.0.1:daytime\tdgram\tudp\twait\troot\tinternal",
                "# the extension: internal NAME on a numeric port",
                "127.0.0.1:" + numericTcp + " stream tcp nowait " + USER + " internal echo",
                "127.0.0.1:" + numericUdp + " dgram udp wait " + USER + " internal echo",
                ""));
        serveInetdConf(conf, services, 0);

        InetSocketAddress echo = awaitListening(inetdId(conf, "127.0.0.1", "echo", "tcp"));
        assertEquals("echo's port from the services table", echoPort, echo.getPort());
        assertEchoService(echo, "echo by its service name\n");
        InetSocketAddress daytime = awaitListening(inetdId(conf, "127.0.0.1", "daytime", "udp"));
        assertEquals("daytime's port from the services table", daytimePort, daytime.getPort());
        String text = ascii(exchange(daytime, ascii("x")));
        assertTrue("'" + text + "' is ctime + CRLF", BuiltinServicesIT.CTIME_CRLF.matcher(text).matches());

        InetSocketAddress tcp = awaitListening(inetdId(conf, "127.0.0.1", numericTcp, "tcp"));
        assertEquals(numericTcp, tcp.getPort());
        assertEchoService(tcp, "internal echo on a numeric port\n");
        InetSocketAddress udp = awaitListening(inetdId(conf, "127.0.0.1", numericUdp, "udp"));
        assertEquals("internal echo over udp", "ping", ascii(exchange(udp, ascii("ping"))));
    }

    @Test
    public void aBadLineIsReportedWithFileLineAndFieldAndSkippedWhileTheGoodLinesServe() throws Exception {
        LogCapture log = log();
        Path served = scratch().script("served.sh", "echo \"served $1\"\n");
        int goodExec = freePort();
        int badProtocol = freePort();
        int badMax = freePort();
        int goodInternal = freePort();
        Path conf = scratch().write("inetd.conf", String.join("\n",
                "127.0.0.1:" + goodExec + " stream tcp nowait " + USER + " " + served + " served good",
                "127.0.0.1:" + badProtocol + " stream tcpx nowait " + USER + " /bin/cat cat",
                "127.0.0.1:" + badMax + " stream tcp nowait.lots " + USER + " /bin/cat cat",
                "127.0.0.1:" + goodInternal + " stream tcp nowait " + USER + " internal echo",
                ""));
        serveInetdConf(conf, scratch().write("services", ""), 0);

        InetSocketAddress exec = awaitListening(inetdId(conf, "127.0.0.1", goodExec, "tcp"));
        try (Socket socket = connect(exec)) {
            assertEquals("served good\n", ascii(readToEnd(socket)));
        }
        assertEchoService(awaitListening(inetdId(conf, "127.0.0.1", goodInternal, "tcp")), "the other good line\n");

        String protocolError = log.await(TIMEOUT, conf + ":2: protocol");
        assertTrue("reported at ERROR: " + protocolError, protocolError.contains(" ERROR "));
        assertTrue("names the bad value: " + protocolError, protocolError.contains("tcpx"));
        String maxError = log.await(TIMEOUT, conf + ":3: wait");
        assertTrue("reported at ERROR: " + maxError, maxError.contains(" ERROR "));
        log.await(TIMEOUT, "Read inetd.conf " + conf + ": 2 services", "errors 2");
        assertEquals("each bad line is reported once", 1, log.linesWith(conf + ":2:").size());

        List<Integer> portsServed = serverStatus().listeners().stream()
                .map(l -> l.definition().port()).collect(Collectors.toList());
        assertTrue("no listener for the bad lines: " + portsServed,
                !portsServed.contains(badProtocol) && !portsServed.contains(badMax));
        assertRefused(loopback(badProtocol));
        assertRefused(loopback(badMax));
    }

    @Test
    public void reloadAndSighupAddAndRemoveServicesWhileAnEarlierConnectionsChildKeepsRunning() throws Exception {
        Path lines = scratch().script("lines.sh", LINES);
        int first = freePort();
        int second = freePort();
        int third = freePort();
        int kept = freePort();
        Path services = scratch().write("services", "");
        String keptLine = "127.0.0.1:" + kept + " stream tcp nowait " + USER + " internal echo\n";
        Path conf = scratch().write("inetd.conf",
                keptLine + "127.0.0.1:" + first + " stream tcp nowait " + USER + " " + lines + " lines first\n");
        ConfigSource source = serveInetdConf(conf, services, 0);
        InetSocketAddress keptAddress = awaitListening(inetdId(conf, "127.0.0.1", kept, "tcp"));
        InetSocketAddress firstAddress = awaitListening(inetdId(conf, "127.0.0.1", first, "tcp"));
        ListenerStatus keptBefore = serverStatus().listener(inetdId(conf, "127.0.0.1", kept, "tcp")).orElseThrow();

        try (Socket child = connect(firstAddress); Socket echo = connect(keptAddress)) {
            BufferedReader childSays = reader(child);
            assertAnswers(child, childSays, "before", "first before");
            assertEchoes(echo, "before\n");

            // 1: the first service goes, a second comes; ConfigSource.reload() is the shell's path
            scratch().write("inetd.conf",
                    keptLine + "127.0.0.1:" + second + " stream tcp nowait " + USER + " " + lines + " lines second\n");
            source.reload();
            awaitRefused(firstAddress, TIMEOUT);
            awaitNotListening(inetdId(conf, "127.0.0.1", first, "tcp"));
            InetSocketAddress secondAddress = awaitListening(inetdId(conf, "127.0.0.1", second, "tcp"));
            assertServedOnce(secondAddress, "second");
            assertAnswers(child, childSays, "after a reload removed its service", "first after a reload removed its service");
            assertEchoes(echo, "after the reload\n");

            // 2: the second goes, a third comes; SIGHUP, as kill -HUP $(cat data/superserver.pid)
            scratch().write("inetd.conf",
                    keptLine + "127.0.0.1:" + third + " stream tcp nowait " + USER + " " + lines + " lines third\n");
            hangup();
            InetSocketAddress thirdAddress = awaitListening(inetdId(conf, "127.0.0.1", third, "tcp"));
            awaitRefused(secondAddress, TIMEOUT);
            awaitNotListening(inetdId(conf, "127.0.0.1", second, "tcp"));
            assertServedOnce(thirdAddress, "third");
            assertAnswers(child, childSays, "after SIGHUP", "first after SIGHUP");
            assertEchoes(echo, "after SIGHUP\n");
        }
        ListenerStatus keptAfter = serverStatus().listener(inetdId(conf, "127.0.0.1", kept, "tcp")).orElseThrow();
        assertEquals("the unchanged line kept its listener", keptBefore.boundAddress(), keptAfter.boundAddress());
        assertEquals("the unchanged line's listener was not rebound (its count goes on)",
                keptBefore.accepted() + 1, keptAfter.accepted());
    }

    @Test
    public void anEditedFileIsReadAgainByChangeDetection() throws Exception {
        Path lines = scratch().script("lines.sh", LINES);
        int before = freePort();
        int after = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + before + " stream tcp nowait " + USER + " " + lines + " lines before\n");
        serveInetdConf(conf, scratch().write("services", ""), 100);
        InetSocketAddress beforeAddress = awaitListening(inetdId(conf, "127.0.0.1", before, "tcp"));
        assertServedOnce(beforeAddress, "before");

        scratch().write("inetd.conf",
                "# edited\n127.0.0.1:" + after + " stream tcp nowait " + USER + " " + lines + " lines after\n");
        InetSocketAddress afterAddress = awaitListening(inetdId(conf, "127.0.0.1", after, "tcp"));
        assertServedOnce(afterAddress, "after");
        awaitRefused(beforeAddress, TIMEOUT);
    }

    @Test
    public void aMissingFileIsAnErrorThatNamesItAndTheOtherFilesServe() throws Exception {
        LogCapture log = log();
        Path missing = scratch().path("no-such-inetd.conf");
        int port = freePort();
        Path conf = scratch().write("inetd.conf", "127.0.0.1:" + port + " stream tcp nowait " + USER + " internal echo\n");
        inetdConfiguration(properties(
                "file", new String[] {missing.toString(), conf.toString()},
                "services", scratch().write("services", "").toString(),
                "poll_interval_ms", 0L));
        assertEchoService(awaitListening(inetdId(conf, "127.0.0.1", port, "tcp")), "the file that exists serves\n");
        String error = log.await(TIMEOUT, 1, "at ERROR naming " + missing,
                line -> line.contains(" ERROR ") && line.contains(missing.toString())).get(0);
        assertTrue("says the file does not exist: " + error, error.contains("does not exist"));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /**
     * Sends SIGHUP to this JVM, after making sure the core's handler is the one installed (else the
     * signal would stop the JVM the tests run in): the system bundle exports sun.misc here, as in the
     * distribution, so the core's HangupReloader takes the signal.
     */
    private void hangup() throws Exception {
        Signal hup = new Signal("HUP");
        SignalHandler current = Signal.handle(hup, signal -> { });
        Signal.handle(hup, current);
        Bundle owner = FrameworkUtil.getBundle(current.getClass());
        assertEquals("SIGHUP is handled by the core (handler " + current + "), so it cannot stop this JVM",
                CORE, owner == null ? null : owner.getSymbolicName());
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(ProcessHandle.current().pid()))
                .redirectErrorStream(true).start();
        String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("kill -HUP: " + said, 0, kill.waitFor());
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static void assertAnswers(Socket socket, BufferedReader in, String line, String expected)
            throws IOException {
        socket.getOutputStream().write(ascii(line + "\n"));
        socket.getOutputStream().flush();
        assertEquals("the child answers '" + line + "'", expected, in.readLine());
    }

    /** A fresh connection to a LINES service named {@code name} answers one line, then ends at end of file. */
    private static void assertServedOnce(InetSocketAddress address, String name) throws IOException {
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write(ascii("hello\n"));
            socket.shutdownOutput();
            assertEquals(name + " hello\n", ascii(readToEnd(socket)));
        }
    }
}
