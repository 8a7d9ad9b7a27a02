package org.superserver.core.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.DatagramAnswer;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;

/**
 * Datagram handlers that are {@link DatagramAnswer}s are answered by a thread of the socket, several
 * datagrams per system call, unless an access policy or a limit applies; the answers are the bytes
 * the pipeline would send, and the thread ends with its socket.
 */
public class DatagramAnswerThreadTest extends CoreFixture {

    /** Sends every datagram back reversed, through its pipeline or as a {@link DatagramAnswer}. */
    static final class Reversing implements Handler, DatagramAnswer {

        final AtomicInteger piped = new AtomicInteger();
        final Queue<String> answeredOn = new ConcurrentLinkedQueue<>();
        final Queue<InetSocketAddress> senders = new ConcurrentLinkedQueue<>();
        volatile boolean broken;

        @Override
        public boolean supports(SocketType socketType) {
            return socketType == SocketType.DGRAM;
        }

        @Override
        public void initDatagram(Channel channel, ServiceDefinition definition) {
            channel.pipeline().addLast(new SimpleChannelInboundHandler<io.netty.channel.socket.DatagramPacket>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, io.netty.channel.socket.DatagramPacket packet) {
                    piped.incrementAndGet();
                    byte[] bytes = new byte[packet.content().readableBytes()];
                    packet.content().readBytes(bytes);
                    ctx.write(new io.netty.channel.socket.DatagramPacket(
                            ctx.alloc().buffer().writeBytes(reversed(bytes)), packet.sender()));
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    ctx.flush(); // once per read, as the built-ins do
                }
            });
        }

        @Override
        public boolean answer(ByteBuffer request, InetSocketAddress sender, InetSocketAddress local, ByteBuffer reply) {
            if (broken) {
                throw new LinkageError("the handler's bundle is gone");
            }
            answeredOn.add(Thread.currentThread().getName());
            senders.add(sender);
            byte[] bytes = new byte[request.remaining()];
            request.get(bytes);
            reply.put(reversed(bytes));
            return bytes.length > 0; // an empty datagram gets no answer
        }
    }

    private final Reversing handler = new Reversing();

    @Before
    public void startCore() throws Exception {
        Assume.assumeTrue("the answer thread reads an epoll transport's socket", Epoll.isAvailable());
        start(SETTINGS);
        registry.addHandler("h", List.of("reverse"), 0, handler);
    }

    static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    private static byte[] payload(int seed, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return bytes;
    }

    private static byte[] exchange(DatagramSocket client, InetSocketAddress server, byte[] sent) throws Exception {
        client.send(new DatagramPacket(sent, sent.length, server));
        DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
        client.receive(reply);
        return Arrays.copyOf(reply.getData(), reply.getLength());
    }

    /** Sends {@code sent} and fails if anything comes back within 300 ms. */
    private static void assertNoAnswer(DatagramSocket client, InetSocketAddress server, byte[] sent, String why)
            throws Exception {
        client.setSoTimeout(300);
        client.send(new DatagramPacket(sent, sent.length, server));
        try {
            client.receive(new DatagramPacket(new byte[64], 64));
            fail(why);
        } catch (SocketTimeoutException expected) {
            // nothing came back
        } finally {
            client.setSoTimeout(2_000);
        }
    }

    private static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(name)).count();
    }

    @Test
    public void aBurstLongerThanABatchIsAnsweredDatagramByDatagramOnTheSocketsThread() throws Exception {
        registry.addDefinition("d", udp("rev").handler("reverse").build());
        int port = port("rev");
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        DatagramSocket client = datagramSocket();
        int count = 3 * DatagramAnswerThread.BATCH + 1;
        for (int i = 0; i < count; i++) { // queued before the thread reads them
            byte[] sent = payload(i, i == 0 ? DatagramAnswer.MAX_DATAGRAM : 1 + i * 37);
            client.send(new DatagramPacket(sent, sent.length, server));
        }
        for (int i = 0; i < count; i++) {
            DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
            client.receive(reply);
            assertArrayEquals("reply " + i, reversed(payload(i, i == 0 ? DatagramAnswer.MAX_DATAGRAM : 1 + i * 37)),
                    Arrays.copyOf(reply.getData(), reply.getLength()));
        }
        byte[] longer = payload(99, DatagramAnswer.MAX_DATAGRAM + 500);
        assertArrayEquals("a longer datagram is cut, as the pipeline cuts it",
                reversed(Arrays.copyOf(longer, DatagramAnswer.MAX_DATAGRAM)), exchange(client, server, longer));

        assertEquals(0, handler.piped.get());
        assertEquals(count + 1, handler.answeredOn.size());
        assertTrue(handler.answeredOn.toString(), handler.answeredOn.stream()
                .allMatch(("superserver-answer-rev-udp-" + port)::equals));
        assertEquals(client.getLocalSocketAddress(), handler.senders.peek());
        assertEquals(count + 1, status("rev").accepted());
    }

    @Test
    public void theAnswersAreTheBytesThePipelineSends() throws Exception {
        registry.addDefinition("d", udp("rev").handler("reverse").build());
        InetSocketAddress direct = new InetSocketAddress("127.0.0.1", port("rev"));
        DatagramSocket client = datagramSocket();
        byte[] sent = payload(7, 300);
        byte[] fromThread = exchange(client, direct, sent);
        System.setProperty(DirectAnswer.THREADS_PROPERTY, "0");
        try {
            registry.addDefinition("e", udp("piped").handler("reverse").build());
            byte[] fromPipeline = exchange(client, new InetSocketAddress("127.0.0.1", port("piped")), sent);
            assertArrayEquals(fromPipeline, fromThread);
        } finally {
            System.clearProperty(DirectAnswer.THREADS_PROPERTY);
        }
        assertEquals("with no answer threads the event loop reads the socket", 1, handler.piped.get());
        assertEquals(1, handler.answeredOn.size());
    }

    @Test
    public void anEmptyAnswerIsNotSentAndTheNextDatagramIsStillAnswered() throws Exception {
        registry.addDefinition("d", udp("rev").handler("reverse").build());
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port("rev"));
        DatagramSocket client = datagramSocket();
        assertNoAnswer(client, server, new byte[0], "an answer the handler declined was sent");
        assertArrayEquals(new byte[] {3, 2, 1}, exchange(client, server, new byte[] {1, 2, 3}));
    }

    @Test
    public void anIpv6SenderIsAnsweredAtItsAddress() throws Exception {
        DatagramSocket client;
        try {
            client = new DatagramSocket(new InetSocketAddress("::1", 0));
        } catch (java.net.SocketException e) {
            Assume.assumeNoException("no IPv6 loopback here", e);
            return;
        }
        try {
            client.setSoTimeout(2_000);
            registry.addDefinition("d", udp("rev6").handler("reverse").bindAddress("::1").build());
            InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("::1"), port("rev6"));
            assertArrayEquals(new byte[] {9, 8}, exchange(client, server, new byte[] {8, 9}));
            assertEquals(client.getLocalSocketAddress(), handler.senders.peek());
        } finally {
            client.close();
        }
    }

    @Test
    public void underAnAccessPolicyTheDatagramsGoThroughThePipeline() throws Exception {
        registry.addPolicy("p", List.of("allow"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(true).reason("hosts.allow:1").build()));
        registry.addDefinition("d", udp("guarded").handler("reverse").policies(List.of("allow")).build());
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port("guarded"));
        DatagramSocket client = datagramSocket();
        assertArrayEquals(new byte[] {2, 1}, exchange(client, server, new byte[] {1, 2}));
        assertArrayEquals(new byte[] {4, 3}, exchange(client, server, new byte[] {3, 4}));
        assertEquals(2, handler.piped.get());
        assertTrue(handler.answeredOn.isEmpty());
    }

    @Test
    public void aVerdictThatComesLaterStillGetsItsAnswerSent() throws Exception {
        registry.addPolicy("p", List.of("slow"), 0, (c, d) -> CompletableFuture.supplyAsync(
                () -> Decision.builder(true).reason("hosts.allow:1").build(),
                CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS)));
        registry.addDefinition("d", udp("guarded").handler("reverse").policies(List.of("slow")).build());
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port("guarded"));
        DatagramSocket client = datagramSocket();
        assertArrayEquals(new byte[] {2, 1}, exchange(client, server, new byte[] {1, 2}));
        assertEquals(1, handler.piped.get());
    }

    @Test
    public void aDeniedSenderGetsNothing() throws Exception {
        registry.addPolicy("p", List.of("deny"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(false).reason("hosts.deny:1").build()));
        registry.addDefinition("d", udp("guarded").handler("reverse").policies(List.of("deny")).build());
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port("guarded"));
        assertNoAnswer(datagramSocket(), server, new byte[] {1}, "a denied sender was answered");
        assertEquals(0, handler.piped.get());
        assertTrue(handler.answeredOn.isEmpty());
    }

    @Test
    public void aPolicyAddedByAReloadDecidesTheNextDatagram() throws Exception {
        registry.addPolicy("p", List.of("deny"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(false).reason("hosts.deny:1").build()));
        int fixed;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            fixed = probe.getLocalPort();
        }
        registry.addDefinition("d", udp("rev").handler("reverse").port(fixed).build());
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port("rev"));
        DatagramSocket client = datagramSocket();
        assertArrayEquals(new byte[] {2, 1}, exchange(client, server, new byte[] {1, 2}));

        registry.addDefinition("d", udp("rev").handler("reverse").port(fixed).policies(List.of("deny")).build());
        settle();
        assertNoAnswer(client, server, new byte[] {3}, "a sender the new policy denies was answered");
        assertEquals(1, handler.answeredOn.size());
    }

    @Test
    public void aHandlerThatFailsBeyondAnExceptionLeavesTheSocketToItsEventLoop() throws Exception {
        registry.addDefinition("d", udp("rev").handler("reverse").build());
        int port = port("rev");
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        DatagramSocket client = datagramSocket();
        assertArrayEquals(new byte[] {2, 1}, exchange(client, server, new byte[] {1, 2}));
        handler.broken = true;
        assertNoAnswer(client, server, new byte[] {3}, "the datagram the handler failed on was answered");
        assertArrayEquals("the event loop answers through the pipeline", new byte[] {5, 4},
                exchange(client, server, new byte[] {4, 5}));
        assertEquals(1, handler.piped.get());
        assertEquals(0, threadsNamed("superserver-answer-rev-udp-" + port));
    }

    @Test
    public void theThreadEndsWithItsSocketAndThePortIsFreeAgain() throws Exception {
        int fixed;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            fixed = probe.getLocalPort();
        }
        ServiceDefinition definition = udp("rev").handler("reverse").port(fixed).build();
        registry.addDefinition("d", definition);
        assertEquals(fixed, port("rev"));
        String name = "superserver-answer-rev-udp-" + fixed;
        assertEquals(1, threadsNamed(name));
        assertArrayEquals(new byte[] {2, 1},
                exchange(datagramSocket(), new InetSocketAddress("127.0.0.1", fixed), new byte[] {1, 2}));

        registry.removeDefinition("d");
        settle();
        assertEquals("no thread outlives its socket", 0, threadsNamed(name));
        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", fixed))) {
            assertEquals(fixed, again.getLocalPort());
        }
        registry.addDefinition("d", definition);
        assertEquals(fixed, port("rev"));
        assertEquals(1, threadsNamed(name));
        assertArrayEquals(new byte[] {6, 5},
                exchange(datagramSocket(), new InetSocketAddress("127.0.0.1", fixed), new byte[] {5, 6}));
    }
}
