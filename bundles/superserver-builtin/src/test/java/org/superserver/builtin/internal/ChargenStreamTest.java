package org.superserver.builtin.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.netty.channel.Channel;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.After;
import org.junit.Test;

public class ChargenStreamTest {

    private final Loopback loopback = new Loopback();

    @After
    public void closeLoopback() {
        loopback.close();
    }

    @Test
    public void streamIsByteForByteWhatInetdSends() throws IOException {
        byte[] sample = InetdSample.chargen();
        InetSocketAddress address = loopback.stream(new ChargenHandler(Guards.standard()), "chargen", 0);
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            byte[] received = new byte[sample.length];
            new DataInputStream(client.getInputStream()).readFully(received);
            assertArrayEquals(sample, received);
        }
    }

    @Test
    public void inputIsDiscardedAndHalfClosedClientStillGetsThePattern() throws IOException {
        byte[] sample = InetdSample.chargen();
        InetSocketAddress address = loopback.stream(new ChargenHandler(Guards.standard()), "chargen", 0);
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = client.getOutputStream();
            out.write("ignored input\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            byte[] received = new byte[sample.length];
            new DataInputStream(client.getInputStream()).readFully(received);
            assertArrayEquals(sample, received);
        }
    }

    @Test
    public void clientThatDoesNotReadCostsAtMostTheHighWaterMarkPlusOneBuffer() throws Exception {
        int socketBuffer = 32 * 1024;
        InetSocketAddress address = loopback.stream(new ChargenHandler(Guards.standard()), "chargen", socketBuffer);
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(socketBuffer);
            client.connect(address);
            Channel server = loopback.nextAccepted();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.isWritable()) {
                assertTrue("the server never filled the connection", System.nanoTime() < deadline);
                Thread.sleep(10);
            }
            long bound = server.config().getWriteBufferHighWaterMark() + ChargenPattern.create().size();
            for (int i = 0; i < 20; i++) {
                long pending = server.unsafe().outboundBuffer().totalPendingWriteBytes();
                assertTrue(pending + " bytes queued, more than " + bound, pending <= bound);
                Thread.sleep(10);
            }

            // Reading again resumes the pattern exactly where it stood.
            byte[] received = new byte[4 * 1024 * 1024];
            new DataInputStream(client.getInputStream()).readFully(received);
            for (int i = 0; i < received.length; i++) {
                if (received[i] != expectedByte(i)) {
                    throw new AssertionError("byte " + i + " is " + received[i]
                            + ", expected " + expectedByte(i));
                }
            }
        }
    }

    @Test
    public void everyConnectionStartsAtTheFirstLine() throws IOException {
        InetSocketAddress address = loopback.stream(new ChargenHandler(Guards.standard()), "chargen", 0);
        for (int i = 0; i < 3; i++) {
            try (Socket client = new Socket(address.getAddress(), address.getPort())) {
                byte[] line = new byte[ChargenPattern.LINE_BYTES];
                new DataInputStream(client.getInputStream()).readFully(line);
                assertEquals(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n",
                        new String(line, StandardCharsets.US_ASCII));
            }
        }
    }

    /** The byte at {@code offset} of chargen's output, computed from the protocol's definition. */
    private static byte expectedByte(long offset) {
        long line = offset / ChargenPattern.LINE_BYTES;
        int column = (int) (offset % ChargenPattern.LINE_BYTES);
        if (column == ChargenPattern.LINE_CHARS) {
            return '\r';
        }
        if (column == ChargenPattern.LINE_CHARS + 1) {
            return '\n';
        }
        return (byte) (' ' + (line + column) % 95);
    }
}
