package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** Names of ended servers: wait(2) statuses as exit codes or signal names. */
public class ExitStatusTest {

    @Test
    public void anExitCodeIsItsNumberAndASignalItsName() {
        assertEquals("0", ExitStatus.of(new Reaper.Exit(1, 0, 0)));
        assertEquals("3", ExitStatus.of(new Reaper.Exit(1, 3 << 8, 0)));
        assertEquals("SIGKILL", ExitStatus.of(new Reaper.Exit(1, 9, 0)));
        assertEquals("SIGSEGV", ExitStatus.of(new Reaper.Exit(1, 11 | 0x80, 0)));
        assertEquals("SIG40", ExitStatus.signal(40));
    }
}
