package org.superserver.builtin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import org.junit.Test;

/** Expected strings are what glibc's ctime(3) prints for the same instants and zones. */
public class DaytimeTest {

    private static final Instant NOV_1_2026 = Instant.parse("2026-11-01T03:04:05Z");

    @Test
    public void singleDigitDayIsPaddedWithASpaceAsCtimeDoes() {
        assertEquals("Sun Nov  1 03:04:05 2026", Ctime.format(NOV_1_2026.atZone(ZoneOffset.UTC)));
        assertEquals("Mon Jan  5 00:00:00 1970", Ctime.format(ZonedDateTime.parse("1970-01-05T00:00:00Z")));
    }

    @Test
    public void twoDigitDayFillsTheField() {
        assertEquals("Tue Feb 29 23:59:59 2028", Ctime.format(ZonedDateTime.parse("2028-02-29T23:59:59Z")));
        assertEquals("Thu Sep 10 12:00:00 2026", Ctime.format(ZonedDateTime.parse("2026-09-10T12:00:00Z")));
    }

    @Test
    public void formatIgnoresTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("ar-EG-u-nu-arab"));
            assertEquals("Sun Nov  1 03:04:05 2026", Ctime.format(NOV_1_2026.atZone(ZoneOffset.UTC)));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    public void timeIsShownInTheClocksZone() {
        Clock newYork = Clock.fixed(NOV_1_2026, ZoneId.of("America/New_York"));
        assertEquals("Sat Oct 31 23:04:05 2026\r\n", line(new DaytimeText(newYork)));
    }

    @Test
    public void streamSendsOneLineThenCloses() {
        EmbeddedChannel channel = new EmbeddedChannel();
        new DaytimeHandler(Guards.standard(), Clock.fixed(NOV_1_2026, ZoneOffset.UTC)).initStream(channel, null, null);
        ByteBuf answer = channel.readOutbound();
        assertEquals("Sun Nov  1 03:04:05 2026\r\n", answer.toString(StandardCharsets.US_ASCII));
        answer.release();
        assertNull(channel.readOutbound());
        assertFalse(channel.isOpen());
    }

    @Test
    public void handlerInPlaceBeforeTheConnectionIsActiveAnswersOnce() {
        EmbeddedChannel channel = new EmbeddedChannel(
                new AnswerOnceStreamHandler(new DaytimeText(Clock.fixed(NOV_1_2026, ZoneOffset.UTC))::now));
        ByteBuf answer = channel.readOutbound();
        assertEquals("Sun Nov  1 03:04:05 2026\r\n", answer.toString(StandardCharsets.US_ASCII));
        answer.release();
        assertNull(channel.readOutbound());
        assertFalse(channel.isOpen());
    }

    @Test
    public void immediateAnswerIsTheLineThePipelineSends() {
        ByteBuf answer = new DaytimeHandler(Guards.standard(), Clock.fixed(NOV_1_2026, ZoneOffset.UTC))
                .answer(UnpooledByteBufAllocator.DEFAULT, null);
        assertEquals("Sun Nov  1 03:04:05 2026\r\n", answer.toString(StandardCharsets.US_ASCII));
        answer.release();
    }

    @Test
    public void eachAnswerIsForItsOwnSecond() {
        Instant[] now = {NOV_1_2026.plusMillis(100)};
        Clock ticking = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        DaytimeText text = new DaytimeText(ticking);
        assertEquals("Sun Nov  1 03:04:05 2026\r\n", line(text));
        now[0] = NOV_1_2026.plusMillis(999);
        assertEquals("Sun Nov  1 03:04:05 2026\r\n", line(text));
        now[0] = NOV_1_2026.plusSeconds(1);
        assertEquals("Sun Nov  1 03:04:06 2026\r\n", line(text));
        now[0] = NOV_1_2026.plusSeconds(86_400 * 30);
        assertEquals("Tue Dec  1 03:04:05 2026\r\n", line(text));
        now[0] = NOV_1_2026.minusSeconds(86_400 * 365);
        assertEquals("Sat Nov  1 03:04:05 2025\r\n", line(text));
    }

    @Test
    public void formatAgreesWithAPrintfOfTheSameFieldsOverManyInstants() {
        java.util.Random random = new java.util.Random(867);
        ZoneId[] zones = {ZoneOffset.UTC, ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"),
            ZoneId.of("Australia/Lord_Howe")};
        for (int i = 0; i < 20_000; i++) {
            ZonedDateTime time = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE) * 2L)
                    .atZone(zones[i % zones.length]);
            String printf = String.format(Locale.ROOT, "%s %s %2d %02d:%02d:%02d %d",
                    time.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT),
                    time.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT),
                    time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond(), time.getYear());
            assertEquals(printf, Ctime.format(time));
        }
    }

    /** The answer {@code text} gives now, as text. */
    private static String line(DaytimeText text) {
        ByteBuf answer = text.now(UnpooledByteBufAllocator.DEFAULT);
        try {
            return answer.toString(StandardCharsets.US_ASCII);
        } finally {
            answer.release();
        }
    }
}
