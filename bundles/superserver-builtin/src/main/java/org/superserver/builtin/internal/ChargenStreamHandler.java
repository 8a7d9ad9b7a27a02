package org.superserver.builtin.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;

/**
 * Chargen over TCP (RFC 864): the pattern, without end, for as long as the client reads it.
 *
 * <p>Each write is the whole shared buffer of complete cycles, so every write continues the
 * pattern exactly where the previous one ended and the handler keeps no state. It writes while the
 * channel is writable and continues when it becomes writable again: for a client that stops
 * reading, the queue holds at most the channel's high water mark plus one buffer, and since every
 * queued write is a view of the one shared buffer, that costs a few objects, not copies. Input is
 * read and discarded; a client that shuts down its sending side still gets the pattern, as with
 * inetd.
 */
@Sharable
final class ChargenStreamHandler extends ChannelInboundHandlerAdapter {

    private final ChargenPattern pattern;

    ChargenStreamHandler(ChargenPattern pattern) {
        this.pattern = pattern;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        if (ctx.channel().isActive()) {
            generate(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        generate(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        generate(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** Queues whole cycles until the channel is not writable, then flushes them. */
    private void generate(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!channel.isActive() || !channel.isWritable()) {
            return;
        }
        do {
            ctx.write(pattern.cycles(), ctx.voidPromise());
        } while (channel.isWritable());
        ctx.flush();
    }
}
