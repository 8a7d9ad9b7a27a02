package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.After;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

/** A started registry on 127.0.0.1 and plain-socket clients, all closed after each test. */
abstract class CoreFixture {

    static final Settings SETTINGS = new Settings("auto", 2, 128, 32 * 1024, 64 * 1024, 5_000);

    final Registry registry = new Registry();
    private final List<AutoCloseable> opened = new ArrayList<>();

    void start(Settings settings) throws Exception {
        registry.start(settings).get(10, TimeUnit.SECONDS);
    }

    @After
    public void stopEverything() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                // already closed
            }
        }
        registry.stop();
    }

    static ServiceDefinition.Builder tcp(String id) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).handler("echo").origin("test:" + id);
    }

    static ServiceDefinition.Builder udp(String id) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.DGRAM).protocol(Protocol.UDP)
                .bindAddress("127.0.0.1").port(0).handler("echo").origin("test:" + id);
    }

    void settle() throws Exception {
        registry.settled().get(10, TimeUnit.SECONDS);
    }

    ListenerStatus status(String id) throws Exception {
        settle();
        return registry.listener(id).orElseThrow(() -> new AssertionError("no listener for " + id));
    }

    int port(String id) throws Exception {
        InetSocketAddress bound = status(id).boundAddress();
        assertTrue("listener " + id + " is not bound", bound != null && bound.getPort() > 0);
        return bound.getPort();
    }

    /** Waits up to 10 s for the listener to reach {@code wanted}, and fails if it does not. */
    ListenerStatus waitForState(String id, ListenerState wanted) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        ListenerStatus now = status(id);
        while (now.state() != wanted && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            now = status(id);
        }
        assertEquals(now.toString(), wanted, now.state());
        return now;
    }

    Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        opened.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** Connects from {@code source}, a loopback address other than 127.0.0.1 if need be. */
    Socket connectFrom(String source, int port) throws IOException {
        Socket socket = new Socket();
        opened.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    DatagramSocket datagramSocket() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        opened.add(socket);
        socket.setSoTimeout(2_000);
        return socket;
    }

    /**
     * Registers access policy {@code name}, whose every answer is {@code decision}: the connections
     * it is asked about wait until the test completes it. Counts the questions in {@code asked}.
     */
    void addWaitingPolicy(String name, CompletableFuture<Decision> decision, AtomicInteger asked) {
        registry.addPolicy("waiting-" + name, List.of(name), 0, (c, d) -> {
            asked.incrementAndGet();
            return decision;
        });
    }

    /**
     * Registers access policy {@code name}, which decides each question {@code millis} later, as
     * one that looks a name up would: it allows the client when {@code allows} holds for the
     * question's number (0 for the first). Counts the questions in {@code asked}. The timer stops
     * with the test.
     */
    void addSlowPolicy(String name, long millis, java.util.function.IntPredicate allows, AtomicInteger asked) {
        java.util.concurrent.ScheduledExecutorService later = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        opened.add(later::shutdownNow);
        registry.addPolicy("slow-" + name, List.of(name), 0, (c, d) -> {
            CompletableFuture<Decision> decision = new CompletableFuture<>();
            boolean allowed = allows.test(asked.getAndIncrement());
            later.schedule(() -> decision.complete(Decision.builder(allowed).reason("looked up").build()), millis,
                    TimeUnit.MILLISECONDS);
            return decision;
        });
    }

    /** The lines of {@code file} that hold every one of {@code parts}, once there are {@code count}; 10 s at most. */
    static List<String> awaitLines(Path file, int count, String... parts) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        List<String> found = List.of();
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                found = Files.readAllLines(file).stream().filter(l -> {
                    for (String part : parts) {
                        if (!l.contains(part)) {
                            return false;
                        }
                    }
                    return true;
                }).collect(Collectors.toList());
                if (found.size() >= count) {
                    return found;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + count + " lines with " + List.of(parts) + ", found " + found);
    }

    /** Sends {@code text} and expects it back. */
    static void assertEchoes(Socket socket, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(sent);
        socket.getOutputStream().flush();
        assertEquals(text, new String(readFully(socket.getInputStream(), sent.length), StandardCharsets.US_ASCII));
    }

    static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] buffer = new byte[length];
        int read = 0;
        while (read < length) {
            int n = in.read(buffer, read, length - read);
            if (n < 0) {
                fail("connection closed after " + read + " of " + length + " bytes");
            }
            read += n;
        }
        return buffer;
    }

    /** Expects the server to close the connection (end of stream or reset) without sending more. */
    static void assertClosedByServer(Socket socket) throws IOException {
        try {
            int b = socket.getInputStream().read();
            assertEquals("expected the server to close the connection", -1, b);
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection");
        } catch (IOException e) {
            // reset by the server: closed too
        }
    }

    /** Expects nothing to accept connections on the port. */
    static void assertRefused(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            fail("port " + port + " still accepts connections");
        } catch (ConnectException expected) {
            // refused
        }
    }

    /** A port that was free a moment ago. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
