package org.superserver.builtin.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.Handler;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

public class DatagramServicesTest {

    private static final Clock NOV_1_2026 =
            Clock.fixed(Instant.parse("2026-11-01T03:04:05Z"), ZoneOffset.UTC);

    private Loopback loopback;
    private DatagramSocket client;

    @Before
    public void open() throws IOException {
        loopback = new Loopback();
        client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client.setSoTimeout(5_000);
    }

    @After
    public void close() {
        client.close();
        loopback.close();
    }

    @Test
    public void everyBuiltInServesStreamAndDatagram() {
        for (Handler handler : List.of(new EchoHandler(Guards.standard()), new DiscardHandler(Guards.standard()), new ChargenHandler(Guards.standard()),
                new DaytimeHandler(Guards.standard()), new TimeHandler(Guards.standard()))) {
            assertTrue(handler.getClass().getSimpleName(), handler.supports(SocketType.STREAM));
            assertTrue(handler.getClass().getSimpleName(), handler.supports(SocketType.DGRAM));
        }
    }

    @Test
    public void echoSendsEachDatagramBackToItsSender() throws IOException {
        InetSocketAddress server = loopback.datagram(new EchoHandler(Guards.standard()), "echo");
        for (String text : List.of("ping", "a longer datagram\r\n", "x".repeat(1400))) {
            assertEquals(text, new String(exchange(server, text.getBytes(StandardCharsets.US_ASCII)),
                    StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void chargenAnswersOneLinePerDatagramEachStartingOneCharacterLater() throws IOException {
        byte[] sample = InetdSample.chargen();
        InetSocketAddress server = loopback.datagram(new ChargenHandler(Guards.standard()), "chargen");
        for (int n = 0; n < 3; n++) {
            assertArrayEquals("line " + n, InetdSample.line(sample, n), exchange(server, new byte[] {'?'}));
        }
    }

    @Test
    public void chargenLinesWrapAfter95Datagrams() {
        byte[] sample = InetdSample.chargen();
        EmbeddedChannel channel = datagramChannel(new ChargenHandler(Guards.generous()), "chargen");
        for (int n = 0; n < 2 * 95 + 6; n++) {
            channel.writeInbound(request(40000));
            DatagramPacket answer = channel.readOutbound();
            assertEquals(new InetSocketAddress("127.0.0.1", 40000), answer.recipient());
            assertArrayEquals("datagram " + n, InetdSample.line(sample, n),
                    ByteBufUtil.getBytes(answer.content()));
            answer.release();
        }
        channel.finishAndReleaseAll();
    }

    @Test
    public void datagramFromAPrivilegedPortIsNotAnsweredAndDoesNotAdvanceChargen() {
        byte[] sample = InetdSample.chargen();
        for (Handler handler : List.of(new EchoHandler(Guards.standard()), new ChargenHandler(Guards.standard()), new DaytimeHandler(Guards.standard()),
                new TimeHandler(Guards.standard()))) {
            EmbeddedChannel channel = datagramChannel(handler, "test");
            DatagramPacket fromChargenPort = request(19);
            channel.writeInbound(fromChargenPort);
            channel.writeInbound(request(2049));
            channel.writeInbound(request(1023));
            assertNull(handler.getClass().getSimpleName(), channel.readOutbound());
            assertEquals(0, fromChargenPort.refCnt());
            if (handler instanceof ChargenHandler) {
                channel.writeInbound(request(40000));
                DatagramPacket answer = channel.readOutbound();
                assertArrayEquals(InetdSample.line(sample, 0), ByteBufUtil.getBytes(answer.content()));
                answer.release();
            }
            channel.finishAndReleaseAll();
        }
    }

    @Test
    public void chargenDatagramOverTheBudgetIsNotAnsweredAndDoesNotAdvanceThePattern() {
        byte[] sample = InetdSample.chargen();
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        DatagramGuard guard = new DatagramGuard(new BudgetSettings(1, 2, 1 << 16, 1 << 16, 16, 60), nanos::get);
        EmbeddedChannel channel = datagramChannel(new ChargenHandler(guard), "chargen");
        for (int n = 0; n < 5; n++) {
            channel.writeInbound(request(40000));
        }
        for (int n = 0; n < 2; n++) {
            DatagramPacket answer = channel.readOutbound();
            assertArrayEquals("line " + n, InetdSample.line(sample, n), ByteBufUtil.getBytes(answer.content()));
            answer.release();
        }
        assertNull("a burst of 2", channel.readOutbound());
        assertEquals(3, guard.dropped(Refusal.OVER_BUDGET));

        nanos.addAndGet(1_000_000_000L);
        channel.writeInbound(request(40000));
        DatagramPacket answer = channel.readOutbound();
        assertArrayEquals("the line after the last one sent", InetdSample.line(sample, 2),
                ByteBufUtil.getBytes(answer.content()));
        answer.release();
        channel.finishAndReleaseAll();
    }

    @Test
    public void daytimeAnswersEachDatagramWithTheDate() throws IOException {
        InetSocketAddress server = loopback.datagram(new DaytimeHandler(Guards.standard(), NOV_1_2026), "daytime");
        for (int i = 0; i < 2; i++) {
            assertEquals("Sun Nov  1 03:04:05 2026\r\n",
                    new String(exchange(server, new byte[0]), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void timeAnswersEachDatagramWithFourBytes() throws IOException {
        InetSocketAddress server = loopback.datagram(new TimeHandler(Guards.standard(), NOV_1_2026), "time");
        long expected = Rfc868.secondsSince1900(NOV_1_2026.instant());
        byte[] answer = exchange(server, new byte[0]);
        assertEquals(4, answer.length);
        assertEquals(expected, Integer.toUnsignedLong(Unpooled.wrappedBuffer(answer).readInt()));
    }

    private byte[] exchange(InetSocketAddress server, byte[] request) throws IOException {
        client.send(new java.net.DatagramPacket(request, request.length, server));
        java.net.DatagramPacket answer = new java.net.DatagramPacket(new byte[2048], 2048);
        client.receive(answer);
        assertEquals(server, answer.getSocketAddress());
        return Arrays.copyOf(answer.getData(), answer.getLength());
    }

    private static EmbeddedChannel datagramChannel(Handler handler, String service) {
        EmbeddedChannel channel = new EmbeddedChannel();
        handler.initDatagram(channel, ServiceDefinition.builder().name(service).socketType(SocketType.DGRAM)
                .protocol(Protocol.UDP).port(0).handler(service).build());
        return channel;
    }

    private static DatagramPacket request(int senderPort) {
        return new DatagramPacket(Unpooled.copiedBuffer(new byte[] {'?'}),
                new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", senderPort));
    }
}
