package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The directories FileInstall watches: only the server's user, the installation's owner or root
 * may write them.
 */
public class WatchedDirectoriesTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final int uid = ProcSelf.effectiveUid().orElseThrow();

    @Test
    public void directoriesOnlyTheirOwnerMayWriteAndMissingOnesPass() throws Exception {
        Path deploy = folder.newFolder("deploy").toPath();
        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path linked = folder.getRoot().toPath().resolve("linked");
        Files.createSymbolicLink(linked, deploy);
        WatchedDirectories.check(List.of(deploy, linked, folder.getRoot().toPath().resolve("missing")), uid, uid);
    }

    @Test
    public void aDirectoryGroupOrOthersMayWriteIsRefusedAndLeftAsItIs() throws Exception {
        for (String permissions : List.of("rwxrwxr-x", "rwxr-xrwx", "rwxrwxrwx")) {
            Path deploy = folder.newFolder().toPath();
            Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString(permissions));
            Path etc = folder.newFolder().toPath();
            try {
                WatchedDirectories.check(List.of(etc, deploy), uid, uid);
                fail("a directory of mode " + permissions + " is accepted");
            } catch (DataDirectory.UnsafeException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().startsWith("The directory " + deploy
                        + " that this server watches for bundles and configurations is writable by other users (mode 0"));
                assertTrue(expected.getMessage(), expected.getMessage().endsWith(
                        ": whatever they drop there runs in the server; make it writable by its owner only (chmod go-w)"));
            }
            assertEquals(permissions, PosixFilePermissions.toString(Files.getPosixFilePermissions(deploy)));
        }
    }

    @Test
    public void aDirectoryOfAUserWhoNeitherRunsTheServerNorOwnsTheInstallationIsRefused() throws Exception {
        Path deploy = folder.newFolder("deploy").toPath();
        int serverUid = uid + 1;
        int owner = uid;
        if (uid == 0) {
            // Run as root: the directory is given to another user, and root runs the server.
            UserPrincipal nobody = deploy.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("65534");
            Files.setOwner(deploy, nobody);
            serverUid = 0;
            owner = 65534;
        }
        try {
            WatchedDirectories.check(List.of(deploy), serverUid, serverUid + 2);
            fail("a directory of uid " + owner + " is accepted for a server of uid " + serverUid);
        } catch (DataDirectory.UnsafeException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("The directory " + deploy
                    + " that this server watches for bundles and configurations belongs to uid " + owner
                    + ", not to uid " + serverUid + " that runs this server, to uid " + (serverUid + 2)
                    + " that owns the installation or to root"));
        }
        WatchedDirectories.check(List.of(deploy), serverUid, owner);
    }

    @Test
    public void aDirectoryOfRootIsAcceptedForAnyServer() throws Exception {
        Path etc = Path.of("/etc");
        assertEquals(0, (int) (Integer) Files.getAttribute(etc, "unix:uid"));
        WatchedDirectories.check(List.of(etc), uid + 1, uid + 2);
    }
}
