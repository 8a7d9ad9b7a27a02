package org.superserver.api;

import java.util.Locale;

/** The socket type of a service, as the second field of an inetd.conf line names it. */
public enum SocketType {
    /** A connection-oriented byte stream (TCP). */
    STREAM,
    /** Datagrams (UDP). */
    DGRAM;

    /** The lower-case name used in inetd.conf and xinetd.conf ({@code stream}, {@code dgram}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code stream} or {@code dgram} (any case).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is neither
     */
    public static SocketType parse(String text) {
        for (SocketType type : values()) {
            if (type.configName().equalsIgnoreCase(text)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown socket type '" + text + "' (expected stream or dgram)");
    }
}
