package org.superserver.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes sure no other user can add to what the server runs through the directories FileInstall
 * watches ({@code superserver.fileinstall.dirs}: {@code deploy/} or {@code --deploy}, and the
 * embedded default's {@code etc/default/}): a bundle dropped there runs in the server, and a
 * {@code .cfg} file can name any program to start. Each that exists must belong to the server's
 * user, to root or to the installation's owner (who controls the jars the server runs anyway), and
 * be writable by nobody else; one that does not exist yet is left to FileInstall, which creates it
 * under the server's umask.
 */
final class WatchedDirectories {

    private WatchedDirectories() {
    }

    /**
     * Checks each of {@code dirs} (through symbolic links) for the server's user {@code uid} and the
     * owner {@code homeOwner} of the installation.
     */
    static void check(List<Path> dirs, int uid, int homeOwner) throws IOException, DataDirectory.UnsafeException {
        for (Path dir : dirs) {
            int owner;
            int mode;
            try {
                owner = (Integer) Files.getAttribute(dir, "unix:uid");
                mode = (Integer) Files.getAttribute(dir, "unix:mode");
            } catch (NoSuchFileException missing) {
                continue;
            }
            String watched = "The directory " + dir + " that this server watches for bundles and configurations ";
            if (owner != uid && owner != 0 && owner != homeOwner) {
                throw new DataDirectory.UnsafeException(watched + "belongs to uid " + owner + ", not to uid " + uid
                        + " that runs this server, to uid " + homeOwner + " that owns the installation or to root:"
                        + " its owner could make the server run anything; give it to one of them (chown)");
            }
            if ((mode & DataDirectory.GROUP_OR_OTHERS_WRITE) != 0) {
                throw new DataDirectory.UnsafeException(watched + "is writable by other users (mode "
                        + DataDirectory.octal(mode) + "): whatever they drop there runs in the server;"
                        + " make it writable by its owner only (chmod go-w)");
            }
        }
    }
}
