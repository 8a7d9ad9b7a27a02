package org.superserver.core.internal;

/**
 * The only class that touches {@code sun.misc.Signal} for SIGUSR1, so that its absence (or a JVM
 * that reserves the signal) is contained: the dump is then written from the shell only.
 */
final class DumpSignal {

    private DumpSignal() {
    }

    /** Runs {@code action} (on the JVM's signal thread) on every SIGUSR1; returns the previous handler. */
    static Object install(Runnable action) {
        return sun.misc.Signal.handle(new sun.misc.Signal("USR1"), signal -> action.run());
    }

    static void restore(Object previous) {
        sun.misc.Signal.handle(new sun.misc.Signal("USR1"), (sun.misc.SignalHandler) previous);
    }
}
