package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;
import static org.superserver.launcher.ServedPorts.freePort;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bin/superserver shell against a real running server: commands and an interactive session over
 * the socket in the data directory (mode 0600, removed at the stop, a crashed run's stale one
 * replaced), exit status 0, 1 or 2, and no way in for another user.
 */
public class ShellScriptIT {

    @ClassRule
    public static final TemporaryFolder FOLDER = new TemporaryFolder();

    private static final Path HOME = Path.of(System.getProperty("superserver.home", "target/superserver"));

    /** The server most tests talk to, serving daytime and echo on ports of their own. */
    private static Process server;
    private static Path data;
    private static Path log;
    private static int daytimePort;
    private static int echoPort;

    /** What a run of bin/superserver shell printed, and its exit status. */
    record Result(int status, String out, String err) {
    }

    @BeforeClass
    public static void startServer() throws Exception {
        assertTrue("no distribution at " + HOME, Files.isExecutable(HOME.resolve("bin/superserver")));
        // Traversable by every user, so that the test as another user meets the socket's own mode.
        Files.setPosixFilePermissions(FOLDER.getRoot().toPath(), PosixFilePermissions.fromString("rwxr-xr-x"));
        daytimePort = freePort();
        echoPort = freePort();
        Path conf = FOLDER.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + daytimePort + " stream tcp nowait root internal daytime\n"
                + "127.0.0.1:" + echoPort + " stream tcp nowait root internal echo\n");
        data = FOLDER.getRoot().toPath().resolve("data");
        log = FOLDER.getRoot().toPath().resolve("server.log");
        server = start(log, "--inetd", conf.toString(), "--data", data.toString());
        awaitShell(server, data, log);
    }

    @AfterClass
    public static void stopServer() throws Exception {
        if (server != null && server.isAlive()) {
            new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    public void theSocketIsMode0600OfTheServersUser() throws Exception {
        Path socket = data.resolve("shell.sock");
        assertEquals("srw-------", "s" + PosixFilePermissions.toString(Files.getPosixFilePermissions(socket,
                LinkOption.NOFOLLOW_LINKS)));
        assertEquals(0140000, (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
        assertEquals(Files.getAttribute(data, "unix:uid"), Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void aCommandRunsInTheRunningServerAndExitsZero() throws Exception {
        Result list = shell(null, "--data", data.toString(), "inetd:list");
        assertEquals(list.toString(), 0, list.status());
        assertTrue(list.out(), list.out().startsWith("SERVICE "));
        assertTrue(list.out(), list.out().contains("127.0.0.1:" + daytimePort));
        assertTrue(list.out(), list.out().contains("127.0.0.1:" + echoPort));
        assertTrue(list.out(), list.out().contains("internal daytime"));
        assertTrue(list.out(), list.out().contains("internal echo"));
        assertEquals("", list.err());
        String text = Files.readString(log);
        assertTrue(text, text.matches("(?s).*SHELL session=\\d+ uid=\\d+ commands=1\\n.*"));
    }

    @Test
    public void anUnknownCommandExitsOneWithItsErrorOnStandardErrorAfterTheOthersRan() throws Exception {
        Result failed = shell(null, "--data=" + data, "nosuch:command", "inetd:list");
        assertEquals(failed.toString(), 1, failed.status());
        assertEquals("CommandNotFoundException: Command not found: nosuch:command\n", failed.err());
        assertTrue("the next command still ran: " + failed.out(), failed.out().contains("internal daytime"));
    }

    @Test
    public void anInteractiveSessionReadsCommandLinesFromStandardInputAndKeepsItsVariables() throws Exception {
        Result session = shell("port = " + daytimePort + "\n\ninetd:list | grep $port\nexit\ninetd:list\n",
                "--data", data.toString());
        assertEquals(session.toString(), 0, session.status());
        String[] lines = session.out().split("\n");
        assertEquals(session.out(), "superserver> " + daytimePort, lines[0]);
        assertTrue(session.out(), lines[1].startsWith("superserver> superserver> "));
        assertTrue(session.out(), lines[1].contains("127.0.0.1:" + daytimePort));
        assertTrue(session.out(), lines[1].contains("internal daytime"));
        assertFalse("only the line with the port: " + session.out(), session.out().contains("internal echo"));
        assertTrue("exit ends the session: " + session.out(), session.out().endsWith("superserver> "));
    }

    @Test
    public void anotherUserCannotConnect() throws Exception {
        assumeTrue("only root can run the client as another user (setpriv); skipped as "
                + System.getProperty("user.name"), "root".equals(System.getProperty("user.name")));
        assumeTrue("needs /usr/bin/setpriv", Files.isExecutable(Path.of("/usr/bin/setpriv")));
        Result refused = run(null, List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                HOME.toAbsolutePath().resolve("bin/superserver").toString(), "shell", "--data", data.toString(),
                "inetd:list"));
        assertEquals(refused.toString(), 2, refused.status());
        assertEquals("", refused.out());
        assertTrue(refused.err(), refused.err().startsWith("superserver shell: permission denied at "
                + data.resolve("shell.sock") + ": only the user that runs the server (and root) may use its shell"));
    }

    @Test
    public void withoutAServerItSaysSoAndExitsTwo() throws Exception {
        Path empty = FOLDER.newFolder("empty-data").toPath();
        Result none = shell(null, "--data", empty.toString(), "inetd:list");
        assertEquals(none.toString(), 2, none.status());
        assertEquals("superserver shell: no server runs with the data directory " + empty + " (there is no "
                + empty.resolve("shell.sock") + "); start one with bin/superserver --data " + empty
                + ", or name another with --data\n", none.err());
    }

    @Test
    public void helpExplainsTheSubcommandAndTheMainHelpNamesIt() throws Exception {
        Result help = shell(null, "--help");
        assertEquals(0, help.status());
        assertTrue(help.out(), help.out().startsWith("Usage: superserver shell [--data DIR] [--socket FILE] ['COMMAND']..."));
        Result main = run(null, List.of(HOME.resolve("bin/superserver").toString(), "--help"));
        assertTrue(main.out(), main.out().contains("superserver shell [--data DIR] ['COMMAND']..."));
        Result wrong = shell(null, "--bogus");
        assertEquals(2, wrong.status());
        assertEquals("superserver shell: unknown option '--bogus'\nTry 'superserver shell --help'.\n", wrong.err());
    }

    @Test
    public void aStopRemovesTheSocketAndACrashedRunsStaleSocketIsReplacedAtTheNextStart() throws Exception {
        Path conf = FOLDER.newFile("inetd-crash.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + freePort() + " stream tcp nowait root internal daytime\n");
        Path crashData = FOLDER.getRoot().toPath().resolve("data-crash");
        Path socket = crashData.resolve("shell.sock");
        Path crashLog = FOLDER.getRoot().toPath().resolve("crash.log");
        Process crashed = start(crashLog, "--inetd", conf.toString(), "--data", crashData.toString());
        try {
            awaitShell(crashed, crashData, crashLog);
            crashed.destroyForcibly();
            assertTrue(crashed.waitFor(30, TimeUnit.SECONDS));
            assertTrue("SIGKILL leaves the socket", Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
            Result stale = shell(null, "--data", crashData.toString(), "inetd:list");
            assertEquals(stale.toString(), 2, stale.status());
            assertTrue(stale.err(), stale.err().startsWith("superserver shell: no server listens at " + socket));
        } finally {
            crashed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        Path againLog = FOLDER.getRoot().toPath().resolve("again.log");
        Process again = start(againLog, "--inetd", conf.toString(), "--data", crashData.toString());
        try {
            awaitShell(again, crashData, againLog);
            assertTrue(Files.readString(againLog), Files.readString(againLog).contains("SHELL listen=" + socket
                    + " uid=" + Files.getAttribute(crashData, "unix:uid") + " sessions.max=4 replaced=a stale socket"));
            new ProcessBuilder("kill", "-TERM", Long.toString(again.pid())).start().waitFor();
            assertTrue("stopped within 30 s", again.waitFor(30, TimeUnit.SECONDS));
            assertFalse("the stop removes the socket", Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
            assertEquals(2, shell(null, "--data", crashData.toString(), "inetd:list").status());
        } finally {
            again.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** bin/superserver shell with these arguments, {@code input} on its standard input (or nothing). */
    private static Result shell(String input, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(HOME.resolve("bin/superserver").toString());
        command.add("shell");
        command.addAll(List.of(arguments));
        return run(input, command);
    }

    private static Result run(String input, List<String> command) throws Exception {
        Path out = Files.createTempFile(FOLDER.getRoot().toPath(), "out", ".txt");
        Path err = Files.createTempFile(FOLDER.getRoot().toPath(), "err", ".txt");
        Path in = Files.createTempFile(FOLDER.getRoot().toPath(), "in", ".txt");
        Files.writeString(in, input == null ? "" : input);
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(input == null ? new File("/dev/null") : in.toFile()).start();
        assertTrue("bin/superserver shell ended within 60 s", process.waitFor(60, TimeUnit.SECONDS));
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Process start(Path serverLog, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(HOME.resolve("bin/superserver").toString());
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(serverLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    /** Waits until the server has logged that its shell listens (or fails when it exits or takes over 60 s). */
    private static void awaitShell(Process process, Path dataDirectory, Path serverLog) throws Exception {
        String listen = "SHELL listen=" + dataDirectory.resolve("shell.sock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(serverLog).contains(listen)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                fail("no '" + listen + "' in the log: " + Files.readString(serverLog));
            }
            Thread.sleep(100);
        }
    }

}
