package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.Test;

/** The open-file limit and the effective uid, read from samples of what Linux prints. */
public class ProcSelfTest {

    private static final String LIMITS = String.join("\n",
            "Limit                     Soft Limit           Hard Limit           Units     ",
            "Max cpu time              unlimited            unlimited            seconds   ",
            "Max processes             96367                96367                processes ",
            "Max open files            1024                 524288               files     ",
            "Max locked memory         8388608              8388608              bytes     ",
            "");

    @Test
    public void theOpenFileLimitIsSoftColonHard() {
        assertEquals(Optional.of("1024:524288"), ProcSelf.openFiles(LIMITS));
    }

    @Test
    public void anUnlimitedOpenFileLimitIsSaidSo() {
        assertEquals(Optional.of("unlimited:unlimited"), ProcSelf.openFiles(
                "Max open files            unlimited            unlimited            files     \n"));
        assertEquals(Optional.of("4096:unlimited"), ProcSelf.openFiles(
                "Max open files            4096                 unlimited            files     \n"));
    }

    @Test
    public void limitsWithoutAnOpenFileLineOrWithGarbageGiveNothing() {
        assertEquals(Optional.empty(), ProcSelf.openFiles(""));
        assertEquals(Optional.empty(), ProcSelf.openFiles("Max processes  10  10  processes\n"));
        assertEquals(Optional.empty(), ProcSelf.openFiles("Max open files  lots  more  files\n"));
    }

    @Test
    public void thisProcessHasAnOpenFileLimit() {
        assertTrue(ProcSelf.openFiles().orElseThrow().matches("(\\d+|unlimited):(\\d+|unlimited)"));
    }

    @Test
    public void theEffectiveUidIsTheSecondOfTheUidLine() {
        assertEquals(OptionalInt.of(1001), ProcSelf.effectiveUid("Name:\tjava\nUid:\t0\t1001\t0\t1001\nGid:\t0\t0\t0\t0\n"));
        assertEquals(OptionalInt.empty(), ProcSelf.effectiveUid("Name:\tjava\n"));
    }
}
