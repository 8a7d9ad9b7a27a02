package org.superserver.slf4j.simple;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.text.DateFormat;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Random;
import java.util.TimeZone;
import org.junit.Test;

public class SecondCachedDateFormatTest {

    /** The distribution's pattern (etc/system.properties). */
    private static final String DISTRIBUTION = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

    private static SimpleDateFormat format(String pattern, String zone) {
        SimpleDateFormat format = new SimpleDateFormat(pattern);
        format.setTimeZone(TimeZone.getTimeZone(zone));
        return format;
    }

    private static void assertSameText(String pattern, String zone, long from, long span, int count) {
        SimpleDateFormat original = format(pattern, zone);
        DateFormat cached = SecondCachedDateFormat.of(format(pattern, zone));
        assertTrue(pattern + " is cached", cached instanceof SecondCachedDateFormat);
        Random random = new Random(from ^ span);
        long at = from;
        for (int i = 0; i < count; i++) {
            // mostly a few milliseconds on, sometimes across seconds, days or a change of offset
            at += random.nextInt(4) == 0 ? random.nextLong(span) : random.nextInt(5);
            Date date = new Date(at);
            assertEquals(pattern + " " + zone + " at " + at, original.format(date), cached.format(date));
        }
    }

    @Test
    public void theDistributionsPatternGivesTheOriginalsTextInEveryZone() {
        long now = System.currentTimeMillis();
        assertSameText(DISTRIBUTION, "UTC", now, 3_000, 20_000);
        assertSameText(DISTRIBUTION, "Europe/Berlin", now - 400L * 86_400_000L, 86_400_000L, 20_000);
        assertSameText(DISTRIBUTION, "Asia/Kolkata", now, 10_000_000L, 5_000);
        assertSameText(DISTRIBUTION, "America/St_Johns", 0, 40L * 86_400_000L, 5_000);
    }

    @Test
    public void aChangeOfOffsetWithinAMinuteIsFormattedAsTheOriginalDoes() {
        // Europe/Berlin leaves summer time at 2026-10-25T01:00:00Z: the local 02:59:59.999 comes twice
        long change = 1_792_890_000_000L;
        assertSameText(DISTRIBUTION, "Europe/Berlin", change - 2_500, 1_000, 5_000);
        assertEquals("2026-10-25T02:59:59.999+02:00",
                SecondCachedDateFormat.of(format(DISTRIBUTION, "Europe/Berlin")).format(new Date(change - 1)));
        assertEquals("2026-10-25T02:00:00.000+01:00",
                SecondCachedDateFormat.of(format(DISTRIBUTION, "Europe/Berlin")).format(new Date(change)));
    }

    @Test
    public void instantsBeforeTheEpochKeepTheirMilliseconds() {
        assertSameText(DISTRIBUTION, "UTC", -5_000_000L, 100_000L, 5_000);
    }

    @Test
    public void otherPatternsWithMillisecondsAreCachedToo() {
        long now = System.currentTimeMillis();
        assertSameText("HH:mm:ss,SSS", "UTC", now, 5_000, 5_000);
        assertSameText("SSS yyyyMMddHHmmss Z", "Europe/Paris", now, 100_000_000L, 5_000);
        assertSameText("EEE, d MMM yyyy HH:mm:ss.SSS zzz", "America/New_York", now, 100_000_000L, 5_000);
        // wider than three digits: the others are zeros
        assertSameText("ss.SSSS", "UTC", now, 5_000, 5_000);
        // a field whose width changes from day to day (d, EEEE) moves the digits
        assertSameText("EEEE d MMMM HH:mm:ss.SSS", "UTC", now, 3L * 86_400_000L, 10_000);
    }

    @Test
    public void aPatternWithoutThreeMillisecondDigitsInOnePlaceIsLeftAsItIs() {
        for (String pattern : new String[] {"yyyy-MM-dd HH:mm:ss", "ss.S", "ss.SS", "SSS.SSS", "HH:mm"}) {
            SimpleDateFormat original = format(pattern, "UTC");
            assertSame(pattern, original, SecondCachedDateFormat.of(original));
        }
    }
}
