package org.superserver.core.internal;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;

/**
 * The open-file limit ({@code RLIMIT_NOFILE}) the superserver was started with, which every child
 * gets, while the server itself runs with its soft limit raised to the hard one so that it can
 * hold many connections.
 *
 * <p>{@code bin/superserver} starts the JVM with {@code -XX:-MaxFDLimit} (so the JVM does not raise
 * the limit itself) and sets the framework property {@value #PROPERTY} to {@code SOFT:HARD} as
 * found at start (each a number or {@code unlimited}). When the property is set, the core raises
 * its own soft limit to the hard one and gives each child the property's limits; without it, the
 * limits found when the core starts are the children's, and the server's are left alone.
 *
 * <p>A child started by {@link CloneSpawn} gets these limits in the child itself, before it execs.
 * One started by {@code posix_spawn} gets them through {@code prlimit(2)} right after
 * {@code posix_spawn} returns, which glibc does once the child has exec'd: from the program's first
 * instruction until that call (microseconds; the dynamic loader has usually not finished) the child
 * runs with the server's raised soft limit. No extra program is exec'd per connection for it. The
 * limits are the process's own, not a thread's, so they cannot be lowered for the moment of a spawn
 * without starving the rest of the server of descriptors.
 *
 * <p>A definition's own {@code rlimit_files} replaces this limit for its children; it and the
 * other {@code rlimit_*} are set by {@code prlimit} on the child's command line ({@link Program}),
 * with {@link #applyTo(int, Map)} as the fallback where that program is missing.
 *
 * @param soft the soft limit, {@link Libc#RLIM_INFINITY} for unlimited
 * @param hard the hard limit, {@link Libc#RLIM_INFINITY} for unlimited
 */
record ChildLimits(long soft, long hard) {

    /** The framework property the launcher sets to the limits found at start. */
    static final String PROPERTY = "superserver.rlimit.nofile";

    private static final Logger LOG = LoggerFactory.getLogger(ChildLimits.class);
    private static ChildLimits original;

    /**
     * Parses {@code SOFT:HARD}, each a decimal number or {@code unlimited}.
     *
     * @throws IllegalArgumentException naming the value and what would be right
     */
    static ChildLimits parse(String text) {
        String[] parts = text.trim().split(":", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException(PROPERTY + "='" + text + "' is not SOFT:HARD (e.g. 1024:524288 or"
                    + " 1024:unlimited)");
        }
        long soft = limit(text, parts[0]);
        long hard = limit(text, parts[1]);
        if (hard != Libc.RLIM_INFINITY && (soft == Libc.RLIM_INFINITY || soft > hard)) {
            throw new IllegalArgumentException(PROPERTY + "='" + text + "': the soft limit is above the hard one");
        }
        return new ChildLimits(soft, hard);
    }

    private static long limit(String text, String part) {
        if (part.equals("unlimited")) {
            return Libc.RLIM_INFINITY;
        }
        try {
            long value = Long.parseLong(part);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(PROPERTY + "='" + text + "': '" + part + "' is neither a number nor"
                + " 'unlimited'");
    }

    /** The process's limits now. */
    static ChildLimits current() {
        long[] limits = new long[2];
        if (Libc.getrlimit(Libc.RLIMIT_NOFILE, limits) != 0) {
            throw new IllegalStateException("getrlimit(RLIMIT_NOFILE): " + Libc.describe(Libc.errno()));
        }
        return new ChildLimits(limits[0], limits[1]);
    }

    /**
     * The children's limits, worked out once when the core starts (the first call): from the
     * framework property when set, after which the server's soft limit is raised to its hard one;
     * otherwise the limits of that moment. Later calls return the same.
     */
    static synchronized ChildLimits original() {
        if (original == null) {
            original = atStart(FrameworkProperty.get(PROPERTY));
        }
        return original;
    }

    private static ChildLimits atStart(String property) {
        ChildLimits now = current();
        if (property == null || property.isBlank()) {
            LOG.info("LIMITS nofile={} children={} ({} is not set: children get the limits the core started with)",
                    now, now, PROPERTY);
            return now;
        }
        ChildLimits children;
        try {
            children = parse(property);
        } catch (IllegalArgumentException e) {
            LOG.error("LIMITS error={}; children get the limits the core started with, {}", e.getMessage(), now);
            return now;
        }
        ChildLimits raised = new ChildLimits(now.hard, now.hard);
        if (!raised.equals(now) && Libc.setrlimit(Libc.RLIMIT_NOFILE, new long[] {raised.soft, raised.hard}) != 0) {
            LOG.warn("LIMITS error=cannot raise the open-file limit from {} to {}: {}", now, raised,
                    Libc.describe(Libc.errno()));
            raised = now;
        }
        LOG.info("LIMITS nofile={} children={}", raised, children);
        return children;
    }

    /** Whether a child of a server whose limits are {@code server} needs these set explicitly. */
    boolean differFrom(ChildLimits server) {
        return !equals(server);
    }

    /**
     * Gives the process {@code pid} these limits.
     *
     * @return 0, or the errno ({@code ESRCH} when the child has already exited)
     */
    int applyTo(int pid) {
        if (Libc.prlimit(pid, Libc.RLIMIT_NOFILE, new long[] {soft, hard}, null) == 0) {
            return 0;
        }
        return Libc.errno();
    }

    /**
     * Gives the process {@code pid} a definition's resource limits ({@code rlimit_*}), each soft and
     * hard alike, through {@code prlimit(2)}.
     *
     * @return {@code null}, or what could not be set and why ({@code ESRCH}, a child that has
     *         exited already, is no failure)
     */
    static String applyTo(int pid, Map<ResourceLimit, Long> limits) {
        StringBuilder failed = null;
        for (Map.Entry<ResourceLimit, Long> e : limits.entrySet()) {
            long value = e.getValue() == ServiceDefinition.UNLIMITED ? Libc.RLIM_INFINITY : e.getValue();
            if (Libc.prlimit(pid, resource(e.getKey()), new long[] {value, value}, null) != 0) {
                int errno = Libc.errno();
                if (errno == Libc.ESRCH) {
                    return null;
                }
                failed = failed == null ? new StringBuilder() : failed.append(", ");
                failed.append(e.getKey().attributeName()).append(' ').append(text(value)).append(": ")
                        .append(Libc.describe(errno));
            }
        }
        return failed == null ? null : failed.toString();
    }

    /** The {@code RLIMIT_*} number of {@code limit} on Linux. */
    static int resource(ResourceLimit limit) {
        switch (limit) {
            case CPU:
                return 0;
            case DATA:
                return 2;
            case STACK:
                return 3;
            case RSS:
                return 5;
            case NOFILE:
                return Libc.RLIMIT_NOFILE;
            case AS:
                return 9;
            default:
                throw new IllegalArgumentException(limit.toString());
        }
    }

    @Override
    public String toString() {
        return text(soft) + ":" + text(hard);
    }

    private static String text(long limit) {
        return limit == Libc.RLIM_INFINITY ? "unlimited" : Long.toString(limit);
    }
}
