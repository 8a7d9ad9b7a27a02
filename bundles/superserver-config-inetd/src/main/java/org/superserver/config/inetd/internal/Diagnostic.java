package org.superserver.config.inetd.internal;

import java.util.Objects;

/**
 * One problem found in an inetd.conf file: where (file and line), which field, what is wrong and
 * what would be right. An {@link Severity#ERROR} means the line was skipped; a
 * {@link Severity#WARNING} means it serves, with the meaning the message states.
 */
final class Diagnostic {

    enum Severity {
        /** The line is skipped; every other line still serves. */
        ERROR,
        /** The line serves, as the message explains (the reference inetd accepts it too). */
        WARNING
    }

    private final Severity severity;
    private final String file;
    private final int line;
    private final String field;
    private final String message;

    Diagnostic(Severity severity, String file, int line, String field, String message) {
        this.severity = Objects.requireNonNull(severity);
        this.file = Objects.requireNonNull(file);
        this.line = line;
        this.field = Objects.requireNonNull(field);
        this.message = Objects.requireNonNull(message);
    }

    static Diagnostic error(String file, int line, String field, String message) {
        return new Diagnostic(Severity.ERROR, file, line, field, message);
    }

    static Diagnostic warning(String file, int line, String field, String message) {
        return new Diagnostic(Severity.WARNING, file, line, field, message);
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

    /** The field at fault: {@code service}, {@code socket type}, {@code protocol}, {@code wait}, ... */
    String field() {
        return field;
    }

    /** What is wrong and what would be right. */
    String message() {
        return message;
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + field + ": " + message
                + (severity == Severity.ERROR && line > 0 ? "; line skipped" : "");
    }
}
