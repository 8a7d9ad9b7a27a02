package org.superserver.builtin.internal;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.ReferenceCountUtil;

/**
 * Discard over TCP (RFC 863): everything received is released unanswered.
 *
 * <p>Nothing depends on when the bytes are read, so the connection reads in large gulps: the
 * socket reports itself readable only once {@value #LOW_WATER_MARK} bytes are waiting (Linux
 * {@code SO_RCVLOWAT}; end of stream still wakes it at once) and each read takes up to
 * {@value #READ_SIZE} bytes. That costs one wake-up per quarter megabyte instead of one per
 * segment. On transports without native socket options the defaults stay.
 */
@Sharable
final class DiscardStreamHandler extends ChannelInboundHandlerAdapter {

    /** Bytes that must be waiting before the socket counts as readable. */
    static final int LOW_WATER_MARK = 256 * 1024;
    /** Bytes taken by one read. */
    static final int READ_SIZE = 512 * 1024;

    /** {@code SO_RCVLOWAT} at level {@code SOL_SOCKET}, with Linux's numbers. */
    private static final IntegerUnixChannelOption SO_RCVLOWAT = new IntegerUnixChannelOption("SO_RCVLOWAT", 1, 18);

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ChannelConfig config = ctx.channel().config();
        if (config.setOption(SO_RCVLOWAT, LOW_WATER_MARK)) {
            config.setRecvByteBufAllocator(new FixedRecvByteBufAllocator(READ_SIZE));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
