package org.superserver.core.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs what a connection needs once its program is prepared ({@link Launcher#prepareAsync}): at
 * once, on the caller's thread and descriptor, when the preparation is already complete (the
 * account cache answered); otherwise on the look-up thread when it completes, with a duplicate of
 * the connection's descriptor that is closed afterwards, since the caller closes its own as soon
 * as this returns.
 */
final class WhenPrepared {

    /** What to do with the prepared program (or the reason there is none) and the connection. */
    interface Action {
        /**
         * @param program the prepared program, or {@code null} when {@code failure} says why not
         * @param fd the connection's descriptor, which the action must not close
         */
        void run(Program program, Throwable failure, int fd);
    }

    private WhenPrepared() {
    }

    static void run(CompletableFuture<Program> prepared, int fd, Action action) {
        if (prepared.isDone()) {
            complete(prepared, fd, action);
            return;
        }
        int copy = Libc.fcntl(fd, Libc.F_DUPFD_CLOEXEC, 3);
        if (copy < 0) {
            action.run(null, new IllegalStateException("cannot duplicate the connection: "
                    + Libc.describe(Libc.errno())), fd);
            return;
        }
        prepared.whenComplete((program, failure) -> {
            try {
                complete(prepared, copy, action);
            } finally {
                Libc.close(copy);
            }
        });
    }

    private static void complete(CompletableFuture<Program> prepared, int fd, Action action) {
        Program program;
        try {
            program = prepared.join();
        } catch (CompletionException | CancellationException e) {
            action.run(null, e.getCause() == null ? e : e.getCause(), fd);
            return;
        }
        action.run(program, null, fd);
    }
}
