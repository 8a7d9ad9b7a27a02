package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/** What every built-in datagram service does alike: whom it answers, and how a reply is queued. */
final class Datagrams {

    /** Ports below this are privileged; a datagram from one is not answered. */
    static final int FIRST_UNPRIVILEGED_PORT = 1024;
    /** NFS, which inetd also refuses to answer. */
    static final int NFS_PORT = 2049;

    private Datagrams() {
    }

    /**
     * Whether a datagram from {@code sender} gets an answer: not from a privileged port (another
     * small service could be answering back) and not from the NFS port, as openbsd-inetd decides.
     */
    static boolean answers(InetSocketAddress sender) {
        int port = sender.getPort();
        return port >= FIRST_UNPRIVILEGED_PORT && port != NFS_PORT;
    }

    /**
     * Queues {@code content} for {@code recipient}, to go out on the next flush. When the channel
     * is not writable the reply is dropped (and released): a datagram service never queues without
     * bound.
     */
    static void reply(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress recipient) {
        if (!ctx.channel().isWritable()) {
            content.release();
            return;
        }
        ctx.write(new DatagramPacket(content, recipient), ctx.voidPromise());
    }
}
