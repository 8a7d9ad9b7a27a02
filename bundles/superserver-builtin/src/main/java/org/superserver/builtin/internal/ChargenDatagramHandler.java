package org.superserver.builtin.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Chargen over UDP (RFC 864): each datagram is answered with one line of the pattern, and each
 * answer starts one character later than the one before, whoever asked, as inetd does. One
 * instance per bound socket: it counts the lines that socket has sent. A datagram the
 * {@link DatagramGuard} leaves unanswered does not advance the pattern.
 */
final class ChargenDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private final DatagramGuard guard;
    private final ChargenPattern pattern;
    private long nextLine;

    ChargenDatagramHandler(DatagramGuard guard, ChargenPattern pattern) {
        this.guard = guard;
        this.pattern = pattern;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (guard.admits(ctx, packet.sender())
                && guard.charge(ctx, packet.sender(), packet.content().readableBytes(), ChargenPattern.LINE_BYTES)) {
            Datagrams.reply(ctx, pattern.line(nextLine), packet.sender());
            nextLine = (nextLine + 1) % ChargenPattern.RING;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
