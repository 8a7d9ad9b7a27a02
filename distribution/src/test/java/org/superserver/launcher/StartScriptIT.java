package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bin/superserver of the assembled distribution, run as a real process: it serves what --inetd
 * names, writes its pid file under --data, and stops cleanly on SIGTERM, removing the pid file.
 */
public class StartScriptIT {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final Path home = Path.of(System.getProperty("superserver.home", "target/superserver"));
    private Process server;

    @Before
    public void distributionIsAssembled() {
        assertTrue("no distribution at " + home, Files.isExecutable(home.resolve("bin/superserver")));
    }

    @After
    public void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    public void helpListsTheOptionsAndExitsZero() throws Exception {
        Process help = new ProcessBuilder(home.resolve("bin/superserver").toString(), "--help")
                .redirectErrorStream(true).start();
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(help.waitFor(30, TimeUnit.SECONDS));
        assertEquals(text, 0, help.exitValue());
        for (String option : new String[] {"--inetd", "--xinetd", "--hosts-allow", "--hosts-deny", "--services",
                "--pid-file", "--data", "--debug", "--wrap-all"}) {
            assertTrue("--help names " + option, text.contains(option));
        }
    }

    @Test
    public void servesAnInetdConfWritesItsPidFileAndStopsCleanlyOnSigterm() throws Exception {
        int port = freePort();
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Path data = folder.newFolder("data").toPath();
        Path log = folder.getRoot().toPath().resolve("server.log");
        server = new ProcessBuilder(home.resolve("bin/superserver").toString(),
                "--inetd", conf.toString(), "--data", data.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();

        String answer = awaitDaytime(port, log);
        assertTrue("ctime + CRLF: " + answer, answer.matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n"));

        Path pidFile = data.resolve("superserver.pid");
        assertEquals(Long.toString(server.pid()), Files.readString(pidFile).trim());

        new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
        assertTrue("stopped within 30 s", server.waitFor(30, TimeUnit.SECONDS));
        // 143 = 128 + SIGTERM: the JVM reports the signal it stopped for after its shutdown hooks ran.
        assertTrue("exit status " + server.exitValue(), server.exitValue() == 0 || server.exitValue() == 143);
        assertTrue("the framework stopped before the process ended", Files.readString(log).contains("Superserver stopped"));
        assertFalse("the pid file is removed", Files.exists(pidFile));
        try (Socket refused = new Socket()) {
            refused.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            fail("the port still accepts after the server stopped");
        } catch (IOException expected) {
            // connection refused: nothing listens any more
        }
    }

    @Test
    public void wrapAllChecksInternalLinesAgainstTheHostsFilesItIsGiven() throws Exception {
        int port = freePort();
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Path allow = folder.newFile("hosts.allow").toPath();
        Path deny = folder.newFile("hosts.deny").toPath();
        // The line names its service by port, so that is its daemon name; a port also matches as the local port.
        Files.writeString(deny, port + ": 127.0.0.2\n");
        Path log = folder.getRoot().toPath().resolve("server.log");
        server = new ProcessBuilder(home.resolve("bin/superserver").toString(), "--inetd", conf.toString(),
                "--wrap-all", "--hosts-allow", allow.toString(), "--hosts-deny", deny.toString(),
                "--data", folder.newFolder("data").toPath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();

        assertTrue(awaitDaytime(port, log).endsWith("\r\n"));
        try (Socket denied = new Socket()) {
            denied.bind(new InetSocketAddress("127.0.0.2", 0));
            denied.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            denied.setSoTimeout(5_000);
            assertEquals("a denied client gets nothing", 0, denied.getInputStream().readAllBytes().length);
        }
        String text = Files.readString(log);
        assertTrue(text, text.contains("TCPD service=" + port + " daemon=" + port + " from=127.0.0.2 rule=" + deny
                + ":1 deny"));
    }

    private String awaitDaytime(int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("the server exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5_000);
                InputStream in = socket.getInputStream();
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("nothing served 127.0.0.1:" + port + " within 60 s: " + Files.readString(log));
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
