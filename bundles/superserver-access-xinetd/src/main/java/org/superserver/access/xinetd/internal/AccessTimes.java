package org.superserver.access.xinetd.internal;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code access_times}: the intervals {@code hh:mm-hh:mm} of local time in which a service is
 * available, both bounds included to the minute (xinetd compares hour * 60 + minute, so
 * {@code 08:00-17:00} admits 17:00:59). An interval whose end is before its start crosses midnight
 * ({@code 22:00-06:00} is 22:00 to 06:00 the next morning): xinetd 2.3.15 rejects such an interval
 * and disables the service, its man page gives no such rule; this follows the man page. An interval
 * with the same start and end, or that is not {@code hh:mm-hh:mm} with hours 0-23 and minutes
 * 0-59, is reported and left out; a list with no good interval admits nobody.
 */
final class AccessTimes {

    private static final Pattern INTERVAL = Pattern.compile("(\\d{1,2}):(\\d{1,2})-(\\d{1,2}):(\\d{1,2})");

    /** Start and end minute of the day of every interval. */
    private final int[] starts;
    private final int[] ends;
    final List<String> problems;

    private AccessTimes(int[] starts, int[] ends, List<String> problems) {
        this.starts = starts;
        this.ends = ends;
        this.problems = List.copyOf(problems);
    }

    static AccessTimes parse(List<String> intervals) {
        List<int[]> good = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String text : intervals) {
            Matcher m = INTERVAL.matcher(text);
            if (!m.matches()) {
                problems.add(text + ": an interval is written hh:mm-hh:mm; left out");
                continue;
            }
            int h1 = Integer.parseInt(m.group(1));
            int m1 = Integer.parseInt(m.group(2));
            int h2 = Integer.parseInt(m.group(3));
            int m2 = Integer.parseInt(m.group(4));
            if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) {
                problems.add(text + ": hours run from 0 to 23, minutes from 0 to 59; left out");
                continue;
            }
            int start = h1 * 60 + m1;
            int end = h2 * 60 + m2;
            if (start == end) {
                problems.add(text + ": the interval starts where it ends; left out");
                continue;
            }
            good.add(new int[] {start, end});
        }
        int[] s = new int[good.size()];
        int[] e = new int[good.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = good.get(i)[0];
            e[i] = good.get(i)[1];
        }
        return new AccessTimes(s, e, problems);
    }

    /** Whether the service is available at this local time. */
    boolean admits(LocalTime time) {
        int minute = time.getHour() * 60 + time.getMinute();
        for (int i = 0; i < starts.length; i++) {
            boolean in = starts[i] <= ends[i]
                    ? minute >= starts[i] && minute <= ends[i]
                    : minute >= starts[i] || minute <= ends[i];
            if (in) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < starts.length; i++) {
            b.append(i == 0 ? "" : " ").append(String.format("%02d:%02d-%02d:%02d",
                    starts[i] / 60, starts[i] % 60, ends[i] / 60, ends[i] % 60));
        }
        return b.toString();
    }
}
