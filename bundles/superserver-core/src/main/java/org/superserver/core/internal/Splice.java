package org.superserver.core.internal;

import com.sun.jna.ptr.IntByReference;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.unix.UnixChannel;

/**
 * Zero-copy relaying on the epoll transport: Netty's {@code spliceTo} moves a socket's bytes
 * through a pipe into the other socket with {@code splice(2)}, never into the JVM's memory. Only
 * touched when both channels are epoll channels, so the core runs where the epoll bundle is
 * missing. With splicing the relay does not see the bytes, so {@link #received} reads how many
 * came in from the kernel ({@code TCP_INFO}'s {@code tcpi_bytes_received}).
 */
final class Splice {

    private static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    /** Byte offset of {@code tcpi_bytes_received} in {@code struct tcp_info} (Linux 4.1 and later). */
    private static final int BYTES_RECEIVED = 128;

    private Splice() {
    }

    /** Whether both channels can splice to each other. */
    static boolean possible(Channel a, Channel b) {
        try {
            return a instanceof AbstractEpollStreamChannel && b instanceof AbstractEpollStreamChannel
                    && a.eventLoop() == b.eventLoop();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Starts moving everything {@code from} receives to {@code to}; level-triggered, as splicing needs. */
    static ChannelFuture start(Channel from, Channel to) {
        from.config().setOption(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED);
        to.config().setOption(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED);
        return ((AbstractEpollStreamChannel) from).spliceTo((AbstractEpollStreamChannel) to, Integer.MAX_VALUE);
    }

    /**
     * What is left in {@code channel}'s socket once its end of stream has been seen. Netty's
     * splicing stops reading when the end of stream is signalled ({@code EPOLLRDHUP}), which can
     * come while bytes sent before it still wait in the socket (more than one splice takes):
     * they are read here, at most the socket's receive buffer, so that none is lost.
     */
    static ByteBuf rest(Channel channel) {
        if (!(channel instanceof UnixChannel unix) || !channel.isOpen()) {
            return Unpooled.EMPTY_BUFFER;
        }
        int fd = unix.fd().intValue();
        ByteBuf rest = Unpooled.buffer(0);
        byte[] chunk = new byte[64 * 1024];
        while (true) {
            long n = Libc.read(fd, chunk, chunk.length);
            if (n <= 0) {
                return rest;
            }
            rest.writeBytes(chunk, 0, (int) n);
        }
    }

    /**
     * The bytes {@code channel}'s socket has received so far, its end of stream (which the kernel
     * counts as one) not included; -1 when unknown (a closed socket, an old kernel, no JNA). Whether
     * the end of stream has come is read from the same {@code TCP_INFO} ({@code tcpi_state}), not
     * from Netty, which may not have seen it yet.
     *
     * @param finSeen whether the channel has read its end of stream already
     */
    static long received(Channel channel, boolean finSeen) {
        if (!(channel instanceof UnixChannel unix) || !channel.isOpen()) {
            return -1;
        }
        try {
            int[] info = new int[64];
            IntByReference length = new IntByReference(info.length * Integer.BYTES);
            if (Libc.getsockopt(unix.fd().intValue(), IPPROTO_TCP, TCP_INFO, info, length) != 0
                    || length.getValue() < BYTES_RECEIVED + Long.BYTES) {
                return -1;
            }
            int i = BYTES_RECEIVED / Integer.BYTES;
            long bytes = (info[i] & 0xFFFFFFFFL) | ((long) info[i + 1] << 32);
            int state = info[0] & 0xFF;
            return (finSeen || finReceived(state)) && bytes > 0 ? bytes - 1 : bytes;
        } catch (LinkageError e) {
            return -1;
        }
    }

    /** TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, CLOSING: the peer's FIN has come. */
    private static boolean finReceived(int tcpState) {
        return tcpState == 6 || tcpState == 7 || tcpState == 8 || tcpState == 9 || tcpState == 11;
    }
}
