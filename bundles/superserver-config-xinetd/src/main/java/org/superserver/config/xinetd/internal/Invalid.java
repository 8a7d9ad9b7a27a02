package org.superserver.config.xinetd.internal;

/** A value that does not fit its attribute: which attribute, on which line, and why. */
final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    final String field;
    /** The line at fault; 0 when the caller knows it better. */
    final int line;

    Invalid(String field, String message) {
        this(field, 0, message);
    }

    Invalid(String field, int line, String message) {
        super(message, null, false, false);
        this.field = field;
        this.line = line;
    }
}
