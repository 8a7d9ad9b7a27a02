package org.superserver.shell.remote.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The remote shell over its real socket with the real Gogo runtime: answers, variables kept for
 * the session, failures, the limits on sessions and on a line, and the peer check.
 */
public class ShellServerTest {

    /** Commands in scope {@code test}, as a bundle would register them. */
    public static final class TestCommands {
        public String hello() {
            return "hello";
        }

        public int twice(int n) {
            return 2 * n;
        }

        public void say(String text) {
            System.out.println(text);
        }

        public String boom() {
            throw new IllegalStateException("boom");
        }
    }

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final ThreadIOImpl threadIO = new ThreadIOImpl();
    private CommandProcessorImpl processor;
    private Path socket;
    private ShellServer server;

    @Before
    public void gogo() throws IOException {
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        for (String function : new String[] {"hello", "twice", "say", "boom"}) {
            processor.addCommand("test", new TestCommands(), function);
        }
        Path data = folder.newFolder("data").toPath();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = data.resolve("shell.sock");
    }

    @After
    public void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        processor.stop();
        threadIO.stop();
    }

    private void start(Map<String, ?> properties) throws IOException {
        server = RemoteShell.start(socket, processor, Configs.remoteShell(properties));
    }

    @Test
    public void aResultIsPrintedAsGogoFormatsItAndTheAnswerEndsWithOk() throws IOException {
        start(Map.of());
        try (RawClient client = new RawClient(socket)) {
            assertEquals("+superserver-shell 1", client.line());
            assertEquals(List.of("Ohello", "=OK"), client.run("test:hello"));
            assertEquals(List.of("O42", "=OK"), client.run("twice 21"));
        }
    }

    @Test
    public void variablesLastForTheSession() throws IOException {
        start(Map.of());
        try (RawClient client = new RawClient(socket)) {
            client.line();
            assertEquals(List.of("O5", "=OK"), client.run("x = 5"));
            assertEquals(List.of("O10", "=OK"), client.run("twice $x"));
            assertEquals("$_ is the last result", List.of("O20", "=OK"), client.run("twice $_"));
        }
        try (RawClient another = new RawClient(socket)) {
            another.line();
            assertEquals("another session has its own variables: no x", List.of("=OK"), another.run("$x"));
        }
    }

    @Test
    public void whatACommandPrintsIsPartOfTheAnswer() throws IOException {
        start(Map.of());
        try (RawClient client = new RawClient(socket)) {
            client.line();
            assertEquals(List.of("Oone two", "=OK"), client.run("say 'one two'"));
        }
    }

    @Test
    public void anUnknownCommandOrAnExceptionFailsWithItsErrorAndTheSessionGoesOn() throws IOException {
        start(Map.of());
        try (RawClient client = new RawClient(socket)) {
            client.line();
            assertEquals(List.of("ECommandNotFoundException: Command not found: nosuch:command", "=FAIL"),
                    client.run("nosuch:command"));
            assertEquals(List.of("EIllegalStateException: boom", "=FAIL"), client.run("test:boom"));
            assertEquals(List.of("Ohello", "=OK"), client.run("test:hello"));
        }
    }

    @Test
    public void anEmptyLineIsAnsweredWithNothingButOk() throws IOException {
        start(Map.of());
        try (RawClient client = new RawClient(socket)) {
            client.line();
            assertEquals(List.of("=OK"), client.run("   "));
        }
    }

    @Test
    public void aLineLongerThanTheLimitEndsTheSessionWithAnError() throws IOException {
        start(Map.of("line.max.bytes", "256"));
        try (RawClient client = new RawClient(socket)) {
            client.line();
            assertEquals(List.of("Ohello", "=OK"), client.run("test:hello"));
            assertEquals(List.of("Ethe command line is longer than 256 bytes (property line.max.bytes of"
                    + " org.superserver.shell.remote)", "=FAIL"), client.run("x".repeat(300)));
            assertTrue("the session was ended", endOfStreamOrReset(client));
        }
    }

    /** The server closed the connection: a clean end, or a reset since it left some of our bytes unread. */
    private static boolean endOfStreamOrReset(RawClient client) {
        try {
            return client.line() == null;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    public void aClientBeyondTheSessionLimitIsToldSoAndAFreedSessionServesTheNext() throws Exception {
        start(Map.of("sessions.max", "1"));
        try (RawClient first = new RawClient(socket)) {
            assertEquals("+superserver-shell 1", first.line());
            try (RawClient second = new RawClient(socket)) {
                assertEquals("-all 1 shell sessions of the server are in use; try again later", second.line());
                assertNull(second.line());
            }
            assertEquals(List.of("Ohello", "=OK"), first.run("test:hello"));
        }
        // The first session's thread frees its slot once it has seen the end of the stream.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (RawClient next = new RawClient(socket)) {
                String greeting = next.line();
                if (greeting.startsWith("+")) {
                    assertEquals(List.of("Ohello", "=OK"), next.run("test:hello"));
                    break;
                }
                assertTrue("no session freed within 30 s", System.nanoTime() < deadline);
                Thread.sleep(50);
            }
        }
    }

    @Test
    public void closingTheServerEndsItsSessionsAndRemovesTheSocket() throws IOException {
        start(Map.of());
        try (RawClient client = new RawClient(socket)) {
            client.line();
            server.close();
            server = null;
            assertNull("the session was ended", client.line());
        }
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void aPeerThatIsNotTheServersUserIsClosedWithoutAWord() throws Exception {
        assumeTrue("only root can connect as another user (setpriv); skipped as "
                + System.getProperty("user.name"), "root".equals(System.getProperty("user.name")));
        assumeTrue("needs /usr/bin/setpriv and /usr/bin/python3",
                Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")));
        start(Map.of());
        // Past the first lock, the socket's mode, to reach the second: the peer's uid.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        for (Path directory = socket.getParent(); !directory.equals(folder.getRoot().toPath().getParent());
                directory = directory.getParent()) {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String script = "import socket,sys\n"
                + "s=socket.socket(socket.AF_UNIX)\n"
                + "s.connect(sys.argv[1])\n"
                + "sys.stdout.write('received %d bytes' % len(s.recv(4096)))\n";
        Process nobody = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/usr/bin/python3", "-c", script, socket.toString()).redirectErrorStream(true).start();
        String output = new String(nobody.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(nobody.waitFor(60, TimeUnit.SECONDS));
        assertEquals(output, "received 0 bytes", output.trim());
        // and the server's own user is still served
        try (RawClient client = new RawClient(socket)) {
            assertEquals("+superserver-shell 1", client.line());
        }
    }
}
