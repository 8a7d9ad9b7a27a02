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
 * RFC 867; time, RFC 868), if the {@link DatagramGuard} lets its sender have one. Replies are
 * flushed once per read burst.
 */
@Sharable
final class AnswerEachDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private final DatagramGuard guard;
    private final Function<ByteBufAllocator, ByteBuf> answer;

    /**
     * @param guard decides whom to answer
     * @param answer makes the answer, fresh for each datagram
     */
    AnswerEachDatagramHandler(DatagramGuard guard, Function<ByteBufAllocator, ByteBuf> answer) {
        this.guard = guard;
        this.answer = answer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (!guard.admits(ctx, packet.sender())) {
            return;
        }
        ByteBuf reply = answer.apply(ctx.alloc());
        if (guard.charge(ctx, packet.sender(), packet.content().readableBytes(), reply.readableBytes())) {
            Datagrams.reply(ctx, reply, packet.sender());
        } else {
            reply.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
