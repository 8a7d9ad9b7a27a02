package org.superserver.api;

import java.util.Locale;

/**
 * A resource limit that a started server gets (setrlimit(2)), as xinetd's {@code rlimit_*}
 * attributes name them. A definition gives each one a value applied as both soft and hard limit,
 * {@link ServiceDefinition#UNLIMITED} for {@code RLIM_INFINITY}.
 */
public enum ResourceLimit {
    /** Address space, bytes ({@code RLIMIT_AS}, xinetd's {@code rlimit_as}). */
    AS,
    /** CPU time, seconds ({@code RLIMIT_CPU}). */
    CPU,
    /** Data segment, bytes ({@code RLIMIT_DATA}). */
    DATA,
    /** Resident set, bytes ({@code RLIMIT_RSS}). */
    RSS,
    /** Stack, bytes ({@code RLIMIT_STACK}). */
    STACK,
    /** Open files ({@code RLIMIT_NOFILE}, xinetd's {@code rlimit_files}). */
    NOFILE;

    /** The xinetd attribute that sets it: {@code rlimit_as}, ..., {@code rlimit_files}. */
    public String attributeName() {
        return this == NOFILE ? "rlimit_files" : "rlimit_" + name().toLowerCase(Locale.ROOT);
    }
}
