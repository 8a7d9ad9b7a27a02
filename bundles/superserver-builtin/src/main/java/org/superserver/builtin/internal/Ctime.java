package org.superserver.builtin.internal;

import java.time.ZonedDateTime;

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
        StringBuilder line = new StringBuilder(24)
                .append(DAYS[time.getDayOfWeek().getValue() - 1]).append(' ')
                .append(MONTHS[time.getMonthValue() - 1]).append(' ');
        int day = time.getDayOfMonth();
        line.append(day < 10 ? ' ' : (char) ('0' + day / 10)).append((char) ('0' + day % 10)).append(' ');
        twoDigits(line, time.getHour()).append(':');
        twoDigits(line, time.getMinute()).append(':');
        twoDigits(line, time.getSecond()).append(' ');
        return line.append(time.getYear()).toString();
    }

    private static StringBuilder twoDigits(StringBuilder line, int value) {
        return line.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
