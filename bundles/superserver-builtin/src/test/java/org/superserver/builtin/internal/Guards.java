package org.superserver.builtin.internal;

/** Datagram guards for tests that exercise a handler rather than the guard. */
final class Guards {

    private Guards() {
    }

    /** A guard with the default budget on the system clock, as the component starts without a configuration. */
    static DatagramGuard standard() {
        return new DatagramGuard(BudgetSettings.DEFAULTS, System::nanoTime);
    }

    /** A guard whose budget no test exhausts: it still refuses the sources {@link Datagrams#refusal} names. */
    static DatagramGuard generous() {
        return new DatagramGuard(new BudgetSettings(1_000_000, 1_000_000, 1 << 30, 1 << 30, 16, 60), System::nanoTime);
    }
}
