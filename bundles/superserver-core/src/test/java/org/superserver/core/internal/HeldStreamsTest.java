package org.superserver.core.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.StreamAnswer;
import org.superserver.api.access.Decision;
import org.superserver.api.status.ConnectionStatus;

/**
 * Stream handlers that are {@link StreamAnswer}s have their connections held as bare descriptors by
 * the listener's threads, unless an option needs a pipeline: the access policies are asked there and
 * their verdicts acted on, the answers are the bytes the pipeline would send, and the held
 * connections are listed, numbered, ended by the administrator, rechecked by reloads, bounded by
 * {@code instances}, and closed with the core.
 */
public class HeldStreamsTest extends CoreFixture {

    /** Sends every byte back with bit 5 flipped, through its pipeline or as a {@link StreamAnswer}. */
    static final class Flipping implements Handler, StreamAnswer {

        final AtomicInteger piped = new AtomicInteger();
        final Queue<String> answeredOn = new ConcurrentLinkedQueue<>();

        @Override
        public boolean supports(SocketType socketType) {
            return socketType == SocketType.STREAM;
        }

        @Override
        public void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
            piped.incrementAndGet();
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf bytes = (ByteBuf) msg;
                    for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++) {
                        bytes.setByte(i, bytes.getByte(i) ^ 0x20);
                    }
                    ctx.writeAndFlush(bytes);
                }
            });
        }

        @Override
        public void initDatagram(Channel channel, ServiceDefinition definition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ByteBuffer answer(ByteBuffer read) {
            answeredOn.add(Thread.currentThread().getName());
            if (read.remaining() >= 4 && read.get(read.position()) == '!' && read.get(read.position() + 1) == '!') {
                if (read.get(read.position() + 2) == 'E') {
                    throw new AssertionError("told to fail beyond an exception");
                }
                throw new IllegalStateException("told to fail");
            }
            for (int i = read.position(); i < read.limit(); i++) {
                read.put(i, (byte) (read.get(i) ^ 0x20));
            }
            return read;
        }
    }

    private final Flipping handler = new Flipping();

    @org.junit.Rule
    public final org.junit.rules.TemporaryFolder folder = new org.junit.rules.TemporaryFolder();

    @Before
    public void startCore() throws Exception {
        Assume.assumeTrue("held connections are served on an epoll transport's sockets", Epoll.isAvailable());
        start(SETTINGS);
        registry.addHandler("h", List.of("flip"), 0, handler);
    }

    private static String flipped(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] ^= 0x20;
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static void assertAnswers(Socket socket, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(sent);
        socket.getOutputStream().flush();
        assertEquals(flipped(text), new String(readFully(socket.getInputStream(), sent.length),
                StandardCharsets.US_ASCII));
    }

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + i / 251);
        }
        return bytes;
    }

    private static byte[] flipped(byte[] bytes) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= 0x20;
        }
        return out;
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue("timed out waiting: " + what, System.nanoTime() < deadline);
            Thread.sleep(20);
        }
    }

    private ServiceDefinition.Builder flip(String id) {
        return tcp(id).handler("flip");
    }

    @Test
    public void connectionsAreHeldByTheListenersThreadsAndListedNumberedAndDumped() throws Exception {
        registry.addDefinition("d", flip("f").build());
        int port = port("f");
        try (Socket one = connect(port); Socket two = connect(port)) {
            assertAnswers(one, "Hello, held world\n");
            assertAnswers(two, "second\n");
            assertAnswers(one, "again\n");

            assertEquals("no pipeline was set up", 0, handler.piped.get());
            assertTrue(handler.answeredOn.toString(), handler.answeredOn.stream()
                    .allMatch(name -> name.startsWith("superserver-held-f-" + port)));
            assertEquals(DirectAnswer.threadsWanted(), threadsNamed("superserver-held-f-" + port));
            assertEquals(2, status("f").activeConnections());
            assertEquals(2, status("f").accepted());

            List<ConnectionStatus> listed = registry.connections();
            assertEquals(listed.toString(), 2, listed.size());
            ConnectionStatus first = listed.stream()
                    .filter(c -> c.remote().equals(one.getLocalSocketAddress())).findFirst().orElseThrow();
            assertEquals(ConnectionStatus.Kind.HANDLER, first.kind());
            assertEquals("f", first.serviceId());
            assertEquals(new InetSocketAddress("127.0.0.1", port), first.local());
            assertEquals(24, first.bytesIn());
            assertEquals(24, first.bytesOut());
            assertTrue("numbered apart", listed.get(0).id() != listed.get(1).id());

            String dump = registry.dump();
            assertTrue(dump, dump.contains("f connection\n\tfrom = 127.0.0.1:" + one.getLocalPort() + "\n\tto = 127.0.0.1:"
                    + port + "\n"));
        }
        waitFor("the closed connections to leave the list", () -> registry.connections().isEmpty());
        assertEquals("their bytes count for the service once closed", 31,
                registry.binding("f").occupancy().bytesIn.get());
    }

    @Test
    public void aThousandConnectionsAreHeldAnsweredListedAndLetGo() throws Exception {
        registry.addDefinition("d", flip("f").build());
        int port = port("f");
        List<Socket> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 1_000; i++) {
                Socket client = connect(port);
                clients.add(client);
                client.getOutputStream().write(("client " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < clients.size(); i++) { // every answer went to its own client
                String text = "client " + i + "\n";
                assertEquals(flipped(text), new String(readFully(clients.get(i).getInputStream(), text.length()),
                        StandardCharsets.US_ASCII));
            }
            assertEquals(1_000, registry.connections().size());
            assertEquals(1_000, status("f").activeConnections());
            assertEquals(0, handler.piped.get());
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
        waitFor("every connection to be let go", () -> registry.connections().isEmpty());
        assertEquals(0, status("f").activeConnections());
        try (Socket after = connect(port)) {
            assertAnswers(after, "and the next one is served\n");
        }
    }

    @Test
    public void aHeldConnectionGetsItsStartAndExitLinesWithItsBytes() throws Exception {
        java.nio.file.Path logFile = folder.newFolder("log").toPath().resolve("connections.log");
        registry.addDefinition("d", flip("f")
                .logOnSuccess(java.util.EnumSet.of(LogField.HOST, LogField.DURATION, LogField.TRAFFIC))
                .logTarget(LogTarget.file(logFile.toString(), 0, 0)).build());
        int clientPort;
        try (Socket client = connect(port("f"))) {
            clientPort = client.getLocalPort();
            assertAnswers(client, "twelve bytes");
        }
        assertEquals("held, not piped", 0, handler.piped.get());
        String start = awaitLines(logFile, 1, "START service=f").get(0);
        assertTrue(start, start.endsWith(" START service=f from=127.0.0.1:" + clientPort));
        String exit = awaitLines(logFile, 1, "EXIT service=f").get(0);
        assertTrue(exit, exit.matches(".* EXIT service=f from=127\\.0\\.0\\.1:" + clientPort
                + " duration=\\d+ms in=12 out=12"));
    }

    @Test
    public void theAnswersAreTheBytesThePipelineSends() throws Exception {
        registry.addDefinition("d", flip("held").build());
        String text = "The quick brown fox, 0123456789 {}\n";
        try (Socket held = connect(port("held"))) {
            assertAnswers(held, text);
        }
        System.setProperty(DirectAnswer.THREADS_PROPERTY, "0");
        try {
            registry.addDefinition("e", flip("piped").build());
            try (Socket piped = connect(port("piped"))) {
                assertAnswers(piped, text);
            }
        } finally {
            System.clearProperty(DirectAnswer.THREADS_PROPERTY);
        }
        assertEquals("with no answer threads the connection takes a pipeline", 1, handler.piped.get());
    }

    @Test
    public void aClientThatSendsWithoutReadingGetsEveryByteBackInOrder() throws Exception {
        registry.addDefinition("d", flip("f").build());
        byte[] sent = payload(8 * 1024 * 1024 + 17);
        try (Socket client = connect(port("f"))) {
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    for (int at = 0; at < sent.length; at += 100_000) {
                        out.write(sent, at, Math.min(100_000, sent.length - at));
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(500); // both sides' buffers fill: the server keeps an answer it cannot send
            byte[] back = readFully(client.getInputStream(), sent.length);
            writing.get(10, TimeUnit.SECONDS);
            assertArrayEquals(flipped(sent), back);
            assertAnswers(client, "still answering\n");
        }
    }

    @Test
    public void aClientThatShutsItsSendingSideDownGetsWhatWasAnsweredThenTheEnd() throws Exception {
        registry.addDefinition("d", flip("f").build());
        byte[] sent = payload(2 * 1024 * 1024);
        try (Socket client = connect(port("f"))) {
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write(sent);
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            InputStream in = client.getInputStream();
            assertArrayEquals(flipped(sent), readFully(in, sent.length));
            writing.get(10, TimeUnit.SECONDS);
            assertEquals("closed once everything was sent", -1, in.read());
        }
    }

    @Test
    public void theAdministratorEndsAHeldConnectionByItsNumber() throws Exception {
        registry.addDefinition("d", flip("f").build());
        int port = port("f");
        try (Socket ended = connect(port); Socket kept = connect(port)) {
            assertAnswers(ended, "a\n");
            assertAnswers(kept, "b\n");
            long id = registry.connections().stream().filter(c -> c.remote().equals(ended.getLocalSocketAddress()))
                    .findFirst().orElseThrow().id();
            assertTrue(registry.close(id));
            assertClosedByServer(ended);
            assertAnswers(kept, "still here\n");
            waitFor("the ended connection to leave the list", () -> registry.connections().size() == 1);
            assertFalse("an ended connection cannot be ended again", registry.close(id));
        }
    }

    @Test
    public void aRemovedInetdServiceKeepsItsHeldConnectionsUntilTheyEndThenItsThreadsEnd() throws Exception {
        registry.addDefinition("d", flip("f").build());
        int port = port("f");
        Socket client = connect(port);
        assertAnswers(client, "before\n");
        registry.removeDefinition("d");
        settle();
        assertRefused(port);
        assertAnswers(client, "left to finish, as inetd does\n");
        assertEquals(1, registry.connections().size());
        client.close();
        waitFor("the threads to end with the last connection", () -> threadsNamed("superserver-held-f-") == 0);
        assertTrue(registry.connections().isEmpty());
    }

    private static String readToEnd(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    @Test
    public void aServiceThatAPolicyAllowsAtOnceIsHeldAfterItsBanner() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        registry.addPolicy("p", List.of("gate"), 0, (c, d) -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(Decision.builder(true).reason("hosts.allow:1")
                    .banner("welcome\r\n").build());
        });
        registry.addDefinition("d", flip("g").policies(List.of("gate")).build());
        int port = port("g");
        try (Socket client = connect(port)) {
            assertEquals("welcome\r\n", new String(readFully(client.getInputStream(), 9), StandardCharsets.US_ASCII));
            assertAnswers(client, "asked first\n");
            assertAnswers(client, "then held\n");
            assertEquals(1, registry.connections().size());
        }
        assertEquals("asked once", 1, asked.get());
        assertEquals("no pipeline was set up", 0, handler.piped.get());
        assertTrue(handler.answeredOn.toString(), handler.answeredOn.stream()
                .allMatch(name -> name.startsWith("superserver-held-g-" + port)));
    }

    @Test
    public void aGuardedServiceSendsTheSameBytesHeldAsThroughThePipeline() throws Exception {
        registry.addPolicy("p", List.of("gate"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(true).reason("hosts.allow:1").banner("welcome\r\n").build()));
        String text = "The quick brown fox, 0123456789 {}\n";
        registry.addDefinition("d", flip("held").policies(List.of("gate")).build());
        String held;
        try (Socket client = connect(port("held"))) {
            held = exchange(client, text);
        }
        System.setProperty(DirectAnswer.THREADS_PROPERTY, "0");
        String piped;
        try {
            registry.addDefinition("e", flip("piped").policies(List.of("gate")).build());
            try (Socket client = connect(port("piped"))) {
                piped = exchange(client, text);
            }
        } finally {
            System.clearProperty(DirectAnswer.THREADS_PROPERTY);
        }
        assertEquals("with no answer threads the connection takes a pipeline", 1, handler.piped.get());
        assertEquals(piped, held);
        assertEquals("welcome\r\n" + flipped(text), held);
    }

    /** The banner and the answer to {@code text}: as many bytes as both, read after sending it. */
    private static String exchange(Socket client, String text) throws IOException {
        client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        return new String(readFully(client.getInputStream(), "welcome\r\n".length() + text.length()),
                StandardCharsets.US_ASCII);
    }

    @Test
    public void aDeniedClientOfAHeldServiceGetsOnlyTheBannerAndIsCounted() throws Exception {
        registry.addPolicy("p", List.of("gate"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(false).reason("hosts.deny:1").banner("go away\r\n").build()));
        registry.addDefinition("d", flip("g").policies(List.of("gate")).instances(5).build());
        try (Socket client = connect(port("g"))) {
            assertEquals("go away\r\n", readToEnd(client));
        }
        assertEquals(0, handler.piped.get());
        assertTrue(handler.answeredOn.toString(), handler.answeredOn.isEmpty());
        assertEquals(1L, registry.stats().stream().filter(st -> st.serviceId().equals("g")).findFirst()
                .orElseThrow().denied());
        waitFor("the denied client's place to be given back",
                () -> registry.binding("g").occupancy().connections.get() == 0);
        assertTrue(registry.connections().isEmpty());
    }

    @Test
    public void aTwistFromThePolicyOfAHeldServiceRunsItsCommandInsteadOfTheHandler() throws Exception {
        registry.addPolicy("p", List.of("twister"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(false).reason("hosts.deny:1").twist("/bin/echo 421 go away").build()));
        registry.addDefinition("d", flip("t").policies(List.of("twister")).build());
        try (Socket client = connect(port("t"))) {
            assertEquals("421 go away\n", readToEnd(client));
        }
        assertTrue(handler.answeredOn.toString(), handler.answeredOn.isEmpty());
        assertEquals(0, handler.piped.get());
        waitFor("the twist command to end, and nothing to be held",
                () -> registry.connections().isEmpty() && registry.binding("t").occupancy().connections.get() == 0);
    }

    @Test
    public void aVerdictThatComesLaterIsActedOnAndTheAllowedConnectionHeld() throws Exception {
        java.nio.file.Path logFile = folder.newFolder("log").toPath().resolve("connections.log");
        AtomicInteger asked = new AtomicInteger();
        addSlowPolicy("slow", 200, question -> question % 2 == 0, asked); // the first, third, ... client
        registry.addDefinition("d", flip("s").policies(List.of("slow")).instances(10)
                .logOnSuccess(java.util.EnumSet.of(LogField.HOST, LogField.TRAFFIC))
                .logTarget(LogTarget.file(logFile.toString(), 0, 0)).build());
        int port = port("s");
        List<Socket> allowed = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket client = connect(port);
                if (i % 2 == 0) {
                    allowed.add(client);
                    assertAnswers(client, "allowed " + i + "\n"); // sent before the verdict, answered after
                } else {
                    try (client) {
                        assertEquals("", readToEnd(client));
                    }
                }
            }
            assertEquals(2, registry.connections().size());
            assertAnswers(allowed.get(0), "still held\n");
        } finally {
            for (Socket client : allowed) {
                client.close();
            }
        }
        assertEquals(0, handler.piped.get());
        assertTrue(handler.answeredOn.toString(), handler.answeredOn.stream()
                .allMatch(name -> name.startsWith("superserver-held-s-" + port)));
        assertEquals(2L, registry.stats().stream().filter(st -> st.serviceId().equals("s")).findFirst()
                .orElseThrow().denied());
        waitFor("every place to be given back", () -> registry.binding("s").occupancy().connections.get() == 0
                && registry.connections().isEmpty());
        assertEquals("a START and an EXIT line for each allowed client, none for the denied",
                2, awaitLines(logFile, 2, "EXIT service=s").size());
        assertEquals(2, awaitLines(logFile, 2, "START service=s").size());
    }

    @Test
    public void aConnectionWhoseVerdictComesAfterTheCoreStoppedIsClosed() throws Exception {
        CompletableFuture<Decision> decision = new CompletableFuture<>();
        AtomicInteger asked = new AtomicInteger();
        addWaitingPolicy("slow", decision, asked);
        registry.addDefinition("d", flip("s").policies(List.of("slow")).instances(3).build());
        int port = port("s");
        Occupancy occupancy = registry.binding("s").occupancy();
        try (Socket client = connect(port)) {
            waitFor("the policy to be asked", () -> asked.get() == 1);
            assertEquals(1, occupancy.connections.get());
            registry.stop();
            waitFor("the threads to end though a verdict is awaited", () -> threadsNamed("superserver-held-s-") == 0);
            decision.complete(Decision.allow("too late"));
            assertClosedByServer(client);
            assertEquals("its place given back", 0, occupancy.connections.get());
        }
        assertTrue(handler.answeredOn.toString(), handler.answeredOn.isEmpty());
    }

    @Test
    public void aConnectionWhoseVerdictComesAfterItsServiceWasRemovedIsServedUntilItEnds() throws Exception {
        CompletableFuture<Decision> decision = new CompletableFuture<>();
        AtomicInteger asked = new AtomicInteger();
        addWaitingPolicy("slow", decision, asked);
        registry.addDefinition("d", flip("s").policies(List.of("slow")).build());
        int port = port("s");
        Socket client = connect(port);
        try {
            waitFor("the policy to be asked", () -> asked.get() == 1);
            registry.removeDefinition("d");
            settle();
            assertRefused(port);
            assertEquals("a thread stays for the awaited verdict", 1, threadsNamed("superserver-held-s-" + port));
            decision.complete(Decision.allow("looked up"));
            assertAnswers(client, "left to finish, as inetd does\n");
        } finally {
            client.close();
        }
        waitFor("the threads to end with the last connection", () -> threadsNamed("superserver-held-s-") == 0);
        assertTrue(registry.connections().isEmpty());
    }

    @Test
    public void instancesBoundTheHeldConnections() throws Exception {
        registry.addDefinition("d", flip("f").instances(1).build());
        int port = port("f");
        // the second connects once the first holds the place: two threads accept from the listener, so
        // two connections queued at once may be admitted in either order
        try (Socket first = connect(port)) {
            assertAnswers(first, "in\n");
            try (Socket second = connect(port)) {
                assertClosedByServer(second);
            }
            assertEquals(1, registry.binding("f").occupancy().refusedBy.get(Admission.SERVICE_LIMIT).get());
            assertEquals(0, handler.piped.get());
        }
        waitFor("the first connection's close to give its place back", () -> registry.connections().isEmpty());
        try (Socket third = connect(port)) {
            assertAnswers(third, "room again once the first closed\n");
        }
    }

    @Test
    public void aReloadThatLowersInstancesEndsTheNewestHeldConnection() throws Exception {
        registry.addDefinition("d", flip("f").instances(2).build());
        int port = port("f");
        try (Socket older = connect(port)) {
            assertAnswers(older, "1\n");
            Thread.sleep(5); // accepted a few milliseconds apart
            try (Socket newer = connect(port)) {
                assertAnswers(newer, "2\n");
                registry.addDefinition("d", flip("f").instances(1).build());
                settle();
                assertClosedByServer(newer);
                assertAnswers(older, "kept\n");
                assertEquals(1, registry.binding("f").occupancy().revoked.get());
            }
        }
    }

    @Test
    public void aReloadThatAddsADenyingPolicyEndsTheDeniedHeldConnection() throws Exception {
        registry.addPolicy("p", List.of("gate"), 0, (c, d) -> CompletableFuture.completedFuture(
                d.attribute("deny").contains(c.remote().getAddress().getHostAddress())
                        ? Decision.deny("listed") : Decision.allow("not listed")));
        registry.addDefinition("d", flip("f").build());
        int port = port("f");
        try (Socket denied = connectFrom("127.0.0.2", port); Socket kept = connectFrom("127.0.0.3", port)) {
            assertAnswers(denied, "before\n");
            assertAnswers(kept, "before\n");
            registry.addDefinition("d", flip("f").policies(List.of("gate")).attribute("deny", List.of("127.0.0.2"))
                    .build());
            settle();
            assertClosedByServer(denied);
            assertAnswers(kept, "still allowed\n");
            waitFor("the revocation to be counted", () -> registry.binding("f").occupancy().revoked.get() == 1);
        }
    }

    @Test
    public void theHandlerLeavingEndsItsHeldConnections() throws Exception {
        registry.addDefinition("d", flip("f").build());
        try (Socket client = connect(port("f"))) {
            assertAnswers(client, "before\n");
            registry.removeHandler("h");
            settle();
            assertClosedByServer(client);
        }
    }

    @Test
    public void aHandlerThatFailsClosesOnlyItsOwnConnection() throws Exception {
        registry.addDefinition("d", flip("f").build());
        int port = port("f");
        try (Socket failing = connect(port); Socket kept = connect(port)) {
            failing.getOutputStream().write("!!fail\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedByServer(failing);
            assertAnswers(kept, "unaffected\n");
        }
    }

    @Test
    public void whenTheLastThreadFailsBeyondAnExceptionTheEventLoopAcceptsWithChannels() throws Exception {
        int port;
        System.setProperty(DirectAnswer.THREADS_PROPERTY, "1");
        try {
            registry.addDefinition("d", flip("f").build());
            port = port("f"); // bound with one thread
        } finally {
            System.clearProperty(DirectAnswer.THREADS_PROPERTY);
        }
        assertEquals(1, threadsNamed("superserver-held-f-" + port));
        try (Socket failing = connect(port)) {
            failing.getOutputStream().write("!!Error\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedByServer(failing);
        }
        waitFor("the thread to end", () -> threadsNamed("superserver-held-f-" + port) == 0);
        try (Socket client = connect(port)) {
            assertAnswers(client, "through a channel now\n");
        }
        assertEquals(1, handler.piped.get());
    }

    @Test
    public void stoppingTheCoreClosesTheHeldConnectionsAndEndsTheThreads() throws Exception {
        registry.addDefinition("d", flip("f").build());
        int port = port("f");
        try (Socket client = connect(port)) {
            assertAnswers(client, "before\n");
            registry.stop();
            assertClosedByServer(client);
            assertEquals(0, threadsNamed("superserver-held-f-"));
        }
    }
}
