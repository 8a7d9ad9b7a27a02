package org.superserver.builtin.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Chargen over UDP (RFC 864): each datagram is answered with one line of the pattern, and each
 * answer starts one character later than the one before, whoever asked, as inetd does. One
 * instance per bound socket: it counts the lines that socket has sent.
 */
final class ChargenDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private final ChargenPattern pattern;
    private long nextLine;

    ChargenDatagramHandler(ChargenPattern pattern) {
        this.pattern = pattern;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (Datagrams.answers(packet.sender())) {
            Datagrams.reply(ctx, pattern.line(nextLine), packet.sender());
            nextLine = (nextLine + 1) % ChargenPattern.RING;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
