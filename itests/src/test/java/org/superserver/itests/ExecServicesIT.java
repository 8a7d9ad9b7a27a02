package org.superserver.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.exchange;
import static org.superserver.itests.Clients.freePort;
import static org.superserver.itests.Clients.readToEnd;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.superserver.api.status.ListenerState;

/**
 * Exec'd services, defined in inetd.conf: real programs (shell scripts, cat, python3) started per
 * connection or per wait-service activation, with the socket itself as fd 0, 1 and 2, the documented
 * environment, the configured user, every child reaped, and {@code .max} pausing a service.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ExecServicesIT extends ItestSupport {

    static final String PYTHON = "/usr/bin/python3";

    /** Prints what a server program can see of its start: one {@code key=value} per line. */
    static final String PROBE = String.join("\n",
            "if [ -S /dev/stdin ]; then echo stdin=socket; else echo stdin=other; fi",
            "if [ -S /dev/stdout ]; then echo stdout=socket; else echo stdout=other; fi",
            "if [ -S /dev/stderr ]; then echo stderr=socket; else echo stderr=other; fi",
            "echo \"pid=$$\"",
            "echo \"zero=$0\"",
            "echo \"argc=$#\"",
            "echo \"args=$*\"",
            // ls opens the directory it lists: that is the 3 (the lowest free descriptor) in its list
            "echo \"fds=$(ls /proc/self/fd | sort -n | tr '\\n' ' ')\"",
            "for v in REMOTE_HOST REMOTE_ADDR REMOTE_PORT PROTO TCPREMOTEIP TCPREMOTEPORT TCPLOCALIP TCPLOCALPORT \\",
            "         PATH HOME USER LOGNAME SHELL; do",
            "  eval \"echo \\\"env.$v=\\${$v-<unset>}\\\"\"",
            "done",
            "echo \"names=$(env | sed 's/=.*//' | sort | tr '\\n' ' ')\"",
            "echo \"family=$(" + PYTHON + " -c 'import socket; print(int(socket.socket(fileno=0).family))')\"",
            "echo \"user=$(id -un)\"",
            "echo \"uid=$(id -u)\"",
            "");

    /** Records the python child's pid beside the script, as the shell scripts do. */
    static final String PYTHON_PROLOGUE = String.join("\n",
            "import os, socket, sys, time",
            "with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pids'), 'a') as f:",
            "    f.write('%d\\n' % os.getpid())",
            "");

    /**
     * A dgram wait server: takes the bound socket from fd 0 (as the brief's programs do, with
     * socket.fromfd(0, AF_INET, ...); the family it really has is asked and reported, so that the
     * family test below and not this one says when it is not AF_INET), answers one datagram with its
     * pid, stays a second (the service is paused meanwhile), and exits.
     */
    static final String UDP_ONCE = PYTHON_PROLOGUE + String.join("\n",
            "s = socket.fromfd(0, socket.AF_INET, socket.SOCK_DGRAM)",
            "family = s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN)",
            "if family != socket.AF_INET:",
            "    s = socket.fromfd(0, family, socket.SOCK_DGRAM)",
            "data, peer = s.recvfrom(65535)",
            "s.sendto(b'pid=%d family=%d got=%s' % (os.getpid(), family, data), peer)",
            "time.sleep(1)",
            "");

    /** A stream wait server: accepts one connection on the listening socket it got as fd 0, answers, exits. */
    static final String ACCEPT_ONCE = PYTHON_PROLOGUE + String.join("\n",
            "s = socket.fromfd(0, socket.AF_INET, socket.SOCK_STREAM)",
            "family = s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN)",
            "if family != socket.AF_INET:",
            "    s = socket.fromfd(0, family, socket.SOCK_STREAM)",
            "c, peer = s.accept()",
            "host = peer[0][7:] if peer[0].startswith('::ffff:') else peer[0]",
            "c.sendall(b'pid=%d family=%d accepted %s:%d\\n' % (os.getpid(), family, host.encode(), peer[1]))",
            "c.close()",
            "");

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    // ---- the socket as fd 0, 1, 2; arguments; descriptors; environment ------------------------

    @Test
    public void aScriptServerGetsTheConnectionAsStdinStdoutStderrItsArgumentsAndNoOtherDescriptor() throws Exception {
        Path probe = scratch().script("probe.sh", PROBE);
        int port = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + port + " stream tcp nowait " + USER + " " + probe + " probe-argv0 first second\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress address = awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));

        Map<String, String> seen = probe(address);
        assertEquals("[ -S /dev/stdin ]: fd 0 is the socket itself, not a pipe " + seen, "socket", seen.get("stdin"));
        assertEquals("fd 1 is the socket " + seen, "socket", seen.get("stdout"));
        assertEquals("fd 2 is the socket " + seen, "socket", seen.get("stderr"));
        assertEquals("arguments after argv[0] " + seen, "first second", seen.get("args"));
        assertEquals("argument count " + seen, "2", seen.get("argc"));
        // the kernel hands a #! script its own path as $0 (argv[0] is shown by the next test)
        assertEquals("$0 of a script " + seen, probe.toString(), seen.get("zero"));
        assertEquals("descriptors open in the child: 0, 1, 2 and the one ls opens itself " + seen,
                "0 1 2 3", seen.get("fds"));
    }

    @Test
    public void theServerProgramGetsArgv0AsWrittenInInetdConf() throws Exception {
        int port = freePort();
        // /bin/sh -s reads its commands from stdin (the socket) and keeps argv[0] as $0
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + port + " stream tcp nowait " + USER + " /bin/sh itest-argv0 -s alpha beta\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress address = awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));

        try (Socket socket = connect(address)) {
            socket.getOutputStream().write(ascii("echo \"$0|$#|$*\"\nexit 0\n"));
            socket.getOutputStream().flush();
            assertEquals("$0|$#|$* of /bin/sh started as 'itest-argv0 -s alpha beta'",
                    "itest-argv0|2|alpha beta\n", ascii(readToEnd(socket)));
        }
    }

    @Test
    public void theChildSeesRemoteAndUcspiVariablesAndALaunderedEnvironmentOfItsUser() throws Exception {
        Path probe = scratch().script("probe.sh", PROBE);
        int port = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + port + " stream tcp nowait " + USER + " " + probe + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress address = awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));

        Map<String, String> seen;
        int clientPort;
        try (Socket socket = connect(address)) {
            clientPort = socket.getLocalPort();
            seen = report(socket);
        }
        String client = String.valueOf(clientPort);
        assertEquals("no arguments: argv[0] only " + seen, "0", seen.get("argc"));
        assertEquals("REMOTE_ADDR " + seen, "127.0.0.1", seen.get("env.REMOTE_ADDR"));
        assertEquals("REMOTE_PORT is the client's port " + seen, client, seen.get("env.REMOTE_PORT"));
        assertTrue("REMOTE_HOST names the client " + seen,
                List.of("127.0.0.1", "localhost").contains(seen.get("env.REMOTE_HOST")));
        assertEquals("PROTO (UCSPI) " + seen, "TCP", seen.get("env.PROTO"));
        assertEquals("TCPREMOTEIP " + seen, "127.0.0.1", seen.get("env.TCPREMOTEIP"));
        assertEquals("TCPREMOTEPORT is the client's port " + seen, client, seen.get("env.TCPREMOTEPORT"));
        assertEquals("TCPLOCALIP " + seen, "127.0.0.1", seen.get("env.TCPLOCALIP"));
        assertEquals("TCPLOCALPORT is the service's port " + seen, String.valueOf(port), seen.get("env.TCPLOCALPORT"));

        String[] user = passwd(USER);
        assertNotEquals("PATH is set " + seen, "<unset>", seen.get("env.PATH"));
        assertEquals("HOME of the user " + seen, user[5], seen.get("env.HOME"));
        assertEquals("USER " + seen, USER, seen.get("env.USER"));
        assertEquals("LOGNAME " + seen, USER, seen.get("env.LOGNAME"));
        assertEquals("SHELL of the user " + seen, user[6], seen.get("env.SHELL"));
        for (String name : seen.get("names").split(" ")) {
            assertTrue("the server's " + name + " is not passed on (laundered environment) " + seen,
                    !name.startsWith("LD_") && !name.startsWith("TERM") && !name.startsWith("TMP"));
        }
    }

    // ---- half-close ----------------------------------------------------------------------------

    @Test
    public void aChildReadsEndOfFileWhenTheClientShutsDownItsWriteSideAndStillAnswers() throws Exception {
        Path count = scratch().script("count.sh", "n=$(wc -c)\necho \"read $n bytes, then end of file\"\n");
        int catPort = freePort();
        int countPort = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + catPort + " stream tcp nowait " + USER + " /bin/cat cat\n"
                        + "127.0.0.1:" + countPort + " stream tcp nowait " + USER + " " + count + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress cat = awaitListening(inetdId(conf, "127.0.0.1", catPort, "tcp"));
        InetSocketAddress counter = awaitListening(inetdId(conf, "127.0.0.1", countPort, "tcp"));

        try (Socket socket = connect(cat)) {
            socket.getOutputStream().write(ascii("said before the half-close\n"));
            socket.shutdownOutput();
            assertEquals("cat copies everything, then ends at end of file", "said before the half-close\n",
                    ascii(readToEnd(socket)));
        }
        byte[] mebibyte = new byte[1 << 20];
        Arrays.fill(mebibyte, (byte) 'x');
        try (Socket socket = connect(counter)) {
            socket.getOutputStream().write(mebibyte);
            socket.shutdownOutput();
            assertEquals("the answer written after end of file arrives", "read 1048576 bytes, then end of file\n",
                    ascii(readToEnd(socket)));
        }
    }

    // ---- wait services -------------------------------------------------------------------------

    @Test
    public void aDgramWaitServiceHandsItsBoundSocketToTheChildAndServesAgainAfterTheChildExits() throws Exception {
        Path server = scratch().write("udp-once.py", UDP_ONCE);
        int port = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + port + " dgram udp wait " + USER + " " + PYTHON + " python3 " + server + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        String id = inetdId(conf, "127.0.0.1", port, "udp");
        InetSocketAddress address = awaitListening(id);

        // Clients.exchange also checks that the reply comes from the service's own port
        String first = ascii(exchange(address, ascii("first")));
        assertTrue("the child answered the first datagram: " + first, first.matches("pid=\\d+ family=\\d+ got=first"));
        awaitState(id, ListenerState.PAUSED);  // while its child has the socket, the server does not watch it
        long firstChild = Long.parseLong(first.substring(4, first.indexOf(' ')));
        awaitReaped(firstChild);
        awaitListening(id);

        String second = ascii(exchange(address, ascii("second")));
        assertTrue("a new child answered the second datagram: " + second, second.matches("pid=\\d+ family=\\d+ got=second"));
        assertNotEquals("served by a second child", first.substring(0, first.indexOf(' ')),
                second.substring(0, second.indexOf(' ')));
    }

    @Test
    public void aStreamWaitServiceHandsItsListeningSocketToTheChildWhichAcceptsByItself() throws Exception {
        Path server = scratch().write("accept-once.py", ACCEPT_ONCE);
        int port = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + port + " stream tcp wait " + USER + " " + PYTHON + " python3 " + server + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress address = awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));

        String first;
        try (Socket socket = connect(address)) {
            first = ascii(readToEnd(socket));
            assertTrue("the child accepted this very connection: " + first,
                    first.endsWith(" accepted 127.0.0.1:" + socket.getLocalPort() + "\n"));
        }
        String second;
        try (Socket socket = connect(address)) {
            second = ascii(readToEnd(socket));
            assertTrue("a new child accepted the next connection: " + second,
                    second.endsWith(" accepted 127.0.0.1:" + socket.getLocalPort() + "\n"));
        }
        assertNotEquals("served by a second child", first.substring(0, first.indexOf(' ')),
                second.substring(0, second.indexOf(' ')));
    }

    @Test
    public void theChildOfAnIpv4LineGetsAnIpv4SocketAsInetdGivesIt() throws Exception {
        Path probe = scratch().script("probe.sh", PROBE);
        Path udp = scratch().write("udp-once.py", UDP_ONCE);
        Path accept = scratch().write("accept-once.py", ACCEPT_ONCE);
        int nowaitPort = freePort();
        int dgramPort = freePort();
        int streamPort = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + nowaitPort + " stream tcp nowait " + USER + " " + probe + "\n"
                        + "127.0.0.1:" + dgramPort + " dgram udp wait " + USER + " " + PYTHON + " python3 " + udp + "\n"
                        + "127.0.0.1:" + streamPort + " stream tcp wait " + USER + " " + PYTHON + " python3 " + accept + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress nowait = awaitListening(inetdId(conf, "127.0.0.1", nowaitPort, "tcp"));
        InetSocketAddress dgram = awaitListening(inetdId(conf, "127.0.0.1", dgramPort, "udp"));
        InetSocketAddress stream = awaitListening(inetdId(conf, "127.0.0.1", streamPort, "tcp"));

        String nowaitFamily = probe(nowait).get("family");
        String dgramFamily = ascii(exchange(dgram, ascii("x"))).replaceAll(".*family=(\\d+).*", "$1");
        String streamFamily;
        try (Socket socket = connect(stream)) {
            streamFamily = ascii(readToEnd(socket)).replaceAll("(?s).*family=(\\d+).*", "$1");
        }
        // AF_INET is 2; AF_INET6 is 10 (an IPv6 socket bound to ::ffff:127.0.0.1 reports v4-mapped
        // addresses, which a program that takes fd 0 as AF_INET, as inetd's children may, misreads)
        assertEquals("address families (AF_INET = 2) of the sockets handed to the children of "
                        + "nowait tcp, dgram udp wait, stream tcp wait lines on 127.0.0.1",
                List.of("2", "2", "2"), List.of(nowaitFamily, dgramFamily, streamFamily));
    }

    // ---- children: reaping, user, missing programs, rate --------------------------------------

    @Test
    public void everyChildIsReapedAndItsExitIsLoggedInOneLine() throws Exception {
        LogCapture log = log();
        Path exits = scratch().script("exits.sh", "echo \"pid=$$\"\nexit 3\n");
        int port = freePort();
        Path conf = scratch().write("inetd.conf", "127.0.0.1:" + port + " stream tcp nowait " + USER + " " + exits + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress address = awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));

        long pid;
        int clientPort;
        try (Socket socket = connect(address)) {
            clientPort = socket.getLocalPort();
            pid = Long.parseLong(report(socket).get("pid"));
        }
        awaitReaped(pid);
        String exit = log.await(TIMEOUT, "EXIT ", "pid=" + pid + " ");
        assertTrue("EXIT line names service, pid, from, status and duration: " + exit,
                exit.matches(".*EXIT service=\\S+ pid=" + pid + " from=\\S+ status=.+ duration=\\S+.*"));
        assertTrue("EXIT line's from is the client (127.0.0.1, port " + clientPort + "): " + exit,
                exit.matches(".* from=\\[?127\\.0\\.0\\.1\\S*.*"));
        assertTrue("EXIT line's status is the exit code 3: " + exit, exit.matches(".* status=\\D*3\\b.*"));
        assertEquals("one EXIT line per child", 1, log.linesWith("EXIT ", "pid=" + pid + " ").size());
    }

    @Test
    public void aLineWithUserNobodyRunsItsProgramAsNobody() throws Exception {
        assumeRoot("running a program as nobody");
        Path probe = scratch().script("probe.sh", PROBE);
        int port = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + port + " stream tcp nowait nobody " + probe + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress address = awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));

        Map<String, String> seen = probe(address);
        String[] nobody = passwd("nobody");
        assertEquals("id -un " + seen, "nobody", seen.get("user"));
        assertEquals("id -u " + seen, nobody[2], seen.get("uid"));
        assertEquals("USER " + seen, "nobody", seen.get("env.USER"));
        assertEquals("HOME of nobody " + seen, nobody[5], seen.get("env.HOME"));
        assertEquals("still the socket as stdin " + seen, "socket", seen.get("stdin"));
    }

    @Test
    public void aMissingOrNonExecutableProgramIsReportedAndItsListenerStaysUp() throws Exception {
        LogCapture log = log();
        Path missing = scratch().path("no-such-program");
        Path notExecutable = scratch().write("not-executable.sh", "#!/bin/sh\necho should not run\n");
        Path served = scratch().script("served.sh", "echo served\n");
        int missingPort = freePort();
        int notExecutablePort = freePort();
        int goodPort = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + missingPort + " stream tcp nowait " + USER + " " + missing + "\n"
                        + "127.0.0.1:" + notExecutablePort + " stream tcp nowait " + USER + " " + notExecutable + "\n"
                        + "127.0.0.1:" + goodPort + " stream tcp nowait " + USER + " " + served + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress good = awaitListening(inetdId(conf, "127.0.0.1", goodPort, "tcp"));

        for (Path program : List.of(missing, notExecutable)) {
            int port = program.equals(missing) ? missingPort : notExecutablePort;
            InetSocketAddress address = awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));
            String what = "at ERROR or WARN naming " + program;
            Predicate<String> reported = line -> line.contains(program.toString()) && isErrorOrWarning(line);
            int atLoad = log.await(TIMEOUT, 1, what + " (at load time)", reported).size();
            try (Socket socket = connect(address)) {
                assertEquals("nothing is served by " + program, "", ascii(readToEndOrReset(socket)));
            }
            log.await(TIMEOUT, atLoad + 1, what + " (once more for the attempt)", reported);
            assertEquals("the listener of " + program + " stays up", ListenerState.LISTENING,
                    serverStatus().listener(inetdId(conf, "127.0.0.1", port, "tcp")).orElseThrow().state());
        }
        try (Socket socket = connect(good)) {
            assertEquals("served\n", ascii(readToEnd(socket)));
        }
    }

    @Test
    public void overItsMaxPerMinuteAServicePausesAndServesAgainAfterThePause() throws Exception {
        LogCapture log = log();
        configureCore("rate.pause.seconds", 2);
        Path served = scratch().script("served.sh", "echo served\n");
        int port = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + port + " stream tcp nowait.3 " + USER + " " + served + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        String id = inetdId(conf, "127.0.0.1", port, "tcp");
        InetSocketAddress address = awaitListening(id);

        for (int i = 1; i <= 3; i++) {
            try (Socket socket = connect(address)) {
                assertEquals("connection " + i + " of 3 a minute is served", "served\n", ascii(readToEnd(socket)));
            }
        }
        assertNotServed(address, "the 4th connection within a minute of nowait.3");
        awaitState(id, ListenerState.PAUSED);
        assertNotServed(address, "a connection while the service is paused");
        log.await(TIMEOUT, 1, "saying that service " + port + " pauses for rate.pause.seconds = 2 s",
                line -> line.contains("PAUSE service=" + port + " ") && line.contains(" resume_in=2s"));

        awaitListening(id);
        log.await(TIMEOUT, 1, "saying that service " + port + " resumes",
                line -> line.contains("RESUME service=" + port + " "));
        try (Socket socket = connect(address)) {
            assertEquals("served again after the pause", "served\n", ascii(readToEnd(socket)));
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Connects, lets the probe report, and returns what it printed. */
    private static Map<String, String> probe(InetSocketAddress address) throws IOException {
        try (Socket socket = connect(address)) {
            return report(socket);
        }
    }

    /** Everything the child prints until it exits, as {@code key=value} lines. */
    static Map<String, String> report(Socket socket) throws IOException {
        String text;
        try {
            text = ascii(readToEnd(socket));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open " + Clients.READ_TIMEOUT_MILLIS
                    + " ms after the child should have exited (does the server keep a copy of the socket?)", e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return out;
    }

    /** The fields of {@code user}'s line in /etc/passwd (name, x, uid, gid, gecos, home, shell). */
    static String[] passwd(String user) throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 7 && fields[0].equals(user)) {
                return fields;
            }
        }
        throw new AssertionError("no user " + user + " in /etc/passwd");
    }

    /** Waits until the process {@code pid} is gone and reaped (no zombie left in /proc). */
    static void awaitReaped(long pid) throws InterruptedException {
        Path proc = Path.of("/proc/" + pid);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (Files.exists(proc)) {
            if (System.nanoTime() > deadline) {
                String state;
                try {
                    state = Files.readString(proc.resolve("stat"));
                } catch (IOException gone) {
                    return;
                }
                fail("child " + pid + " was not reaped within " + TIMEOUT + " (/proc/" + pid + "/stat: " + state + ")");
            }
            Thread.sleep(20);
        }
    }

    /** Reads until end of file, a reset counting as an end (a refused child closes either way). */
    static byte[] readToEndOrReset(Socket socket) throws IOException {
        try {
            return readToEnd(socket);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open after " + Clients.READ_TIMEOUT_MILLIS + " ms", e);
        } catch (SocketException reset) {
            return new byte[0];
        }
    }

    /** A connection is refused, or accepted and closed without the program's answer. */
    static void assertNotServed(InetSocketAddress address, String what) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, Clients.READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(Clients.READ_TIMEOUT_MILLIS);
            byte[] got;
            try {
                got = readToEnd(socket);
            } catch (SocketTimeoutException held) {
                throw new AssertionError(what + " was accepted and held open " + Clients.READ_TIMEOUT_MILLIS
                        + " ms instead of being refused or closed", held);
            } catch (SocketException reset) {
                return;
            }
            assertArrayEquals(what + " is closed without an answer, got '" + ascii(got) + "'", new byte[0], got);
        } catch (ConnectException refused) {
            // refused: not served
        }
    }

    private static boolean isErrorOrWarning(String line) {
        return line.contains(" ERROR ") || line.contains(" WARN ");
    }
}
