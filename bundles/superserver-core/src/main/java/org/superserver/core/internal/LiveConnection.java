package org.superserver.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts the bytes of one connection, for its closing log line. Installed only when that line is logged. */
final class TrafficCounter extends ChannelDuplexHandler {

    private long in;
    private long out;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        in += size(msg);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        out += size(msg);
        ctx.write(msg, promise);
    }

    long in() {
        return in;
    }

    long out() {
        return out;
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf) {
            return ((ByteBuf) msg).readableBytes();
        }
        if (msg instanceof ByteBufHolder) {
            return ((ByteBufHolder) msg).content().readableBytes();
        }
        return 0;
    }
}
