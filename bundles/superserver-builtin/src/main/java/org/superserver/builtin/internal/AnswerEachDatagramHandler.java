package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.function.Function;

/**
 * A UDP service that answers every datagram with a fresh answer, whatever it holds (daytime,
 * RFC 867; time, RFC 868). Replies are flushed once per read burst.
 */
@Sharable
final class AnswerEachDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private final Function<ByteBufAllocator, ByteBuf> answer;

    /** @param answer makes the answer, fresh for each datagram */
    AnswerEachDatagramHandler(Function<ByteBufAllocator, ByteBuf> answer) {
        this.answer = answer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (Datagrams.answers(packet.sender())) {
            Datagrams.reply(ctx, answer.apply(ctx.alloc()), packet.sender());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
