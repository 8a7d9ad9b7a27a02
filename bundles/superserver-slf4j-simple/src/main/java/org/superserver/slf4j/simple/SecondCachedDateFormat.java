package org.superserver.slf4j.simple;

import java.text.DateFormat;
import java.text.FieldPosition;
import java.text.ParsePosition;
import java.util.Date;

/**
 * A {@link DateFormat} that gives the same text as the one it wraps, formatting dates with it
 * only when the second changes: the text around the three millisecond digits is kept for the
 * second it belongs to, and the digits are written into it. slf4j-simple formats the time of
 * every line with a {@code SimpleDateFormat}, whose calendar arithmetic and look-ups of locale
 * data cost more than the rest of the line; a server that logs every connection writes several
 * lines a second.
 *
 * <p>Only a pattern whose text differs between instants of one second in exactly the three digits
 * of the milliseconds ({@code SSS} once, or a wider {@code S} field whose other digits are zeros)
 * is cached; {@link #of} returns any other format as it is. Where the digits are is found again
 * for every second, since fields such as the day of the month change width. Like the format it
 * wraps, an instance is not safe for concurrent use (slf4j-simple formats under a lock on it).
 */
final class SecondCachedDateFormat extends DateFormat {

    private static final long serialVersionUID = 1L;

    /** The text of one second, cut around its milliseconds; no head when it cannot be cut. */
    private record Second(long epochSecond, String head, String tail) {
    }

    private final DateFormat original;
    private transient Second cached;

    private SecondCachedDateFormat(DateFormat original) {
        this.original = original;
        this.calendar = original.getCalendar();
        this.numberFormat = original.getNumberFormat();
    }

    /**
     * {@code original} made to format once per second, or {@code original} itself when its text
     * does not have the milliseconds as three digits in one place.
     */
    static DateFormat of(DateFormat original) {
        if (original instanceof SecondCachedDateFormat) {
            return original;
        }
        long second = Math.floorDiv(System.currentTimeMillis(), 1000L) * 1000L;
        return millisPosition(original, second) < 0 ? original
                : new SecondCachedDateFormat((DateFormat) original.clone());
    }

    /**
     * Where the three millisecond digits are in {@code format}'s text of the second that starts at
     * {@code second} (milliseconds since the epoch), or -1 when they are not three digits in one place.
     */
    static int millisPosition(DateFormat format, long second) {
        String zero = format.format(new Date(second));
        String probe = format.format(new Date(second + 987));
        if (zero.length() != probe.length()) {
            return -1;
        }
        int first = -1;
        int last = -1;
        for (int i = 0; i < zero.length(); i++) {
            if (zero.charAt(i) != probe.charAt(i)) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        if (first < 0 || last - first != 2 || !zero.startsWith("000", first) || !probe.startsWith("987", first)) {
            return -1;
        }
        // the same place for two more instants, one with digits unlike the first probe's in every position
        for (String digits : new String[] {"123", "005"}) {
            String other = format.format(new Date(second + Integer.parseInt(digits)));
            if (other.length() != zero.length() || !other.startsWith(digits, first)
                    || !other.regionMatches(0, zero, 0, first)
                    || !other.regionMatches(first + 3, zero, first + 3, zero.length() - first - 3)) {
                return -1;
            }
        }
        return first;
    }

    @Override
    public StringBuffer format(Date date, StringBuffer toAppendTo, FieldPosition fieldPosition) {
        long millis = date.getTime();
        long epochSecond = Math.floorDiv(millis, 1000L);
        Second second = cached;
        if (second == null || second.epochSecond != epochSecond) {
            int at = millisPosition(original, epochSecond * 1000L);
            String text = original.format(new Date(epochSecond * 1000L));
            second = at < 0 ? new Second(epochSecond, null, null)
                    : new Second(epochSecond, text.substring(0, at), text.substring(at + 3));
            cached = second;
        }
        if (second.head == null) {
            return original.format(date, toAppendTo, fieldPosition);
        }
        int milli = (int) Math.floorMod(millis, 1000L);
        return toAppendTo.append(second.head).append((char) ('0' + milli / 100))
                .append((char) ('0' + milli / 10 % 10)).append((char) ('0' + milli % 10)).append(second.tail);
    }

    @Override
    public Date parse(String source, ParsePosition pos) {
        return original.parse(source, pos);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SecondCachedDateFormat that && that.original.equals(original);
    }

    @Override
    public int hashCode() {
        return original.hashCode();
    }
}
