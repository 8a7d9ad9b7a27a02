package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.sun.jna.ptr.IntByReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** The reaper with real processes: statuses, signals, no stolen statuses, children left alone on close. */
public class ReaperTest {

    /** Spawns a shell command with this JVM's stderr as its fd 0, 1 and 2. */
    private static int sh(String command) throws Exception {
        return Spawner.spawn(2, "/bin/sh", List.of("sh", "-c", command), List.of("PATH=" + ChildEnvironment.PATH));
    }

    private static long pidfds() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().contains("pidfd");
                } catch (Exception e) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    public void exitCodesAndSignalsAreReportedAndTheChildIsGone() throws Exception {
        try (Reaper reaper = new Reaper()) {
            int exits = sh("exit 3");
            int killed = sh("kill -9 $$");
            Reaper.Exit three = reaper.watch(exits).get(5, TimeUnit.SECONDS);
            Reaper.Exit nine = reaper.watch(killed).get(5, TimeUnit.SECONDS);
            assertEquals("exit 3", three.describe());
            assertEquals("signal 9", nine.describe());
            assertTrue(Files.notExists(Path.of("/proc/" + exits)));
            assertTrue(Files.notExists(Path.of("/proc/" + killed)));
            assertEquals(0, reaper.running());
        }
    }

    @Test
    public void processesTheJvmStartsKeepTheirOwnStatus() throws Exception {
        try (Reaper reaper = new Reaper()) {
            int ours = sh("sleep 0.2; exit 1");
            reaper.watch(ours);
            Process theirs = new ProcessBuilder("/bin/sh", "-c", "sleep 0.1; exit 7").start();
            assertTrue(theirs.waitFor(5, TimeUnit.SECONDS));
            assertEquals(7, theirs.exitValue());
            long deadline = System.currentTimeMillis() + 5_000;
            while (reaper.running() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, reaper.running());
        }
    }

    @Test
    public void closingLeavesRunningChildrenToRunAndReapsThemAsTheyExitThenItsThreadEnds() throws Exception {
        Reaper reaper = new Reaper();
        int pid = sh("sleep 30");
        java.util.concurrent.CompletableFuture<Reaper.Exit> exit = reaper.watch(pid);
        assertTrue("the child is watched through a pidfd", pidfds() > 0);
        reaper.close();
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        assertTrue("still running, not reaped or killed: " + status, !status.contains("State:\tZ"));
        assertFalse("the reaper's thread ended with a child still running", reaper.finished());

        new ProcessBuilder("kill", String.valueOf(pid)).start().waitFor();
        assertEquals("signal 15", exit.get(5, TimeUnit.SECONDS).describe());
        assertTrue("reaped, no zombie", Files.notExists(Path.of("/proc/" + pid)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!reaper.finished() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue("the reaper's thread ends after its last child", reaper.finished());
        assertEquals(0, pidfds());
        assertEquals("no child of ours is left to wait for", -1, Libc.waitpid(pid, new IntByReference(), Libc.WNOHANG));
    }
}
