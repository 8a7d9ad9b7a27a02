package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.Test;

/**
 * The open-file limit, the effective uid and the mapped files, read from samples of what Linux
 * prints and from this process's own.
 */
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

    @Test
    public void aMappedFileIsALineThatEndsWithItsPath() {
        String maps = String.join("\n",
                "7fe194000000-7fe194bc7000 rw-p 00001000 fe:00 328258                     /opt/superserver/lib/superserver.jsa",
                "7fe195800000-7fe19581e000 r-xp 00000000 fe:00 1234                       /opt/superserver/lib/x.so (deleted)",
                "7fe195a1e000-7fe195a1f000 rw-p 00000000 00:00 0 ",
                "");
        assertTrue(ProcSelf.maps(maps, "/opt/superserver/lib/superserver.jsa"));
        assertFalse("another file of that name", ProcSelf.maps(maps, "/superserver.jsa"));
        assertFalse("a path that only starts the same", ProcSelf.maps(maps, "/opt/superserver/lib/superserver"));
        assertFalse("deleted since", ProcSelf.maps(maps, "/opt/superserver/lib/x.so"));
        assertFalse(ProcSelf.maps("", "/opt/superserver/lib/superserver.jsa"));
    }

    @Test
    public void thisProcessMapsItsJvmLibraryAndNotItsClasses() throws Exception {
        Path libjvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so").toRealPath();
        assertEquals(Optional.of(true), ProcSelf.maps(libjvm));
        Path thisClass = Path.of(ProcSelfTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("org/superserver/launcher/ProcSelfTest.class").toRealPath();
        assertEquals(Optional.of(false), ProcSelf.maps(thisClass));
    }
}
