package org.superserver.core.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ListenerState;

/**
 * The redirect relay over real loopback sockets, on both transports and with splice(2): bytes both ways, each
 * direction's end of stream passed on by itself, a target that cannot be reached, and a target
 * that does not read holding the client back instead of filling the server's memory.
 */
@RunWith(Parameterized.class)
public class RedirectRelayTest extends CoreFixture {

    @Parameterized.Parameters(name = "{0} splice={1}")
    public static Collection<Object[]> transports() {
        return List.of(new Object[] {"epoll", false}, new Object[] {"epoll", true}, new Object[] {"nio", false});
    }

    private final String transport;
    private final boolean splice;
    private ServerSocket target;
    private Thread acceptor;

    public RedirectRelayTest(String transport, boolean splice) {
        this.transport = transport;
        this.splice = splice;
    }

    /** A target on 127.0.0.1 that serves each connection with {@code serve} on a thread of its own. */
    private int target(Serve serve) throws IOException {
        target = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor = new Thread(() -> {
            while (!target.isClosed()) {
                try {
                    Socket s = target.accept();
                    Thread t = new Thread(() -> {
                        try (s) {
                            serve.serve(s);
                        } catch (IOException e) {
                            // the test decides what that means
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return target.getLocalPort();
    }

    interface Serve {
        void serve(Socket s) throws IOException;
    }

    @After
    public void closeTarget() throws IOException {
        System.clearProperty(RedirectRelay.SPLICE_PROPERTY);
        if (target != null) {
            target.close();
        }
    }

    private int relayTo(String host, int targetPort) throws Exception {
        System.setProperty(RedirectRelay.SPLICE_PROPERTY, Boolean.toString(splice));
        start(new Settings(transport, 2, 128, 32 * 1024, 64 * 1024, 5_000));
        registry.addDefinition("relay", relay(host, targetPort));
        waitForState("relay", ListenerState.LISTENING);
        return port("relay");
    }

    private static ServiceDefinition relay(String host, int targetPort) {
        return ServiceDefinition.builder().id("relay").name("relay")
                .socketType(org.superserver.api.SocketType.STREAM).protocol(org.superserver.api.Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).redirect(host, targetPort).origin("test:relay").build();
    }

    private static void echo(Socket s) throws IOException {
        s.getInputStream().transferTo(s.getOutputStream());
    }

    @Test
    public void bytesGoBothWaysThroughTheRelay() throws Exception {
        int port = relayTo("127.0.0.1", target(RedirectRelayTest::echo));
        try (Socket client = connect(port)) {
            assertEchoes(client, "hello through the relay\n");
            assertEchoes(client, "and again\n");
        }
    }

    @Test
    public void aTargetNamedByHostNameIsLookedUpAndReached() throws Exception {
        int port = relayTo("localhost", target(RedirectRelayTest::echo));
        try (Socket client = connect(port)) {
            assertEchoes(client, "by name\n");
        }
    }

    @Test
    public void anIpv6TargetIsReachedFromAnIpv4Client() throws Exception {
        ServerSocket six;
        try {
            six = new ServerSocket(0, 50, InetAddress.getByName("::1"));
        } catch (IOException e) {
            org.junit.Assume.assumeNoException("no IPv6 loopback here", e);
            return;
        }
        target = six;
        Thread t = new Thread(() -> {
            try (Socket s = six.accept()) {
                echo(s);
            } catch (IOException e) {
                // reported by the client's assertion
            }
        });
        t.setDaemon(true);
        t.start();
        int port = relayTo("::1", six.getLocalPort());
        try (Socket client = connect(port)) {
            assertEchoes(client, "over IPv6 to the target\n");
        }
    }

    @Test
    public void theClientsEndOfStreamReachesTheTargetWhichStillAnswers() throws Exception {
        int port = relayTo("127.0.0.1", target(s -> {
            byte[] all = s.getInputStream().readAllBytes(); // to the client's FIN
            s.getOutputStream().write(("read " + all.length + " bytes, then end of file\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }));
        try (Socket client = connect(port)) {
            client.getOutputStream().write(new byte[100_000]);
            client.shutdownOutput();
            assertEquals("read 100000 bytes, then end of file\n",
                    new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void theTargetsEndOfStreamReachesTheClientWhichCanStillSend() throws Exception {
        CompletableFuture<String> targetGot = new CompletableFuture<>();
        int port = relayTo("127.0.0.1", target(s -> {
            s.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            targetGot.complete(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }));
        try (Socket client = connect(port)) {
            assertEquals("bye\n", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            client.getOutputStream().write("after your end of stream\n".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertEquals("after your end of stream\n", targetGot.get(10, TimeUnit.SECONDS));
            assertEquals("both directions ended: the relay closes the client", -1, client.getInputStream().read());
        }
    }

    @Test
    public void aChangedTargetServesNewClientsOnTheSameSocketWhileOpenOnesStay() throws Exception {
        int port = relayTo("127.0.0.1", target(RedirectRelayTest::echo));
        try (Socket before = connect(port);
             ServerSocket second = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            assertEchoes(before, "before the change\n");
            registry.addDefinition("relay", relay("127.0.0.1", second.getLocalPort()));
            settle();
            assertEquals("the socket stays", port, port("relay"));
            try (Socket after = connect(port); Socket reached = second.accept()) {
                reached.getOutputStream().write("the new target\n".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("the new target\n".getBytes(StandardCharsets.US_ASCII),
                        readFully(after.getInputStream(), 15));
            }
            assertEchoes(before, "the open connection still reaches the old target\n");
        }
    }

    @Test
    public void aTargetThatRefusesClosesTheClient() throws Exception {
        int port = relayTo("127.0.0.1", freePort());
        try (Socket client = connect(port)) {
            assertClosedByServer(client);
        }
    }

    @Test
    public void aTargetThatDoesNotReadHoldsTheClientBackAndEverythingArrivesInOrderLater() throws Exception {
        CompletableFuture<Void> drain = new CompletableFuture<>();
        AtomicLong received = new AtomicLong();
        CompletableFuture<Boolean> inOrder = new CompletableFuture<>();
        int port = relayTo("127.0.0.1", target(s -> {
            s.setReceiveBufferSize(64 * 1024);
            drain.join();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[65536];
            boolean ok = true;
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    ok &= buffer[i] == (byte) (received.get() + i);
                }
                received.addAndGet(n);
            }
            inOrder.complete(ok);
        }));
        long total = 256L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        try (Socket client = connect(port)) {
            client.setSendBufferSize(64 * 1024);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    byte[] chunk = new byte[1024 * 1024];
                    while (written.get() < total) {
                        long at = written.get();
                        for (int i = 0; i < chunk.length; i++) {
                            chunk[i] = (byte) (at + i);
                        }
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    client.shutdownOutput();
                } catch (IOException e) {
                    // reported by the assertions below
                }
            });
            writer.setDaemon(true);
            writer.start();
            // wait until the writer stops getting anywhere (or is done: the relay buffered everything)
            long before = -1;
            while (written.get() != before && written.get() < total) {
                before = written.get();
                Thread.sleep(500);
            }
            assertTrue("the client could write " + written.get() / 1024 + " KiB while the target read nothing:"
                    + " the relay must stop reading (kernel buffers plus its high water mark, not all of it)",
                    written.get() <= 32L * 1024 * 1024);
            drain.complete(null);
            writer.join(60_000);
            assertEquals("every byte arrives once the target reads", total, written.get());
            assertTrue("in order", inOrder.get(60, TimeUnit.SECONDS));
            assertEquals(total, received.get());
        }
    }

    @Test
    public void manyClientsAtOnceEachGetTheirOwnBytes() throws Exception {
        int port = relayTo("127.0.0.1", target(RedirectRelayTest::echo));
        Socket[] clients = new Socket[20];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = connect(port);
        }
        for (int i = 0; i < clients.length; i++) {
            clients[i].getOutputStream().write(("client " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < clients.length; i++) {
            byte[] expected = ("client " + i + "\n").getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(expected, readFully(clients[i].getInputStream(), expected.length));
            clients[i].close();
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    static String describe(byte[] bytes) {
        return Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 16)));
    }
}
