package org.superserver.builtin.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Time over TCP (RFC 868): sends the four-byte time, then closes. The answer goes out once, as soon
 * as the connection is active; the handler leaves the pipeline as it sends it.
 */
@Sharable
final class TimeStreamHandler extends ChannelInboundHandlerAdapter {

    private final Rfc868 time;

    TimeStreamHandler(Rfc868 time) {
        this.time = time;
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
        ctx.channel().writeAndFlush(time.now(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
    }
}
