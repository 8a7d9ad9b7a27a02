package org.superserver.builtin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assume.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** Discard on the native transport: large gulps, yet a short stream still ends promptly. */
public class DiscardEpollTest {

    private static final ServiceDefinition DISCARD = ServiceDefinition.builder().name("discard")
            .socketType(SocketType.STREAM).protocol(Protocol.TCP).port(0).handler("discard").build();

    @Test
    public void aShortStreamBelowTheLowWaterMarkIsStillClosedAtEndOfInput() throws Exception {
        assumeTrue("native epoll transport", Epoll.isAvailable());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            new DiscardHandler(Guards.standard()).initStream(ch, new ConnectionInfo("discard", "discard", Protocol.TCP,
                                    (InetSocketAddress) ch.localAddress(), (InetSocketAddress) ch.remoteAddress(),
                                    Instant.now()), DISCARD);
                            accepted.add(ch);
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            try (Socket client = new Socket(address.getAddress(), address.getPort())) {
                Channel connection = accepted.poll(5, TimeUnit.SECONDS);
                int lowWaterMark = connection.eventLoop().submit(() -> connection.config()
                        .getOption(new IntegerUnixChannelOption("SO_RCVLOWAT", 1, 18))).get(5, TimeUnit.SECONDS);
                assertEquals(DiscardStreamHandler.LOW_WATER_MARK, lowWaterMark);

                client.getOutputStream().write(new byte[100]);
                client.shutdownOutput();
                client.setSoTimeout(5_000);
                InputStream in = client.getInputStream();
                assertEquals(-1, in.read());
                assertEquals(true, connection.closeFuture().await(5, TimeUnit.SECONDS));
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
