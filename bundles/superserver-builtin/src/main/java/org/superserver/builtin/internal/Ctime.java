package org.superserver.builtin.internal;

import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * The date as ctime(3) writes it, without its newline: {@code "Sun Nov  1 03:04:05 2026"}. English
 * names and ASCII digits whatever the locale, the day of month padded with a space, the time in
 * the zone given.
 */
final class Ctime {

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private Ctime() {
    }

    static String format(ZonedDateTime time) {
        return String.format(Locale.ROOT, "%s %s %2d %02d:%02d:%02d %d",
                DAYS[time.getDayOfWeek().getValue() - 1], MONTHS[time.getMonthValue() - 1],
                time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond(), time.getYear());
    }
}
