package org.superserver.launcher.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link ShellClient} and {@link ShellConnection} against a stand-in server that speaks the
 * protocol: frames printed as sent, exit status from =OK and =FAIL, and a refusal, a foreign
 * greeting or a server that goes away turned into status 2 with a message.
 */
public class ShellClientTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private ServerSocketChannel server;
    private Thread serving;
    private final List<String> received = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @After
    public void stop() throws Exception {
        if (server != null) {
            server.close();
            serving.join();
        }
    }

    /** A server for one connection: greets with {@code greeting}, then answers each line it reads. */
    private Path serve(String greeting, Function<String, String> answers) throws IOException {
        Path socket = folder.getRoot().toPath().resolve("shell.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        serving = new Thread(() -> {
            try (SocketChannel channel = server.accept()) {
                OutputStream to = Channels.newOutputStream(channel);
                InputStream from = Channels.newInputStream(channel);
                if (greeting.isEmpty()) {
                    return;
                }
                to.write(greeting.getBytes(StandardCharsets.UTF_8));
                StringBuilder line = new StringBuilder();
                for (int b; (b = from.read()) != -1; ) {
                    if (b != '\n') {
                        line.append((char) b);
                        continue;
                    }
                    received.add(line.toString());
                    String answer = answers.apply(line.toString());
                    if (answer == null) {
                        return;
                    }
                    to.write(answer.getBytes(StandardCharsets.UTF_8));
                    line.setLength(0);
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        serving.start();
        return socket;
    }

    private int run(String stdin, String... args) {
        return ShellClient.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    public void eachArgumentIsOneCommandLineAndTheFramesArePrintedAsSent() throws IOException {
        Path socket = serve("+superserver-shell 1\n", line -> line.equals("two")
                ? "opart \nOone line\nEwarning\n=OK\n" : "O" + line + "\n=OK\n");
        assertEquals(0, run("", "--socket", socket.toString(), "inetd:info echo", "two"));
        assertEquals(List.of("inetd:info echo", "two"), received);
        assertEquals("inetd:info echo\npart one line\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("warning\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void aFailedCommandMakesTheStatusOneAndTheOthersStillRun() throws IOException {
        Path socket = serve("+superserver-shell 1\n", line -> line.equals("bad")
                ? "ECommandNotFoundException: Command not found: bad\n=FAIL\n" : "Ook\n=OK\n");
        assertEquals(1, run("", "--socket=" + socket, "bad", "good"));
        assertEquals("ok\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("CommandNotFoundException: Command not found: bad\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void interactiveLinesFollowThePromptUntilExitAndBlankLinesAreNotSent() throws IOException {
        Path socket = serve("+superserver-shell 1\n", line -> "O<" + line + ">\n=OK\n");
        assertEquals(0, run("first\n\n  \nsecond\n exit \nnot sent\n", "--socket", socket.toString()));
        assertEquals(List.of("first", "second"), received);
        assertEquals("superserver> <first>\nsuperserver> superserver> superserver> <second>\nsuperserver> ",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void aRefusedSessionIsStatusTwoWithTheServersReason() throws IOException {
        Path socket = serve("-all 4 shell sessions of the server are in use; try again later\n", line -> null);
        assertEquals(2, run("", "--socket", socket.toString(), "inetd:list"));
        assertEquals("superserver shell: the server at " + socket + " refused the session: all 4 shell sessions of the"
                + " server are in use; try again later\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void somethingElseAtTheSocketIsNotTakenForAServer() throws IOException {
        Path socket = serve("SSH-2.0-OpenSSH_9.2\n", line -> null);
        assertEquals(2, run("", "--socket", socket.toString(), "inetd:list"));
        assertTrue(err.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).startsWith(
                "superserver shell: what answers at " + socket + " is not a Superserver shell"));
    }

    @Test
    public void aServerThatClosesWithoutAGreetingIsDescribedAsRefusingThisUser() throws IOException {
        Path socket = serve("", line -> null);
        assertEquals(2, run("", "--socket", socket.toString(), "inetd:list"));
        assertEquals("superserver shell: the server at " + socket + " closed the connection without a greeting: it"
                + " serves only its own user (and root); run this as the user that runs the server\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void aSocketNobodyListensOnIsAStoppedServer() throws IOException {
        Path socket = folder.getRoot().toPath().resolve("stale.sock");
        try (ServerSocketChannel stopped = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stopped.bind(UnixDomainSocketAddress.of(socket));
        }
        assertEquals(2, run("", "--socket", socket.toString(), "inetd:list"));
        assertEquals("superserver shell: no server listens at " + socket + " (Connection refused): the server that"
                + " made it has stopped; start it again\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void aServerThatGoesAwayMidAnswerIsStatusTwo() throws IOException {
        Path socket = serve("+superserver-shell 1\n", line -> null);
        assertEquals(2, run("", "--socket", socket.toString(), "inetd:list"));
        assertEquals("superserver shell: the server closed the connection before it answered 'inetd:list'\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void aSocketGivenByPathThatIsMissingIsNamed() {
        Path missing = folder.getRoot().toPath().resolve("elsewhere.sock");
        assertEquals(2, run("", "--data", "/var/lib/superserver", "--socket", missing.toString(), "inetd:list"));
        assertEquals("superserver shell: no server listens at " + missing + ": there is no such file\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void optionsAreCheckedAndTheDefaultSocketIsInTheDataDirectory() {
        assertEquals(2, run("", "--bogus"));
        assertEquals(2, run("", "--data"));
        assertEquals(2, run("", "--data="));
        Path empty = folder.getRoot().toPath();
        assertEquals(2, run("", "--data", empty.toString(), "inetd:list"));
        assertEquals("superserver shell: unknown option '--bogus'\nTry 'superserver shell --help'.\n"
                + "superserver shell: option --data needs an argument\nTry 'superserver shell --help'.\n"
                + "superserver shell: option --data needs a non-empty argument\nTry 'superserver shell --help'.\n"
                + "superserver shell: no server runs with the data directory " + empty + " (there is no "
                + empty.resolve("shell.sock") + "); start one with bin/superserver --data " + empty
                + ", or name another with --data\n", err.toString(StandardCharsets.UTF_8));
    }
}
