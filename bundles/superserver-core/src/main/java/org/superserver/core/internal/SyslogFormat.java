package org.superserver.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.superserver.api.LogTarget;

/**
 * RFC 3164 messages for the local syslog socket, as glibc's syslog(3) writes them to {@code
 * /dev/log}: {@code <PRI>Mmm dd hh:mm:ss TAG[PID]: MSG}, with no host name (the local daemon adds
 * its own; RFC 3164 §4.1 lets a relay, here the local daemon, supply it).
 */
final class SyslogFormat {

    static final Map<String, Integer> FACILITIES = Map.ofEntries(
            Map.entry("kern", 0), Map.entry("user", 1), Map.entry("mail", 2), Map.entry("daemon", 3),
            Map.entry("auth", 4), Map.entry("syslog", 5), Map.entry("lpr", 6), Map.entry("news", 7),
            Map.entry("uucp", 8), Map.entry("cron", 9), Map.entry("authpriv", 10), Map.entry("ftp", 11),
            Map.entry("local0", 16), Map.entry("local1", 17), Map.entry("local2", 18), Map.entry("local3", 19),
            Map.entry("local4", 20), Map.entry("local5", 21), Map.entry("local6", 22), Map.entry("local7", 23));

    static final Map<String, Integer> LEVELS = Map.of("emerg", 0, "alert", 1, "crit", 2, "err", 3, "warning", 4,
            "notice", 5, "info", 6, "debug", 7);

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    /** The syslog tag of every message. */
    static final String TAG = "superserver";

    /** Longest message sent; longer lines are cut (RFC 3164 asks for 1024 bytes at most). */
    static final int MAX_BYTES = 1024;

    private SyslogFormat() {
    }

    /** {@code facility * 8 + level}; unknown names count as {@code daemon} and {@code info}. */
    static int priority(LogTarget target) {
        int facility = FACILITIES.getOrDefault(lower(target.facility()), 3);
        int level = LEVELS.getOrDefault(lower(target.level()), 6);
        return facility * 8 + level;
    }

    static byte[] message(LogTarget target, ZonedDateTime now, long pid, String line) {
        String text = "<" + priority(target) + ">" + STAMP.format(now) + " " + TAG + "[" + pid + "]: " + line;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_BYTES ? bytes : java.util.Arrays.copyOf(bytes, MAX_BYTES);
    }

    static byte[] message(LogTarget target, String line) {
        return message(target, ZonedDateTime.now(ZoneId.systemDefault()), ProcessHandle.current().pid(), line);
    }

    private static String lower(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT);
    }
}
