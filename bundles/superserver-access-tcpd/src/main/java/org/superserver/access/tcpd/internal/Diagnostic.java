package org.superserver.access.tcpd.internal;

import java.util.Objects;

/**
 * One problem found in a hosts.allow or hosts.deny file (or a {@code /file} of patterns it names):
 * where (file and line), what is wrong and what would be right. An {@link Severity#ERROR} means the
 * rule is skipped, or, for a bad option, that the rule denies when it matches (as tcpd does); a
 * {@link Severity#WARNING} means the rule applies with the meaning the message states.
 */
final class Diagnostic {

    enum Severity {
        ERROR,
        WARNING
    }

    private final Severity severity;
    private final String file;
    private final int line;
    private final String message;

    Diagnostic(Severity severity, String file, int line, String message) {
        this.severity = Objects.requireNonNull(severity);
        this.file = Objects.requireNonNull(file);
        this.line = line;
        this.message = Objects.requireNonNull(message);
    }

    static Diagnostic error(String file, int line, String message) {
        return new Diagnostic(Severity.ERROR, file, line, message);
    }

    static Diagnostic warning(String file, int line, String message) {
        return new Diagnostic(Severity.WARNING, file, line, message);
    }

    Severity severity() {
        return severity;
    }

    boolean isError() {
        return severity == Severity.ERROR;
    }

    String file() {
        return file;
    }

    /** The 1-based line number; 0 when the problem concerns the whole file. */
    int line() {
        return line;
    }

    String message() {
        return message;
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (isError() ? "error" : "warning") + ": " + message;
    }
}
