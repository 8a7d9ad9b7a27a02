package org.superserver.itests;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * A handler that is not a built-in: the test registers it from the probe to show that services
 * of other bundles keep serving while superserver-builtin comes and goes. Answers every byte
 * upper-cased (ASCII).
 */
final class UpperCaseHandler implements Handler {

    static final String NAME = "itest-upper";

    @Override
    public boolean supports(SocketType socketType) {
        return socketType == SocketType.STREAM;
    }

    @Override
    public void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
        channel.pipeline().addLast(Upper.INSTANCE);
    }

    @Sharable
    static final class Upper extends ChannelInboundHandlerAdapter {
        static final Upper INSTANCE = new Upper();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++) {
                byte b = bytes.getByte(i);
                if (b >= 'a' && b <= 'z') {
                    bytes.setByte(i, b - 32);
                }
            }
            ctx.writeAndFlush(bytes);
        }
    }
}
