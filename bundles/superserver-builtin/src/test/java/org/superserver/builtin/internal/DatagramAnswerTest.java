package org.superserver.builtin.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.Test;
import org.superserver.api.DatagramAnswer;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;

/**
 * Echo, daytime and time answer a datagram handed to them by the core's thread ({@link
 * DatagramAnswer}) with the bytes their pipeline sends, under the same guard: no answer to a
 * refused source or beyond the budget, each drop counted.
 */
public class DatagramAnswerTest {

    private static final Clock NOV_1_2026 = Clock.fixed(Instant.parse("2026-11-01T03:04:05Z"), ZoneOffset.UTC);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 10007);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    /** The answer, or {@code null} when none is sent. */
    private static byte[] answer(DatagramAnswer handler, byte[] request, InetSocketAddress sender) {
        ByteBuffer reply = ByteBuffer.allocateDirect(DatagramAnswer.MAX_DATAGRAM);
        if (!handler.answer(ByteBuffer.wrap(request), sender, LOCAL, reply)) {
            assertEquals("a declined answer writes nothing", 0, reply.position());
            return null;
        }
        byte[] bytes = new byte[reply.flip().remaining()];
        reply.get(bytes);
        return bytes;
    }

    /** What the handler's pipeline sends back to a datagram from {@link #CLIENT}. */
    private static byte[] piped(Handler handler, byte[] request) {
        BoundChannel channel = new BoundChannel(LOCAL);
        handler.initDatagram(channel, ServiceDefinition.builder().id("x").name("x")
                .socketType(org.superserver.api.SocketType.DGRAM).protocol(org.superserver.api.Protocol.UDP)
                .bindAddress("127.0.0.1").port(LOCAL.getPort()).handler("x").origin("test").build());
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(request), LOCAL, CLIENT));
        DatagramPacket sent = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(sent.content());
        } finally {
            sent.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    public void echoAnswersWithTheDatagramAsItsPipelineDoes() {
        EchoHandler echo = new EchoHandler(Guards.standard());
        byte[] request = "hello, echo\r\n".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(request, answer(echo, request, CLIENT));
        assertArrayEquals(piped(new EchoHandler(Guards.standard()), request), answer(echo, request, CLIENT));
        byte[] longest = new byte[DatagramAnswer.MAX_DATAGRAM];
        Arrays.fill(longest, (byte) 'x');
        assertArrayEquals(longest, answer(echo, longest, CLIENT));
    }

    @Test
    public void daytimeAndTimeAnswerAsTheirPipelinesDo() {
        byte[] daytime = answer(new DaytimeHandler(Guards.standard(), NOV_1_2026), new byte[0], CLIENT);
        assertEquals("Sun Nov  1 03:04:05 2026\r\n", new String(daytime, StandardCharsets.US_ASCII));
        assertArrayEquals(piped(new DaytimeHandler(Guards.standard(), NOV_1_2026), new byte[0]), daytime);

        byte[] time = answer(new TimeHandler(Guards.standard(), NOV_1_2026), new byte[] {1, 2}, CLIENT);
        assertEquals(Rfc868.secondsSince1900(NOV_1_2026.instant()),
                Integer.toUnsignedLong(Unpooled.wrappedBuffer(time).readInt()));
        assertArrayEquals(piped(new TimeHandler(Guards.standard(), NOV_1_2026), new byte[] {1, 2}), time);
    }

    @Test
    public void aRefusedSourceGetsNoAnswerAndTheDropIsCounted() {
        DatagramGuard guard = Guards.standard();
        EchoHandler echo = new EchoHandler(guard);
        DaytimeHandler daytime = new DaytimeHandler(guard, NOV_1_2026);
        assertFalse(echo.answer(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress("127.0.0.1", 19), LOCAL,
                ByteBuffer.allocate(DatagramAnswer.MAX_DATAGRAM)));
        assertFalse(daytime.answer(ByteBuffer.wrap(new byte[0]), new InetSocketAddress("127.0.0.1", 53), LOCAL,
                ByteBuffer.allocate(DatagramAnswer.MAX_DATAGRAM)));
        assertEquals(1, guard.dropped(Refusal.BUILTIN_PORT));
        assertEquals(1, guard.dropped(Refusal.PRIVILEGED_PORT));
        assertEquals(0, guard.replies());
    }

    @Test
    public void noAnswerBeyondTheSendersBudget() {
        // two replies at once, and no more until a second has passed on a clock that stands still
        DatagramGuard guard = new DatagramGuard(new BudgetSettings(1, 2, 1 << 20, 1 << 20, 16, 60), () -> 0L);
        EchoHandler echo = new EchoHandler(guard);
        assertTrue(answer(echo, new byte[] {1}, CLIENT) != null);
        assertTrue(answer(echo, new byte[] {2}, CLIENT) != null);
        assertEquals(null, answer(echo, new byte[] {3}, CLIENT));
        assertEquals(1, guard.dropped(Refusal.OVER_BUDGET));
        assertEquals(2, guard.replies());
        assertEquals(2, guard.requestBytes());
    }
}
