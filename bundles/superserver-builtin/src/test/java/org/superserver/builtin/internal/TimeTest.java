package org.superserver.builtin.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.Test;

public class TimeTest {

    @Test
    public void countStartsAt1900() {
        assertEquals(0L, Rfc868.secondsSince1900(Instant.parse("1900-01-01T00:00:00Z")));
        assertEquals(2_208_988_800L, Rfc868.secondsSince1900(Instant.EPOCH));
        assertEquals(2_208_988_800L + 1_000_000_000L,
                Rfc868.secondsSince1900(Instant.ofEpochSecond(1_000_000_000L)));
    }

    @Test
    public void matchesWhatInetdSent() {
        // openbsd-inetd answered 0xEEB6FAB6 at 2026-11-29T19:25:42Z (Unix time 1795980342).
        assertEquals(0xEEB6FAB6L, Rfc868.secondsSince1900(Instant.ofEpochSecond(1_795_980_342L)));
    }

    @Test
    public void countWrapsTo0In2036() {
        assertEquals(0xFFFF_FFFFL, Rfc868.secondsSince1900(Instant.parse("2036-02-07T06:28:15Z")));
        assertEquals(0L, Rfc868.secondsSince1900(Instant.parse("2036-02-07T06:28:16Z")));
        assertEquals(1L, Rfc868.secondsSince1900(Instant.parse("2036-02-07T06:28:17Z")));
    }

    @Test
    public void streamSendsFourBigEndianBytesThenCloses() throws IOException {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_795_980_342L), ZoneOffset.UTC);
        try (Loopback loopback = new Loopback()) {
            InetSocketAddress address = loopback.stream(new TimeHandler(Guards.standard(), clock), "time", 0);
            try (Socket client = new Socket(address.getAddress(), address.getPort())) {
                client.setSoTimeout(10_000);
                assertArrayEquals(new byte[] {(byte) 0xEE, (byte) 0xB6, (byte) 0xFA, (byte) 0xB6},
                        client.getInputStream().readAllBytes());
            }
        }
    }

    @Test
    public void immediateAnswerIsTheFourBytesThePipelineSends() {
        ByteBuf answer = new TimeHandler(Guards.standard(), Clock.fixed(Instant.ofEpochSecond(1_795_980_342L), ZoneOffset.UTC))
                .answer(UnpooledByteBufAllocator.DEFAULT, null);
        assertEquals(4, answer.readableBytes());
        assertEquals(0xEEB6FAB6L, answer.readUnsignedInt());
        answer.release();
    }
}
