package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Function;

/**
 * A TCP service that answers once and closes (daytime, RFC 867; time, RFC 868). The answer goes
 * out as soon as the connection is active; the handler leaves the pipeline as it sends it.
 */
@Sharable
final class AnswerOnceStreamHandler extends ChannelInboundHandlerAdapter {

    private final Function<ByteBufAllocator, ByteBuf> answer;

    /** @param answer makes the answer, fresh for each connection */
    AnswerOnceStreamHandler(Function<ByteBufAllocator, ByteBuf> answer) {
        this.answer = answer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            answer(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        answer(ctx);
        ctx.fireChannelActive();
    }

    private void answer(ChannelHandlerContext ctx) {
        ctx.pipeline().remove(this);
        ctx.channel().writeAndFlush(answer.apply(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
    }
}
