package org.superserver.examples.qotd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Function;

/**
 * Quote of the Day over TCP (RFC 865): one quote as soon as the connection is open, then the
 * server closes it; whatever the client sends is ignored. Stateless, shared by every connection.
 */
@Sharable
final class QuoteStreamHandler extends ChannelInboundHandlerAdapter {

    private final Function<ByteBufAllocator, ByteBuf> quote;

    /** @param quote gives a quote for each connection */
    QuoteStreamHandler(Function<ByteBufAllocator, ByteBuf> quote) {
        this.quote = quote;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            send(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        send(ctx);
        ctx.fireChannelActive();
    }

    private void send(ChannelHandlerContext ctx) {
        ctx.pipeline().remove(this);
        ctx.channel().writeAndFlush(quote.apply(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
    }
}
