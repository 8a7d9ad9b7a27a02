package org.superserver.api;

import java.util.Objects;

/**
 * Where a service's connection log lines go besides the server's own log (SLF4J): xinetd's
 * {@code log_type}. {@link #DEFAULT} adds nothing; {@link #file} appends to a file with xinetd's
 * soft and hard size limits; {@link #syslog} sends to the local syslog socket.
 */
public final class LogTarget {

    /** Where a target writes. */
    public enum Kind {
        /** Only the server's own log. */
        DEFAULT,
        /** A file, besides the server's own log. */
        FILE,
        /** The local syslog socket ({@code /dev/log}), besides the server's own log. */
        SYSLOG
    }

    /** Only the server's own log. */
    public static final LogTarget DEFAULT = new LogTarget(Kind.DEFAULT, null, 0, 0, null, null);

    private final Kind kind;
    private final String path;
    private final long softLimit;
    private final long hardLimit;
    private final String facility;
    private final String level;

    private LogTarget(Kind kind, String path, long softLimit, long hardLimit, String facility, String level) {
        this.kind = kind;
        this.path = path;
        this.softLimit = softLimit;
        this.hardLimit = hardLimit;
        this.facility = facility;
        this.level = level;
    }

    /**
     * xinetd's {@code log_type = FILE path [soft [hard]]}.
     *
     * @param softLimit bytes after which one warning is logged, 0 for none
     * @param hardLimit bytes after which nothing more is written, 0 for none
     */
    public static LogTarget file(String path, long softLimit, long hardLimit) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("log file '" + path + "' is not an absolute path");
        }
        if (softLimit < 0 || hardLimit < 0) {
            throw new IllegalArgumentException("log file size limits must not be negative");
        }
        if (softLimit > 0 && hardLimit > 0 && hardLimit < softLimit) {
            throw new IllegalArgumentException("log file hard limit " + hardLimit + " is below the soft limit "
                    + softLimit);
        }
        return new LogTarget(Kind.FILE, path, softLimit, hardLimit, null, null);
    }

    /**
     * xinetd's {@code log_type = SYSLOG facility [level]}.
     *
     * @param facility a syslog facility name ({@code daemon}, {@code auth}, {@code local0}, ...)
     * @param level a syslog level name ({@code info}, {@code notice}, ...)
     */
    public static LogTarget syslog(String facility, String level) {
        return new LogTarget(Kind.SYSLOG, null, 0, 0, Objects.requireNonNull(facility, "facility"),
                Objects.requireNonNull(level, "level"));
    }

    public Kind kind() {
        return kind;
    }

    /** The file of a {@link Kind#FILE} target, else {@code null}. */
    public String path() {
        return path;
    }

    /** Size in bytes after which one warning is logged; 0 for none. */
    public long softLimit() {
        return softLimit;
    }

    /** Size in bytes after which nothing more is written; 0 for none. */
    public long hardLimit() {
        return hardLimit;
    }

    /** The syslog facility of a {@link Kind#SYSLOG} target, else {@code null}. */
    public String facility() {
        return facility;
    }

    /** The syslog level of a {@link Kind#SYSLOG} target, else {@code null}. */
    public String level() {
        return level;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LogTarget)) {
            return false;
        }
        LogTarget t = (LogTarget) o;
        return kind == t.kind && softLimit == t.softLimit && hardLimit == t.hardLimit
                && Objects.equals(path, t.path) && Objects.equals(facility, t.facility)
                && Objects.equals(level, t.level);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, path, softLimit, hardLimit, facility, level);
    }

    /** As xinetd writes it: {@code FILE /var/log/x 10000 20000}, {@code SYSLOG daemon info}, {@code DEFAULT}. */
    @Override
    public String toString() {
        switch (kind) {
            case FILE:
                return "FILE " + path + (softLimit > 0 || hardLimit > 0 ? " " + softLimit : "")
                        + (hardLimit > 0 ? " " + hardLimit : "");
            case SYSLOG:
                return "SYSLOG " + facility + " " + level;
            default:
                return "DEFAULT";
        }
    }
}
