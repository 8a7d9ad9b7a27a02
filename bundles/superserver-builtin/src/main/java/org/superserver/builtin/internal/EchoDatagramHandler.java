package org.superserver.builtin.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Echo over UDP (RFC 862): every datagram goes back to its sender unchanged, if the
 * {@link DatagramGuard} lets its sender have a reply of that size.
 */
@Sharable
final class EchoDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private final DatagramGuard guard;

    EchoDatagramHandler(DatagramGuard guard) {
        this.guard = guard;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        int size = packet.content().readableBytes();
        if (guard.admits(ctx, packet.sender()) && guard.charge(ctx, packet.sender(), size, size)) {
            Datagrams.reply(ctx, packet.content().retain(), packet.sender());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
