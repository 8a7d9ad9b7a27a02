package org.superserver.builtin.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/** Time over UDP (RFC 868): each datagram is answered with the four-byte time. */
@Sharable
final class TimeDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private final Rfc868 time;

    TimeDatagramHandler(Rfc868 time) {
        this.time = time;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (Datagrams.answers(packet.sender())) {
            Datagrams.reply(ctx, time.now(ctx.alloc()), packet.sender());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
