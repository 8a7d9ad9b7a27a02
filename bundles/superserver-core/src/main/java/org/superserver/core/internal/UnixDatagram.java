package org.superserver.core.internal;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.charset.StandardCharsets;

/**
 * Unix-domain datagram sockets, which the JDK does not offer: sending to the local syslog socket
 * ({@code /dev/log}), and receiving, for tests. Every call is non-blocking.
 */
final class UnixDatagram implements AutoCloseable {

    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    /** {@code sizeof(struct sockaddr_un)}: a 2-byte family and 108 bytes of path. */
    static final int SOCKADDR_UN_SIZE = 110;

    static {
        Native.register(UnixDatagram.class, Platform.C_LIBRARY_NAME);
    }

    private static native int socket(int domain, int type, int protocol);

    private static native int bind(int fd, byte[] address, int length);

    private static native long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength);

    private static native long recv(int fd, byte[] buffer, long length, int flags);

    private static native int close(int fd);

    private final int fd;

    private UnixDatagram(int fd) {
        this.fd = fd;
    }

    /** An unbound socket to send from. */
    static UnixDatagram open() {
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IllegalStateException("socket(AF_UNIX, SOCK_DGRAM): errno " + Native.getLastError());
        }
        return new UnixDatagram(fd);
    }

    /** A socket bound at {@code path}, to receive on. */
    static UnixDatagram bound(String path) {
        UnixDatagram socket = open();
        byte[] address = address(path);
        if (bind(socket.fd, address, address.length) != 0) {
            int errno = Native.getLastError();
            socket.close();
            throw new IllegalStateException("bind " + path + ": errno " + errno);
        }
        return socket;
    }

    /**
     * Sends one datagram to the socket at {@code path} without waiting.
     *
     * @return 0, or the errno of the failure ({@code EAGAIN} when the receiver is behind)
     */
    int send(String path, byte[] datagram) {
        byte[] address = address(path);
        long sent = sendto(fd, datagram, datagram.length, MSG_DONTWAIT | MSG_NOSIGNAL, address, address.length);
        return sent < 0 ? Native.getLastError() : 0;
    }

    /** One datagram, or {@code null} when none is waiting. */
    byte[] receive() {
        byte[] buffer = new byte[65536];
        long n = recv(fd, buffer, buffer.length, MSG_DONTWAIT);
        if (n < 0) {
            return null;
        }
        return java.util.Arrays.copyOf(buffer, (int) n);
    }

    /**
     * A {@code struct sockaddr_un} for {@code path}; a leading {@code @} names an abstract socket
     * (a name in the abstract namespace, as {@code NOTIFY_SOCKET} gives it), whose address is only
     * as long as its name.
     */
    private static byte[] address(String path) {
        if (path.startsWith("@")) {
            byte[] name = path.substring(1).getBytes(StandardCharsets.UTF_8);
            if (name.length > SOCKADDR_UN_SIZE - 3) {
                throw new IllegalArgumentException("abstract socket name " + path + " is longer than "
                        + (SOCKADDR_UN_SIZE - 3) + " bytes");
            }
            byte[] address = new byte[3 + name.length];
            java.nio.ByteBuffer.wrap(address).order(java.nio.ByteOrder.nativeOrder()).putShort((short) AF_UNIX);
            System.arraycopy(name, 0, address, 3, name.length);
            return address;
        }
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SOCKADDR_UN_SIZE - 2) {
            throw new IllegalArgumentException("socket path " + path + " is longer than " + (SOCKADDR_UN_SIZE - 3)
                    + " bytes");
        }
        byte[] address = new byte[SOCKADDR_UN_SIZE];
        java.nio.ByteBuffer.wrap(address).order(java.nio.ByteOrder.nativeOrder()).putShort((short) AF_UNIX);
        System.arraycopy(bytes, 0, address, 2, bytes.length);
        return address;
    }

    @Override
    public void close() {
        close(fd);
    }
}
