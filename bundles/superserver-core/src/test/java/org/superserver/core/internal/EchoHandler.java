package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.util.concurrent.atomic.AtomicInteger;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** An echo handler for tests, counting how often it was asked to serve a connection. */
final class EchoHandler implements Handler {

    final AtomicInteger streams = new AtomicInteger();

    @Override
    public boolean supports(SocketType socketType) {
        return true;
    }

    @Override
    public void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
        streams.incrementAndGet();
        channel.pipeline().addLast(StreamEcho.INSTANCE);
    }

    @Override
    public void initDatagram(Channel channel, ServiceDefinition definition) {
        channel.pipeline().addLast(DatagramEcho.INSTANCE);
    }

    @Sharable
    private static final class StreamEcho extends ChannelInboundHandlerAdapter {
        static final StreamEcho INSTANCE = new StreamEcho();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Sharable
    private static final class DatagramEcho extends ChannelInboundHandlerAdapter {
        static final DatagramEcho INSTANCE = new DatagramEcho();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            ctx.writeAndFlush(new DatagramPacket(packet.content(), packet.sender()));
        }
    }
}
