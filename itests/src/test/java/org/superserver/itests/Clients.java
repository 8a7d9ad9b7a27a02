package org.superserver.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Plain blocking clients over loopback, as a user's nc would be: the tests' side of every socket. */
final class Clients {

    static final int READ_TIMEOUT_MILLIS = 5_000;

    /** The ports {@link #freePort()} returned so far. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Clients() {
    }

    /** A connected TCP client with a read timeout. */
    static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /**
     * A connected TCP client whose own end is bound to {@code source} (a loopback address such as
     * 127.0.0.2, so that the server sees another client address), with a read timeout.
     */
    static Socket connectFrom(String source, InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(address, READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Exactly {@code n} bytes, or fails naming how many came. */
    static byte[] readExactly(Socket socket, int n) throws IOException {
        byte[] buffer = new byte[n];
        InputStream in = socket.getInputStream();
        int read = 0;
        while (read < n) {
            int r = in.read(buffer, read, n - read);
            if (r < 0) {
                throw new EOFException("connection closed after " + read + " of " + n + " bytes");
            }
            read += r;
        }
        return buffer;
    }

    /** Everything until the server closes the connection. */
    static byte[] readToEnd(Socket socket) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        socket.getInputStream().transferTo(all);
        return all.toByteArray();
    }

    /** Sends {@code message} and expects the same bytes back. */
    static void assertEchoes(Socket socket, String message) throws IOException {
        byte[] sent = message.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(sent);
        socket.getOutputStream().flush();
        assertArrayEquals("echo of '" + message + "'", sent, readExactly(socket, sent.length));
    }

    /** A fresh connection that echoes {@code message}, closed afterwards. */
    static void assertEchoService(InetSocketAddress address, String message) throws IOException {
        try (Socket socket = connect(address)) {
            assertEchoes(socket, message);
        }
    }

    /** The port refuses TCP connections (nothing listens on it). */
    static void assertRefused(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, READ_TIMEOUT_MILLIS);
            fail("connected to " + address + ", which should refuse connections");
        } catch (ConnectException expected) {
            // refused: nothing listens there
        }
    }

    /** Waits until the port refuses TCP connections. */
    static void awaitRefused(InetSocketAddress address, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(address, READ_TIMEOUT_MILLIS);
            } catch (ConnectException refused) {
                return;
            } catch (SocketException reset) {
                // a connection that reached the listening socket as it closed is reset rather than
                // refused: the next attempt, in 50 ms, finds the port closed
            }
            if (System.nanoTime() > deadline) {
                fail(address + " still accepts connections after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** Sends one datagram and returns the reply, or fails when none comes in time. */
    static byte[] exchange(InetSocketAddress address, byte[] payload) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.send(new DatagramPacket(payload, payload.length, address));
            byte[] buffer = new byte[65_535];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            socket.receive(reply);
            assertEquals("reply comes from the service's port", address.getPort(), reply.getPort());
            byte[] data = new byte[reply.getLength()];
            System.arraycopy(buffer, reply.getOffset(), data, 0, reply.getLength());
            return data;
        }
    }

    /** Sends one datagram and expects no reply within {@code quietMillis}. */
    static void sendExpectingNoReply(InetSocketAddress address, byte[] payload, int quietMillis) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(quietMillis);
            socket.send(new DatagramPacket(payload, payload.length, address));
            DatagramPacket reply = new DatagramPacket(new byte[65_535], 65_535);
            try {
                socket.receive(reply);
                fail("got a reply of " + reply.getLength() + " bytes where none was expected");
            } catch (SocketTimeoutException expected) {
                // quiet, as a discard service must be
            }
        }
    }

    /**
     * A port of 127.0.0.1 that is free for TCP and for UDP right now (the kernel picks it; both sockets
     * are closed again), for configuration files that need a concrete port.
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress("127.0.0.1", 0));
                int port = tcp.getLocalPort();
                if (!HANDED_OUT.add(port)) {
                    continue;  // never the same port twice in one run: a test may ask for several at once
                }
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                    return port;
                } catch (SocketException takenForUdp) {
                    // try another
                }
            }
        }
        throw new IOException("found no port of 127.0.0.1 free for both TCP and UDP");
    }

    /** A loopback address with {@code port}. */
    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
