package org.superserver.builtin.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.netty.channel.Channel;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

public class EchoStreamTest {

    private static final int SIXTEEN_MB = 16 * 1024 * 1024;

    private final Loopback loopback = new Loopback();

    @After
    public void closeLoopback() {
        loopback.close();
    }

    @Test
    public void bytesComeBackUnchanged() throws IOException {
        InetSocketAddress address = loopback.stream(new EchoHandler(Guards.standard()), "echo", 0);
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            byte[] hello = "hello, world\r\n".getBytes(StandardCharsets.US_ASCII);
            client.getOutputStream().write(hello);
            byte[] back = new byte[hello.length];
            new DataInputStream(client.getInputStream()).readFully(back);
            assertArrayEquals(hello, back);
        }
    }

    @Test
    public void asAStreamAnswerItSendsBackEveryByteReadWhereverTheBytesSit() {
        EchoHandler echo = new EchoHandler(Guards.standard());
        byte[] bytes = "xxhello, held world\r\nyy".getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer read = java.nio.ByteBuffer.allocateDirect(bytes.length).put(bytes);
        read.position(2).limit(bytes.length - 2);
        java.nio.ByteBuffer answer = echo.answer(read);
        byte[] back = new byte[answer.remaining()];
        answer.get(back);
        assertArrayEquals("hello, held world\r\n".getBytes(StandardCharsets.US_ASCII), back);
    }

    @Test
    public void whatWasSentBeforeTheClientShutsDownItsSideIsEchoedThenTheConnectionCloses()
            throws IOException {
        InetSocketAddress address = loopback.stream(new EchoHandler(Guards.standard()), "echo", 0);
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            byte[] data = pattern(0, 300_000);
            client.getOutputStream().write(data);
            client.shutdownOutput();
            client.setSoTimeout(10_000);
            assertArrayEquals(data, client.getInputStream().readAllBytes());
        }
    }

    @Test
    public void clientThatSendsWithoutReadingMakesTheServerStopReadingUntilItReadsAgain() throws Exception {
        int socketBuffer = 32 * 1024;
        InetSocketAddress address = loopback.stream(new EchoHandler(Guards.standard()), "echo", socketBuffer);
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(socketBuffer);
            client.setSendBufferSize(socketBuffer);
            client.connect(address);
            Channel server = loopback.nextAccepted();
            OutputStream out = client.getOutputStream();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int offset = 0; offset < SIXTEEN_MB; offset += 65536) {
                        out.write(pattern(offset, 65536));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.config().isAutoRead()) {
                assertTrue("the server kept reading from a client that does not read",
                        System.nanoTime() < deadline);
                Thread.sleep(10);
            }
            long bound = server.config().getWriteBufferHighWaterMark() + 65536;
            for (int i = 0; i < 30; i++) {
                long pending = server.unsafe().outboundBuffer().totalPendingWriteBytes();
                assertTrue(pending + " bytes queued, more than " + bound, pending <= bound);
                Thread.sleep(10);
            }
            assertFalse("the client could send all 16 MB although nobody read them", writer.isDone());
            assertFalse(server.config().isAutoRead());

            // Reading again lets the server read again: every byte comes back, in order.
            InputStream in = client.getInputStream();
            byte[] chunk = new byte[65536];
            DataInputStream data = new DataInputStream(in);
            for (int offset = 0; offset < SIXTEEN_MB; offset += chunk.length) {
                data.readFully(chunk);
                if (!java.util.Arrays.equals(pattern(offset, chunk.length), chunk)) {
                    throw new AssertionError("echoed bytes differ in the 64 KiB at offset " + offset);
                }
            }
            writer.get(10, TimeUnit.SECONDS);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!server.config().isAutoRead()) {
                assertTrue("the server did not read again once its queue drained",
                        System.nanoTime() < deadline);
                Thread.sleep(10);
            }
        }
    }

    /** {@code length} bytes of a sequence that does not repeat within 16 MB at 64 KiB alignment. */
    private static byte[] pattern(int offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            int n = offset + i;
            bytes[i] = (byte) (n ^ (n >>> 8) ^ (n >>> 16));
        }
        return bytes;
    }
}
