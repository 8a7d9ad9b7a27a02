package org.superserver.core.internal;

/**
 * The name under which a server's end is counted: its exit status ({@code "0"}, {@code "3"}) or,
 * when a signal killed it, the signal's name ({@code "SIGKILL"}), as kill(1) spells the Linux ones.
 */
final class ExitStatus {

    private static final String[] SIGNALS = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
        "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    private ExitStatus() {
    }

    static String of(Reaper.Exit exit) {
        return exit.signalled() ? signal(exit.signal()) : Integer.toString(exit.code());
    }

    /** {@code SIGKILL} for 9; {@code SIG40} for a signal without a classic name (a real-time one). */
    static String signal(int number) {
        return number > 0 && number < SIGNALS.length ? SIGNALS[number] : "SIG" + number;
    }
}
