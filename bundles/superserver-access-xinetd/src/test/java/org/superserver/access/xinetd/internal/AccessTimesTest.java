package org.superserver.access.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.LocalTime;
import java.util.List;
import org.junit.Test;

public class AccessTimesTest {

    private static LocalTime at(String hhmmss) {
        return LocalTime.parse(hhmmss);
    }

    @Test
    public void anIntervalAdmitsItsBoundsToTheMinute() {
        AccessTimes t = AccessTimes.parse(List.of("08:00-17:00"));
        assertTrue(t.problems.isEmpty());
        assertFalse(t.admits(at("07:59:59")));
        assertTrue(t.admits(at("08:00:00")));
        assertTrue(t.admits(at("12:00:00")));
        assertTrue(t.admits(at("17:00:59")));
        assertFalse(t.admits(at("17:01:00")));
    }

    @Test
    public void severalIntervalsAndShortForms() {
        AccessTimes t = AccessTimes.parse(List.of("2:30-4:15", "12:00-13:00"));
        assertTrue(t.problems.isEmpty());
        assertTrue(t.admits(at("03:00:00")));
        assertTrue(t.admits(at("12:30:00")));
        assertFalse(t.admits(at("05:00:00")));
    }

    @Test
    public void anIntervalEndingBeforeItStartsCrossesMidnight() {
        AccessTimes t = AccessTimes.parse(List.of("22:00-06:00"));
        assertTrue(t.problems.isEmpty());
        assertTrue(t.admits(at("23:30:00")));
        assertTrue(t.admits(at("00:00:00")));
        assertTrue(t.admits(at("06:00:30")));
        assertFalse(t.admits(at("06:01:00")));
        assertFalse(t.admits(at("21:59:59")));
    }

    @Test
    public void badIntervalsAreReportedAndAdmitNobody() {
        AccessTimes t = AccessTimes.parse(List.of("24:00-25:00", "10:60-11:00", "10:00-10:00", "10-12", "x"));
        assertEquals(5, t.problems.size());
        assertFalse(t.admits(at("10:00:00")));
        assertFalse(t.admits(at("11:00:00")));
    }
}
