package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoService;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.readExactly;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.slf4j.LoggerFactory;
import org.superserver.api.Protocol;

/**
 * Hostile and heavy clients cost bounded memory and never stop the others being served. What is
 * asserted is behaviour and counts, never time: that other clients get their answers, how many
 * bytes a client that does not read could push into the server (all that the server could be
 * holding for it), and what Netty's allocator says the server's buffers hold (its own counters,
 * exact at any moment, without a garbage collection).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadClientsIT extends ItestSupport {

    private static final long MIB = 1024 * 1024;

    /**
     * The most a connection can hold in the kernel on both sides of loopback (the largest send
     * and receive buffers TCP may grow to, twice each), plus 16 MiB for the server's own queue
     * and read buffers: a server that stops reading from a peer that does not read stays below it.
     */
    private static final long BOUND = 2 * (maxBuffer("tcp_wmem") + maxBuffer("tcp_rmem")) + 16 * MIB;

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    @Test
    public void clientsThatConnectAndSendNothingDoNotDisturbOthers() throws Exception {
        define(internal("bad-silent-echo", "echo", Protocol.TCP));
        InetSocketAddress echo = awaitListening("bad-silent-echo");
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                silent.add(connect(echo));
            }
            awaitListener("bad-silent-echo", "holding the 50 silent connections", l -> l.activeConnections() >= 50);
            for (int i = 0; i < 20; i++) {
                assertEchoService(echo, "served beside 50 silent clients #" + i + "\n");
            }
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
        awaitListener("bad-silent-echo", "without connections", l -> l.activeConnections() == 0);
    }

    @Test
    public void aClientThatSendsMegabytesWithoutReadingIsThrottledWhileOthersAreServedAndItCanBeClosed()
            throws Exception {
        define(internal("bad-hog-echo", "echo", Protocol.TCP));
        InetSocketAddress echo = awaitListening("bad-hog-echo");
        long heldBefore = allocatorMemory();
        long attempted = 4 * BOUND;

        try (SocketChannel hog = SocketChannel.open()) {
            hog.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
            hog.connect(echo);
            hog.configureBlocking(false);
            long pushed = pushUntilRefused(hog, attempted);
            assertTrue("echo stopped reading from a peer that does not read: it took " + pushed / MIB + " MiB of "
                    + attempted / MIB + " MiB, at most " + BOUND / MIB + " MiB", pushed < BOUND);

            for (int i = 0; i < 10; i++) {
                assertEchoService(echo, "served while a hog is refused #" + i + "\n");
            }
            pushed += pushUntilRefused(hog, attempted - pushed);
            assertTrue("echo still takes nothing more from the hog after serving others: " + pushed / MIB
                    + " MiB in all, at most " + BOUND / MIB + " MiB", pushed < BOUND);
            long held = allocatorMemory() - heldBefore;
            LoggerFactory.getLogger(BadClientsIT.class).info(
                    "hog refused after {} KiB of {} MiB (bound {} MiB); Netty's buffers grew by {} KiB", pushed / 1024,
                    attempted / MIB, BOUND / MIB, held / 1024);
            assertTrue("Netty's buffers grew by " + held / MIB + " MiB while the hog pushed " + pushed / MIB + " MiB",
                    held < BOUND);
            hog.setOption(StandardSocketOptions.SO_LINGER, 0);
        }
        awaitListener("bad-hog-echo", "without the hog's connection", l -> l.activeConnections() == 0);
        assertEchoService(echo, "after the hog left\n");
    }

    /**
     * Writes to a non-blocking channel until it takes no more: its send buffer is full and stays
     * full while the selector waits a second for room (the peer has stopped reading), or
     * {@code limit} bytes went. The second only decides when to stop pushing, never whether the
     * test passes: a peer that kept reading makes room within it, and the count then grows past
     * the bound that the caller asserts.
     *
     * @return the bytes written
     */
    private static long pushUntilRefused(SocketChannel channel, long limit) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(64 * 1024);
        long pushed = 0;
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_WRITE);
            while (pushed < limit) {
                block.clear();
                block.limit((int) Math.min(block.capacity(), limit - pushed));
                int written = channel.write(block);
                pushed += written;
                if (written == 0) {
                    selector.selectedKeys().clear();
                    if (selector.select(1_000) == 0) {
                        return pushed;
                    }
                }
            }
        }
        return pushed;
    }

    @Test
    public void aChargenClientThatNeverReadsCostsBoundedMemoryAndOthersAreStillServed() throws Exception {
        define(internal("bad-idle-chargen", "chargen", Protocol.TCP));
        define(internal("bad-idle-echo", "echo", Protocol.TCP));
        InetSocketAddress chargen = awaitListening("bad-idle-chargen");
        InetSocketAddress echo = awaitListening("bad-idle-echo");
        long heldBefore = allocatorMemory();
        List<Socket> sluggards = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Socket socket = new Socket();
                socket.setReceiveBufferSize(16 * 1024);
                socket.connect(chargen, Clients.READ_TIMEOUT_MILLIS);
                socket.setSoTimeout(Clients.READ_TIMEOUT_MILLIS);
                sluggards.add(socket);
            }
            for (Socket socket : sluggards) {
                awaitUnread(socket, 8 * 1024);
            }
            for (int i = 0; i < 5; i++) {
                assertEchoService(echo, "served beside 10 chargen clients that never read #" + i + "\n");
            }
            long held = allocatorMemory() - heldBefore;
            LoggerFactory.getLogger(BadClientsIT.class).info(
                    "10 non-reading chargen clients: Netty's buffers grew by {} KiB", held / 1024);
            assertTrue("Netty's buffers grew by " + held / MIB + " MiB for 10 chargen clients that never read",
                    held < BOUND);
            for (Socket socket : sluggards) {
                assertEquals("a sluggard that reads at last gets the pattern from its start",
                        BuiltinServicesIT.chargenLine(0) + "\r\n", ascii(readExactly(socket, 74)));
            }
            try (Socket reader = connect(chargen)) {
                assertEquals(BuiltinServicesIT.chargenLine(0) + "\r\n", ascii(readExactly(reader, 74)));
            }
        } finally {
            for (Socket socket : sluggards) {
                socket.setSoLinger(true, 0);
                socket.close();
            }
        }
        awaitListener("bad-idle-chargen", "without connections", l -> l.activeConnections() == 0);
    }

    /** Waits until at least {@code bytes} have arrived on {@code socket} and wait unread. */
    private static void awaitUnread(Socket socket, int bytes) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (socket.getInputStream().available() < bytes) {
            if (System.nanoTime() > deadline) {
                fail("chargen sent only " + socket.getInputStream().available() + " bytes to a client within "
                        + TIMEOUT + ", not " + bytes);
            }
            Thread.sleep(20);
        }
    }

    /**
     * What Netty's allocator holds for heap and direct buffers, by its own counters: what echo
     * reads and has not yet written back, and chargen's queued writes, are all in there.
     */
    private static long allocatorMemory() {
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return metric.usedHeapMemory() + metric.usedDirectMemory();
    }

    /** The largest size TCP may give a socket buffer ({@code net.ipv4.tcp_wmem} or {@code tcp_rmem}). */
    private static long maxBuffer(String name) {
        // One read from offset 0: a sysctl file gives nothing to a read that starts further on.
        byte[] buffer = new byte[256];
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4", name))) {
            int read = in.read(buffer);
            String[] values = new String(buffer, 0, Math.max(0, read), StandardCharsets.US_ASCII).trim().split("\\s+");
            return Long.parseLong(values[values.length - 1]);
        } catch (IOException | RuntimeException e) {
            return 32 * MIB;
        }
    }

    @Test
    public void clientsThatResetMidStreamLeaveTheServerServing() throws Exception {
        define(internal("bad-reset-echo", "echo", Protocol.TCP));
        define(internal("bad-reset-chargen", "chargen", Protocol.TCP));
        InetSocketAddress echo = awaitListening("bad-reset-echo");
        InetSocketAddress chargen = awaitListening("bad-reset-chargen");
        byte[] block = new byte[256 * 1024];
        for (int i = 0; i < 20; i++) {
            try (Socket socket = connect(echo)) {
                socket.getOutputStream().write(block);  // echo is busy answering when the reset comes
                readExactly(socket, 1000);
                socket.setSoLinger(true, 0);
            }
            try (Socket socket = connect(chargen)) {
                readExactly(socket, 10_000);  // chargen is streaming when the reset comes
                socket.setSoLinger(true, 0);
            }
        }
        assertEchoService(echo, "after 20 resets\n");
        try (Socket socket = connect(chargen)) {
            assertEquals(BuiltinServicesIT.chargenLine(0) + "\r\n", ascii(readExactly(socket, 74)));
        }
        awaitListener("bad-reset-echo", "without connections", l -> l.activeConnections() == 0);
        awaitListener("bad-reset-chargen", "without connections", l -> l.activeConnections() == 0);
    }

    @Test
    public void fiveHundredClientsConnectingAtOnceToEchoAreAllServed() throws Exception {
        define(internal("bad-crowd-echo", "echo", Protocol.TCP));
        InetSocketAddress echo = awaitListening("bad-crowd-echo");
        int clients = 500;
        CountDownLatch connected = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String message = String.format("client %03d of %d, all at once\n", i, clients);
                results.add(pool.submit(() -> {
                    Socket socket = new Socket();
                    try {
                        socket.connect(echo, 30_000);
                        socket.setSoTimeout(30_000);
                        connected.countDown();
                        go.await();
                        socket.getOutputStream().write(ascii(message));
                        return ascii(readExactly(socket, message.length()));
                    } finally {
                        socket.close();
                    }
                }));
            }
            assertTrue(connected.getCount() + " clients could not connect",
                    connected.await(60, TimeUnit.SECONDS));
            awaitListener("bad-crowd-echo", "holding all " + clients + " connections",
                    l -> l.activeConnections() >= clients);
            go.countDown();
            for (int i = 0; i < clients; i++) {
                String expected = String.format("client %03d of %d, all at once\n", i, clients);
                assertEquals("client " + i, expected, results.get(i).get(60, TimeUnit.SECONDS));
            }
        } finally {
            go.countDown();
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        awaitListener("bad-crowd-echo", "without connections", l -> l.activeConnections() == 0);
    }
}
