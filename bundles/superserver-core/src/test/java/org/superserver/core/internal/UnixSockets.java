package org.superserver.core.internal;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.superserver.api.SocketType;

/**
 * Unix-domain sockets as a service manager makes them, as raw descriptors: at a file's path, at an
 * abstract name ({@code @name}, which java.nio cannot reach), or unnamed; and the clients that
 * reach them, reading with a 5 s timeout so that a test never hangs on a silent server.
 */
final class UnixSockets {

    static {
        Native.register(UnixSockets.class, Platform.C_LIBRARY_NAME);
    }

    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SO_RCVTIMEO = 20;

    private static native int socket(int domain, int type, int protocol);

    private static native int bind(int fd, byte[] address, int length);

    private static native int listen(int fd, int backlog);

    private static native int connect(int fd, byte[] address, int length);

    private UnixSockets() {
    }

    /**
     * A new socket of {@code type} bound at {@code path} ({@code @name} for an abstract one, {@code ""}
     * for none), listening when it is a stream socket.
     */
    static int bound(SocketType type, String path) throws IOException {
        int fd = socket(AF_UNIX, type == SocketType.STREAM ? SOCK_STREAM : SOCK_DGRAM, 0);
        check(fd, "socket");
        try {
            if (!path.isEmpty()) {
                byte[] address = address(path);
                check(bind(fd, address, address.length), "bind " + path);
            }
            if (type == SocketType.STREAM) {
                check(listen(fd, 16), "listen");
            }
            return fd;
        } catch (IOException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /**
     * A client of {@code server} of {@code type}; a datagram client is bound at {@code self} first,
     * so that replies can reach it.
     */
    static int client(SocketType type, String server, String self) throws IOException {
        int fd = type == SocketType.STREAM ? socket(AF_UNIX, SOCK_STREAM, 0) : bound(SocketType.DGRAM, self);
        check(fd, "socket");
        try {
            // struct timeval {5 s, 0 us}: a read waits at most 5 s
            check(Libc.setsockopt(fd, Libc.SOL_SOCKET, SO_RCVTIMEO, new int[] {5, 0, 0, 0}, 16), "SO_RCVTIMEO");
            byte[] address = address(server);
            check(connect(fd, address, address.length), "connect " + server);
            return fd;
        } catch (IOException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** Sends {@code text} on the connected {@code fd}. */
    static void send(int fd, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
        check((int) Libc.write(fd, sent, sent.length), "write");
    }

    /** Reads from a stream socket until {@code length} bytes have come, or the end, or 5 s of nothing. */
    static String receive(int fd, int length) {
        byte[] back = new byte[length];
        int have = 0;
        while (have < length) {
            byte[] chunk = new byte[length - have];
            long n = Libc.read(fd, chunk, chunk.length);
            if (n <= 0) {
                break; // closed, or nothing within the timeout
            }
            System.arraycopy(chunk, 0, back, have, (int) n);
            have += (int) n;
        }
        return new String(back, 0, have, StandardCharsets.US_ASCII);
    }

    /** One datagram of at most 2048 bytes; {@code ""} when none comes within 5 s. */
    static String receiveDatagram(int fd) {
        byte[] datagram = new byte[2048];
        long n = Libc.read(fd, datagram, datagram.length);
        return n <= 0 ? "" : new String(datagram, 0, (int) n, StandardCharsets.US_ASCII);
    }

    /** A {@code struct sockaddr_un} holding {@code path}: NUL-terminated, or abstract for {@code @name}. */
    private static byte[] address(String path) {
        boolean abstractName = path.startsWith("@");
        byte[] name = (abstractName ? path.substring(1) : path).getBytes(StandardCharsets.UTF_8);
        byte[] address = new byte[2 + 1 + name.length];
        address[0] = AF_UNIX; // sa_family_t in host order: little-endian on the platforms tested
        System.arraycopy(name, 0, address, abstractName ? 3 : 2, name.length);
        return address; // a path ends with the NUL in the last byte; an abstract name starts with it
    }

    private static void check(int result, String call) throws IOException {
        if (result < 0) {
            throw new IOException(call + ": " + Libc.describe(Libc.errno()));
        }
    }

    /** Sends {@code text} and returns what comes back of the same length, within 5 s. */
    static String exchange(SocketChannel channel, String text) throws Exception {
        byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
        channel.write(ByteBuffer.wrap(sent));
        return CompletableFuture.supplyAsync(() -> {
            ByteBuffer in = ByteBuffer.allocate(sent.length);
            try {
                while (in.hasRemaining()) {
                    if (channel.read(in) < 0) {
                        break;
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
        }).get(5, TimeUnit.SECONDS);
    }
}
