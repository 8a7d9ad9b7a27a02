package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The data directory and its bundle cache: nobody but the server's user may write them. */
public class DataDirectoryTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final int uid = ProcSelf.effectiveUid().orElseThrow();

    @Test
    public void aMissingDataDirectoryIsCreated() throws Exception {
        Path data = folder.getRoot().toPath().resolve("a/data");
        assertNull(DataDirectory.secure(data, uid));
        assertTrue(Files.isDirectory(data));
    }

    @Test
    public void aWorldWritableDataDirectoryLosesGroupAndOthersWrite() throws Exception {
        Path data = folder.newFolder("data").toPath();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        String repaired = DataDirectory.secure(data, uid);
        assertNotNull(repaired);
        assertTrue(repaired, repaired.contains("0777"));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
    }

    @Test
    public void aWorldWritableFileInTheCacheIsRefusedAndLeftAsItIs() throws Exception {
        Path data = folder.newFolder("data").toPath();
        Path jar = Files.createDirectories(data.resolve("cache/bundle7/version0.0")).resolve("bundle.jar");
        Files.writeString(jar, "a jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        try {
            DataDirectory.secure(data, uid);
            fail("a world-writable jar in the cache is accepted");
        } catch (DataDirectory.UnsafeException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith(jar + " in the data directory is writable by other users (mode 0666"));
            assertTrue(expected.getMessage(), expected.getMessage().contains("stop every server using " + data + " and delete it for a clean start"));
        }
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(jar)));
    }

    @Test
    public void aDataDirectoryOfAnotherUserIsRefused() throws Exception {
        Path data = folder.newFolder("data").toPath();
        try {
            DataDirectory.secure(data, uid + 1);
            fail("a data directory of another user is accepted");
        } catch (DataDirectory.UnsafeException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("The data directory " + data
                    + " belongs to uid " + uid + ", not to uid " + (uid + 1)));
        }
    }

    @Test
    public void symlinksInsideAreNotFollowed() throws Exception {
        Path data = folder.newFolder("data").toPath();
        Path elsewhere = folder.newFolder("elsewhere").toPath();
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createSymbolicLink(data.resolve("link"), elsewhere);
        assertNull(DataDirectory.secure(data, uid));
        assertFalse(Files.isSymbolicLink(data));
    }
}
