package org.superserver.builtin.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Daytime over TCP (RFC 867): sends the date and time as text, then closes. The answer goes out
 * once, as soon as the connection is active; the handler leaves the pipeline as it sends it.
 */
@Sharable
final class DaytimeStreamHandler extends ChannelInboundHandlerAdapter {

    private final DaytimeText text;

    DaytimeStreamHandler(DaytimeText text) {
        this.text = text;
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
        ctx.channel().writeAndFlush(text.now(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
    }
}
