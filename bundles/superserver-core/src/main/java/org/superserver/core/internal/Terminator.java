package org.superserver.core.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a started server the way xinetd's {@code sendsig} does on reconfiguration: SIGTERM, then
 * SIGKILL if it has not exited after {@value #GRACE_MILLIS} ms (xinetd waits 2.5 s), or SIGKILL at
 * once. A child already reaped is left alone (its pid may be another process's by then); the
 * reaper keeps a child's pid until it has been reaped, so the signal cannot reach another process.
 */
final class Terminator {

    private static final Logger LOG = LoggerFactory.getLogger(Terminator.class);

    /** How long a server has between SIGTERM and SIGKILL. */
    static final long GRACE_MILLIS = 2_500;

    private Terminator() {
    }

    /** SIGTERM now, SIGKILL after {@code graceMillis} if still running; SIGKILL at once when 0. */
    static void terminate(LiveChildren.Child child, long graceMillis, ScheduledExecutorService timer, String why) {
        if (child.exit().isDone()) {
            return;
        }
        ProcessHandle process = ProcessHandle.of(child.pid()).orElse(null);
        if (process == null) {
            return;
        }
        LOG.warn("SIGNAL service={} pid={} from={} signal={} reason={}", child.definition().name(), child.pid(),
                child.remote() == null ? "-" : Addresses.format(child.remote()), graceMillis > 0 ? "TERM" : "KILL", why);
        if (graceMillis <= 0) {
            process.destroyForcibly();
            return;
        }
        process.destroy();
        try {
            timer.schedule(() -> {
                if (!child.exit().isDone()) {
                    LOG.warn("SIGNAL service={} pid={} signal=KILL reason=still running {} ms after SIGTERM",
                            child.definition().name(), child.pid(), graceMillis);
                    process.destroyForcibly();
                }
            }, graceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            process.destroyForcibly();
        }
    }
}
