package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The pid file is written and removed without following symlinks, and removed only when ours. */
public class PidFileTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void writesTheDecimalPidAndANewlineWithMode0644AndNoTemporaryFileLeft() throws Exception {
        Path path = folder.getRoot().toPath().resolve("run/superserver.pid");
        new PidFile(path, 4242).write();
        assertEquals("4242\n", Files.readString(path));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        try (var entries = Files.list(path.getParent())) {
            assertEquals(1, entries.count());
        }
        assertEquals(Optional.of(4242L), new PidFile(path, 1).holder());
    }

    @Test
    public void aSymlinkAtThePathIsReplacedAndItsTargetLeftAlone() throws Exception {
        Path victim = folder.newFile("victim").toPath();
        Files.writeString(victim, "precious\n");
        Path path = folder.getRoot().toPath().resolve("superserver.pid");
        Files.createSymbolicLink(path, victim);
        PidFile pidFile = new PidFile(path, 4242);
        assertEquals("a symlink holds no pid", Optional.empty(), pidFile.holder());

        pidFile.write();

        assertEquals("precious\n", Files.readString(victim));
        assertTrue(Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS));
        assertEquals("4242\n", Files.readString(path));
    }

    @Test
    public void aFifoAtThePathIsNeitherReadNorWrittenButReplaced() throws Exception {
        Path path = folder.getRoot().toPath().resolve("superserver.pid");
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, mkfifo.exitValue());
        PidFile pidFile = new PidFile(path, 4242);
        assertEquals(Optional.empty(), pidFile.holder());
        pidFile.write();
        assertEquals("4242\n", Files.readString(path));
    }

    @Test
    public void removesItsOwnPidFile() throws Exception {
        Path path = folder.getRoot().toPath().resolve("superserver.pid");
        PidFile pidFile = new PidFile(path, 4242);
        pidFile.write();
        assertNull(pidFile.removeIfOurs());
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        assertNull("already gone is fine", pidFile.removeIfOurs());
    }

    @Test
    public void leavesAPidFileHoldingAnotherPid() throws Exception {
        Path path = folder.getRoot().toPath().resolve("superserver.pid");
        new PidFile(path, 777).write();
        String reason = new PidFile(path, 4242).removeIfOurs();
        assertNotNull(reason);
        assertTrue(reason, reason.contains("777"));
        assertEquals("777\n", Files.readString(path));
    }

    @Test
    public void leavesASymlinkPlantedAfterTheStartAndItsTarget() throws Exception {
        Path victim = folder.newFile("victim").toPath();
        Files.writeString(victim, "4242\n");
        Path path = folder.getRoot().toPath().resolve("superserver.pid");
        PidFile pidFile = new PidFile(path, 4242);
        pidFile.write();
        Files.delete(path);
        Files.createSymbolicLink(path, victim);

        assertNotNull("a symlink is not removed even when its target holds our pid", pidFile.removeIfOurs());
        assertTrue(Files.isSymbolicLink(path));
        assertEquals("4242\n", Files.readString(victim));
    }
}
