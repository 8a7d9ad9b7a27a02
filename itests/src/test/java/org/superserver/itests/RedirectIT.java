package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.freePort;
import static org.superserver.itests.Clients.readToEnd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;

/**
 * {@code redirect}: a definition published as an OSGi service relays each client to its target in
 * process (no child): bytes both ways, each direction's end of stream passed on by itself, byte
 * counts in the log line, a target that cannot be reached, and an access policy that refuses the
 * client before any connection to the target is made.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RedirectIT extends ItestSupport {

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    private static ServiceDefinition.Builder redirect(String id, String host, int port) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).redirect(host, port).origin("itest " + id);
    }

    /** A target on 127.0.0.1 whose first connection is served by {@code serve}; closed after the test. */
    private int target(Serve serve) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        afterTest(server);
        Thread thread = new Thread(() -> {
            try (Socket s = server.accept()) {
                serve.serve(s);
            } catch (IOException e) {
                // the client side of the test reports what went wrong
            }
        }, "redirect-itest-target");
        thread.setDaemon(true);
        thread.start();
        return server.getLocalPort();
    }

    interface Serve {
        void serve(Socket s) throws IOException;
    }

    @Test
    public void aClientIsRelayedToTheBuiltinEchoAndTheLogLineCountsTheBytesEachWay() throws Exception {
        log();
        define(internal("redir-target-echo", "echo", Protocol.TCP));
        InetSocketAddress echo = awaitListening("redir-target-echo");
        define(redirect("redir-echo", "127.0.0.1", echo.getPort()).build());
        InetSocketAddress relay = awaitListening("redir-echo");

        int clientPort;
        try (Socket client = connect(relay)) {
            clientPort = client.getLocalPort();
            assertEchoes(client, "through the relay\n");
            assertEchoes(client, "0123456789\n");
        }
        String line = log().await(TIMEOUT, "RELAY service=redir-echo", "from=127.0.0.1:" + clientPort);
        assertTrue(line, line.contains("to=127.0.0.1:" + echo.getPort()));
        assertTrue("bytes from the client " + line, line.contains(" in=29 "));
        assertTrue("bytes to the client " + line, line.contains(" out=29 "));
        assertTrue(line, line.contains("duration="));
    }

    @Test
    public void theClientsEndOfStreamReachesTheTargetWhichStillAnswersThroughTheRelay() throws Exception {
        int target = target(s -> {
            byte[] all = s.getInputStream().readAllBytes();
            s.getOutputStream().write(ascii("read " + all.length + " bytes, then end of file\n"));
        });
        define(redirect("redir-half-close-client", "127.0.0.1", target).build());
        InetSocketAddress relay = awaitListening("redir-half-close-client");

        try (Socket client = connect(relay)) {
            client.getOutputStream().write(new byte[300_000]);
            client.shutdownOutput();
            assertEquals("read 300000 bytes, then end of file\n", ascii(readToEnd(client)));
        }
    }

    @Test
    public void theTargetsEndOfStreamReachesTheClientWhichCanStillSend() throws Exception {
        CompletableFuture<String> targetGot = new CompletableFuture<>();
        int target = target(s -> {
            s.getOutputStream().write(ascii("bye\n"));
            s.shutdownOutput();
            targetGot.complete(ascii(s.getInputStream().readAllBytes()));
        });
        define(redirect("redir-half-close-target", "localhost", target).build());
        InetSocketAddress relay = awaitListening("redir-half-close-target");

        try (Socket client = connect(relay)) {
            assertEquals("bye\n", ascii(client.getInputStream().readAllBytes()));
            client.getOutputStream().write(ascii("sent after the target's end of stream\n"));
            client.shutdownOutput();
            assertEquals("sent after the target's end of stream\n",
                    targetGot.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertEquals("both ways ended: the relay closes", -1, client.getInputStream().read());
        }
    }

    @Test
    public void aTargetThatCannotBeReachedIsLoggedAndTheClientClosed() throws Exception {
        log();
        int nothing = freePort();
        define(redirect("redir-nowhere", "127.0.0.1", nothing).build());
        InetSocketAddress relay = awaitListening("redir-nowhere");

        try (Socket client = connect(relay)) {
            assertEquals("closed without a byte", 0, readToEnd(client).length);
        }
        String line = log().await(TIMEOUT, "RELAY service=redir-nowhere", "error=cannot reach the target");
        assertTrue(line, line.contains("to=127.0.0.1:" + nothing));
    }

    @Test
    public void aClientTheAccessPolicyRefusesNeverReachesTheTarget() throws Exception {
        log();
        CompletableFuture<Integer> firstFrom = new CompletableFuture<>();
        int target = target(s -> firstFrom.complete(s.getPort()));
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(AccessPolicy.NAME_PROPERTY, "redirect-itest-deny");
        withdrawAfterTest(context.registerService(AccessPolicy.class,
                (connection, definition) -> CompletableFuture.completedFuture(Decision.deny("itest")), props));
        define(redirect("redir-denied", "127.0.0.1", target).policy("redirect-itest-deny").build());
        InetSocketAddress relay = awaitListening("redir-denied");

        try (Socket client = connect(relay)) {
            assertEquals("refused: closed without a byte", 0, readToEnd(client).length);
        }
        log().await(TIMEOUT, "DENY service=redir-denied");
        // the target is still there, unused: a plain connection to it is the first it accepts
        try (Socket direct = connect(new InetSocketAddress("127.0.0.1", target))) {
            assertEquals("the relay never connected to the target", direct.getLocalPort(),
                    (int) firstFrom.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
    }
}
