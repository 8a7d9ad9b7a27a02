package org.superserver.builtin.internal;

import java.util.function.IntSupplier;

/**
 * The reply budget of the UDP built-ins as plain values, checked, so that the budget runs without
 * OSGi.
 *
 * @param repliesPerSecond replies per second one source may get once its burst is spent
 * @param repliesBurst replies one source may get at once
 * @param bytesPerSecond payload bytes per second one source may get once its byte burst is spent
 * @param bytesBurst payload bytes one source may get at once; a larger reply is never sent
 * @param sources source addresses whose budget is kept at once
 * @param dropLogSeconds seconds between two log lines about drops from one source
 */
record BudgetSettings(int repliesPerSecond, int repliesBurst, int bytesPerSecond, int bytesBurst, int sources,
                      int dropLogSeconds) {

    static final int REPLIES_PER_SECOND = 20;
    static final int REPLIES_BURST = 40;
    static final int BYTES_PER_SECOND = 16 * 1024;
    static final int BYTES_BURST = 64 * 1024;
    static final int SOURCES = 4096;
    static final int DROP_LOG_SECONDS = 60;

    /** The defaults documented in {@link BuiltinConfig}. */
    static final BudgetSettings DEFAULTS = new BudgetSettings(REPLIES_PER_SECOND, REPLIES_BURST, BYTES_PER_SECOND,
            BYTES_BURST, SOURCES, DROP_LOG_SECONDS);

    BudgetSettings {
        atLeastOne("udp.replies.per.second", repliesPerSecond);
        atLeastOne("udp.replies.burst", repliesBurst);
        atLeastOne("udp.bytes.per.second", bytesPerSecond);
        atLeastOne("udp.bytes.burst", bytesBurst);
        atLeastOne("udp.sources", sources);
        atLeastOne("udp.drop.log.seconds", dropLogSeconds);
    }

    /**
     * The settings {@code config} gives.
     *
     * @throws IllegalArgumentException naming the property, for a value that is not a whole number
     *     or is below 1
     */
    static BudgetSettings from(BuiltinConfig config) {
        return new BudgetSettings(read("udp.replies.per.second", config::udp_replies_per_second),
                read("udp.replies.burst", config::udp_replies_burst),
                read("udp.bytes.per.second", config::udp_bytes_per_second),
                read("udp.bytes.burst", config::udp_bytes_burst),
                read("udp.sources", config::udp_sources),
                read("udp.drop.log.seconds", config::udp_drop_log_seconds));
    }

    /** A value as Declarative Services converts it; a value it cannot convert is an error naming the property. */
    private static int read(String property, IntSupplier value) {
        try {
            return value.getAsInt();
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new IllegalArgumentException(property + " is not a whole number (" + cause.getMessage() + ")", e);
        }
    }

    /** The settings as the configuration names them. */
    @Override
    public String toString() {
        return "udp.replies.per.second=" + repliesPerSecond + " udp.replies.burst=" + repliesBurst
                + " udp.bytes.per.second=" + bytesPerSecond + " udp.bytes.burst=" + bytesBurst
                + " udp.sources=" + sources + " udp.drop.log.seconds=" + dropLogSeconds;
    }

    private static void atLeastOne(String property, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(property + " = " + value + " is below 1");
        }
    }
}
