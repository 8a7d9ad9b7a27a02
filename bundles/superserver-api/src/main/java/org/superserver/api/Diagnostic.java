package org.superserver.api;

import java.util.Objects;

/**
 * One problem found in a configuration or rule file: where (file, line), which field, how bad, and
 * what is wrong with what would be right. Each format decides what an error costs (an inetd.conf
 * line is skipped; a tcpd rule is skipped or denies) and words its own report; this value only
 * carries the facts so that shells and tools can list them.
 */
public final class Diagnostic {

    /** How bad a problem is. */
    public enum Severity {
        /** The line or rule does not apply as written (what happens instead is in the message). */
        ERROR,
        /** The line or rule applies, with the meaning the message states. */
        WARNING
    }

    private final Severity severity;
    private final String file;
    private final int line;
    private final String field;
    private final String message;

    private Diagnostic(Severity severity, String file, int line, String field, String message) {
        this.severity = Objects.requireNonNull(severity, "severity");
        this.file = Objects.requireNonNull(file, "file");
        if (line < 0) {
            throw new IllegalArgumentException("line must be 0 (whole file) or more, not " + line);
        }
        this.line = line;
        this.field = field == null || field.isEmpty() ? null : field;
        this.message = Objects.requireNonNull(message, "message");
    }

    /**
     * @param line the 1-based line, or 0 when the problem concerns the whole file
     * @param field the field at fault, or {@code null} when none is singled out
     */
    public static Diagnostic error(String file, int line, String field, String message) {
        return new Diagnostic(Severity.ERROR, file, line, field, message);
    }

    /**
     * @param line the 1-based line, or 0 when the problem concerns the whole file
     * @param field the field at fault, or {@code null} when none is singled out
     */
    public static Diagnostic warning(String file, int line, String field, String message) {
        return new Diagnostic(Severity.WARNING, file, line, field, message);
    }

    public Severity severity() {
        return severity;
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The file, as configured (not resolved). */
    public String file() {
        return file;
    }

    /** The 1-based line number; 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** The field at fault ({@code protocol}, {@code client list}, ...), or {@code null}. */
    public String field() {
        return field;
    }

    /** What is wrong, and what would be right. */
    public String message() {
        return message;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Diagnostic)) {
            return false;
        }
        Diagnostic d = (Diagnostic) o;
        return severity == d.severity && file.equals(d.file) && line == d.line && Objects.equals(field, d.field)
                && message.equals(d.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(severity, file, line, field, message);
    }

    /** {@code file:line: error: field: message}, the line and field left out when absent. */
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (isError() ? "error" : "warning") + ": "
                + (field == null ? "" : field + ": ") + message;
    }
}
