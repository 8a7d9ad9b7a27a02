package org.superserver.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes sure no other user can change what the server will run: the data directory holds the
 * framework's bundle cache (the jars the server loads, as root when it runs as root), so it and
 * everything in it must belong to the server's own user and be writable by nobody else.
 *
 * <p>The data directory itself is created if missing, and write access for group and others is
 * taken away from it (the usual leftover of a {@code mkdir} under a lax umask). Anything inside
 * it that belongs to another user, or that group or others may write, is refused: it may already
 * have been tampered with, so the only safe repair is a clean start.
 */
final class DataDirectory {

    /** Thrown with a message for the administrator: what is wrong, where, and what to do. */
    static final class UnsafeException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsafeException(String message) {
            super(message);
        }
    }

    /** Write permission for group or others: the bits of mode 022. */
    static final int GROUP_OR_OTHERS_WRITE = 0022;

    private DataDirectory() {
    }

    /**
     * Creates {@code data} if needed and checks it and its contents for the user {@code uid}.
     *
     * @return a message when the data directory's own permissions were repaired, else null
     */
    static String secure(Path data, int uid) throws IOException, UnsafeException {
        Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        int owner = (Integer) Files.getAttribute(data, "unix:uid");
        if (owner != uid) {
            throw new UnsafeException("The data directory " + data + " belongs to uid " + owner + ", not to uid " + uid
                    + " that runs this server: its owner could replace the bundles the server runs; give it to uid "
                    + uid + " (chown -R), or choose another --data");
        }
        String repaired = null;
        int mode = (Integer) Files.getAttribute(data, "unix:mode");
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(data);
            permissions.remove(PosixFilePermission.GROUP_WRITE);
            permissions.remove(PosixFilePermission.OTHERS_WRITE);
            Files.setPosixFilePermissions(data, permissions);
            repaired = "Made the data directory " + data + " writable by its owner only (it was mode "
                    + octal(mode) + ")";
        }
        try (Stream<Path> walk = Files.walk(data)) {
            Iterator<Path> paths = walk.iterator();
            paths.next();  // the directory itself, checked above
            while (paths.hasNext()) {
                check(data, paths.next(), uid);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return repaired;
    }

    private static void check(Path data, Path path, int uid) throws IOException, UnsafeException {
        int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        String problem = null;
        if (owner != uid) {
            problem = "belongs to uid " + owner + ", not to uid " + uid + " that runs this server";
        } else if (!Files.isSymbolicLink(path) && (mode & GROUP_OR_OTHERS_WRITE) != 0) {
            problem = "is writable by other users (mode " + octal(mode) + ", left by a start under a lax umask)";
        }
        if (problem != null) {
            throw new UnsafeException(path + " in the data directory " + problem
                    + ": another user may have changed what this server runs; stop every server using " + data
                    + " and delete it for a clean start");
        }
    }

    /** The permission bits of {@code mode} as four octal digits: {@code 0777}. */
    static String octal(int mode) {
        return String.format("%04o", mode & 07777);
    }
}
