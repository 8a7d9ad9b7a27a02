package org.superserver.builtin.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/** Echo over UDP (RFC 862): every datagram goes back to its sender unchanged. */
@Sharable
final class EchoDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (Datagrams.answers(packet.sender())) {
            Datagrams.reply(ctx, packet.content().retain(), packet.sender());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
