package org.superserver.builtin.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * Listeners on 127.0.0.1 with ephemeral ports that hand their channels to a {@link Handler} the
 * way the core does: an accepted connection is set up by {@code initStream} once it is active, a
 * bound datagram socket by {@code initDatagram}. Closing it closes every listener and connection.
 */
final class Loopback implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<Channel> listeners = new ArrayList<>();

    /** The server side of every accepted connection, in the order they were set up. */
    final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();

    /**
     * A TCP listener served by {@code handler}; when {@code socketBuffer} is positive, accepted
     * sockets get send and receive buffers of that size.
     */
    InetSocketAddress stream(Handler handler, String service, int socketBuffer) {
        ServiceDefinition definition = definition(service, SocketType.STREAM, Protocol.TCP);
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // The core sets up the pipeline later, once the access policies have answered.
                        ch.eventLoop().execute(() -> {
                            ConnectionInfo info = new ConnectionInfo(definition.id(), definition.name(),
                                    definition.protocol(), (InetSocketAddress) ch.localAddress(),
                                    (InetSocketAddress) ch.remoteAddress(), Instant.now());
                            handler.initStream(ch, info, definition);
                            accepted.add(ch);
                        });
                    }
                });
        if (socketBuffer > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, socketBuffer)
                    .childOption(ChannelOption.SO_RCVBUF, socketBuffer)
                    .option(ChannelOption.SO_RCVBUF, socketBuffer);
        }
        Channel listener = bootstrap.bind("127.0.0.1", 0).syncUninterruptibly().channel();
        listeners.add(listener);
        return (InetSocketAddress) listener.localAddress();
    }

    /** A UDP socket served by {@code handler}. */
    InetSocketAddress datagram(Handler handler, String service) {
        ServiceDefinition definition = definition(service, SocketType.DGRAM, Protocol.UDP);
        Channel channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        handler.initDatagram(ch, definition);
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        listeners.add(channel);
        return (InetSocketAddress) channel.localAddress();
    }

    /** Closes the listener or datagram socket bound to {@code address}, as the core does when a service goes. */
    void close(InetSocketAddress address) {
        for (Channel channel : listeners) {
            if (address.equals(channel.localAddress())) {
                channel.close().syncUninterruptibly();
            }
        }
    }

    /** The server side of the next accepted connection, once its handler is in place. */
    Channel nextAccepted() throws InterruptedException {
        Channel channel = accepted.poll(10, TimeUnit.SECONDS);
        if (channel == null) {
            throw new AssertionError("no connection was accepted within 10 s");
        }
        return channel;
    }

    private static ServiceDefinition definition(String service, SocketType type, Protocol protocol) {
        return ServiceDefinition.builder().name(service).socketType(type).protocol(protocol)
                .bindAddress("127.0.0.1").port(0).handler(service).build();
    }

    @Override
    public void close() {
        for (Channel channel : listeners) {
            channel.close().syncUninterruptibly();
        }
        for (Channel channel : accepted) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
