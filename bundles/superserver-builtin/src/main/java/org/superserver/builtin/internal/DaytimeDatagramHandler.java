package org.superserver.builtin.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/** Daytime over UDP (RFC 867): each datagram is answered with the date and time as text. */
@Sharable
final class DaytimeDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private final DaytimeText text;

    DaytimeDatagramHandler(DaytimeText text) {
        this.text = text;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (Datagrams.answers(packet.sender())) {
            Datagrams.reply(ctx, text.now(ctx.alloc()), packet.sender());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
