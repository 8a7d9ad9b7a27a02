package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoService;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.readExactly;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.slf4j.LoggerFactory;
import org.superserver.api.Protocol;

/** Hostile and heavy clients cost bounded memory and time, and never stop the others being served. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadClientsIT extends ItestSupport {

    private static final long MIB = 1024 * 1024;

    /** How long a well-behaved client may wait for its echo while others misbehave. */
    private static final long PROMPT_MILLIS = 2_000;

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
                assertPromptEcho(echo, "served beside 50 silent clients #" + i + "\n");
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
        long memoryBefore = usedMemoryAfterGc();

        Socket hog = new Socket();
        hog.setReceiveBufferSize(16 * 1024);
        hog.connect(echo, Clients.READ_TIMEOUT_MILLIS);
        long attempted = 256 * MIB;
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            byte[] block = new byte[64 * 1024];
            try {
                OutputStream out = hog.getOutputStream();
                while (written.get() < attempted) {
                    out.write(block);
                    written.addAndGet(block.length);
                }
            } catch (IOException closedUnderIt) {
                // the test closes the socket while this write is blocked
            }
        }, "itest-hog-writer");
        writer.setDaemon(true);
        writer.start();
        try {
            long stalledAt = awaitStall(written);
            assertTrue("echo stopped reading from a peer that does not read: the writer stalled after "
                    + stalledAt / MIB + " MiB of " + attempted / MIB + " MiB", stalledAt < attempted / 2);

            for (int i = 0; i < 10; i++) {
                assertPromptEcho(echo, "served while a hog is stalled #" + i + "\n");
            }
            long growth = usedMemoryAfterGc() - memoryBefore;
            LoggerFactory.getLogger(BadClientsIT.class).info(
                    "hog stalled after {} KiB of {} MiB; memory grew by {} KiB", stalledAt / 1024,
                    attempted / MIB, growth / 1024);
            assertTrue("memory grew by " + growth / MIB + " MiB while the hog had sent " + stalledAt / MIB
                    + " MiB", growth < 64 * MIB);
            assertEquals("still stalled", stalledAt, written.get());
        } finally {
            hog.setSoLinger(true, 0);
            hog.close();
            writer.join(TimeUnit.SECONDS.toMillis(10));
        }
        awaitListener("bad-hog-echo", "without the hog's connection", l -> l.activeConnections() == 0);
        assertPromptEcho(echo, "after the hog left\n");
    }

    /** Waits until {@code written} stops growing for a second; returns where it stopped. */
    private static long awaitStall(AtomicLong written) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long last = -1;
        long unchangedSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = written.get();
            if (now != last) {
                last = now;
                unchangedSince = System.nanoTime();
            } else if (System.nanoTime() - unchangedSince > TimeUnit.SECONDS.toNanos(1)) {
                return now;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the writer never stalled: " + written.get() / MIB
                + " MiB written, the server keeps reading from a peer that does not read");
    }

    /**
     * What the server holds: heap in use after a GC, plus the direct memory Netty has reserved (its
     * buffers are off-heap; -1 from Netty means it does not count, and then only heap is measured).
     */
    private static long usedMemoryAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed() + Math.max(0, PlatformDependent.usedDirectMemory());
    }

    @Test
    public void aChargenClientThatNeverReadsCostsBoundedMemoryAndOthersAreStillServed() throws Exception {
        define(internal("bad-idle-chargen", "chargen", Protocol.TCP));
        define(internal("bad-idle-echo", "echo", Protocol.TCP));
        InetSocketAddress chargen = awaitListening("bad-idle-chargen");
        InetSocketAddress echo = awaitListening("bad-idle-echo");
        long before = usedMemoryAfterGc();
        List<Socket> sluggards = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Socket socket = new Socket();
                socket.setReceiveBufferSize(16 * 1024);
                socket.connect(chargen, Clients.READ_TIMEOUT_MILLIS);
                sluggards.add(socket);
            }
            Thread.sleep(2_000);  // plenty of time for a chargen that ignores writability to fill memory
            for (int i = 0; i < 5; i++) {
                assertPromptEcho(echo, "served beside 10 chargen clients that never read #" + i + "\n");
            }
            long growth = usedMemoryAfterGc() - before;
            LoggerFactory.getLogger(BadClientsIT.class).info(
                    "10 non-reading chargen clients: memory grew by {} KiB (Netty direct memory now {} KiB)",
                    growth / 1024, PlatformDependent.usedDirectMemory() / 1024);
            assertTrue("memory grew by " + growth / MIB + " MiB for 10 chargen clients that never read",
                    growth < 64 * MIB);
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
        assertPromptEcho(echo, "after 20 resets\n");
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

    private static void assertPromptEcho(InetSocketAddress echo, String message) throws IOException {
        long start = System.nanoTime();
        assertEchoService(echo, message);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue("echo took " + millis + " ms", millis < PROMPT_MILLIS);
    }
}
