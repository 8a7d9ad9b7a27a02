package org.superserver.examples.qotd;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.After;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * The handler over real sockets on 127.0.0.1, set up the way the core sets it up: an accepted
 * connection through {@code initStream}, a bound datagram socket through {@code initDatagram}.
 */
public class QotdOverSocketsTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Path dir;

    @After
    public void stop() throws Exception {
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static ServiceDefinition definition(SocketType type, Protocol protocol) {
        return ServiceDefinition.builder().id("test-qotd").name("qotd").socketType(type).protocol(protocol)
                .bindAddress("127.0.0.1").port(0).wait(type == SocketType.DGRAM).handler(QotdHandler.NAME)
                .origin("test").build();
    }

    private InetSocketAddress stream(QotdHandler handler) {
        ServiceDefinition definition = definition(SocketType.STREAM, Protocol.TCP);
        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.eventLoop().execute(() -> handler.initStream(ch, new ConnectionInfo(definition.id(),
                                definition.name(), definition.protocol(), (InetSocketAddress) ch.localAddress(),
                                (InetSocketAddress) ch.remoteAddress(), Instant.now()), definition));
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    private InetSocketAddress datagram(QotdHandler handler) {
        ServiceDefinition definition = definition(SocketType.DGRAM, Protocol.UDP);
        Channel socket = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        handler.initDatagram(ch, definition);
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return (InetSocketAddress) socket.localAddress();
    }

    private static String readQuote(InetSocketAddress address) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5000);
            socket.setSoTimeout(5000);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(all);  // until the server closes
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private static String askOverUdp(InetSocketAddress address) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(5000);
            socket.send(new DatagramPacket(new byte[0], 0, address));
            DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
            socket.receive(reply);
            return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
        }
    }

    private QotdHandler handlerWithFile(String content, Map<String, String> more) throws Exception {
        dir = Files.createTempDirectory("qotd-test");
        Path file = dir.resolve("quotes");
        Files.writeString(file, content);
        Map<String, String> values = new HashMap<>(more);
        values.put("quotes_file", file.toString());
        return new QotdHandler(Configs.qotd(values), Map.of());
    }

    @Test
    public void aTcpClientGetsOneQuoteThenTheServerCloses() throws Exception {
        QotdHandler handler = handlerWithFile("Only this one.\n", Map.of());
        assertEquals("Only this one.\r\n", readQuote(stream(handler)));
    }

    @Test
    public void eachDatagramIsAnsweredWithOneQuote() throws Exception {
        QotdHandler handler = handlerWithFile("Over UDP.\n", Map.of());
        InetSocketAddress udp = datagram(handler);
        assertEquals("Over UDP.\r\n", askOverUdp(udp));
        assertEquals("Over UDP.\r\n", askOverUdp(udp));
    }

    @Test
    public void theImmediateAnswerIsAQuoteToo() throws Exception {
        QotdHandler handler = handlerWithFile("Straight from the accepting thread.\n", Map.of());
        var answer = handler.answer(io.netty.buffer.ByteBufAllocator.DEFAULT, null);
        try {
            assertEquals("Straight from the accepting thread.\r\n", answer.toString(StandardCharsets.UTF_8));
        } finally {
            answer.release();
        }
    }

    @Test
    public void withoutAFileTheBuiltInQuotesAreServed() throws Exception {
        QotdHandler handler = new QotdHandler(Configs.qotd(Map.of()), Map.of());
        String quote = readQuote(stream(handler));
        boolean builtIn = false;
        for (int i = 0; i < handler.quotes().size(); i++) {
            builtIn |= quote.equals(new String(handler.quotes().get(i), StandardCharsets.UTF_8));
        }
        assertTrue("'" + quote + "' is one of the built-in quotes", builtIn);
    }

    @Test
    public void aConfigurationWhoseFileHoldsNoUsableQuoteKeepsTheQuotesInForce() throws Exception {
        QotdHandler handler = handlerWithFile("Keep me.\n", Map.of());
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "%\n");
        handler.modified(Configs.qotd(Map.of("quotes_file", empty.toString())), Map.of());
        assertEquals("Keep me.\r\n", readQuote(stream(handler)));
        handler.modified(Configs.qotd(Map.of("quotes_file", dir.resolve("missing").toString())), Map.of());
        assertEquals("Keep me.\r\n", readQuote(stream(handler)));
    }
}
