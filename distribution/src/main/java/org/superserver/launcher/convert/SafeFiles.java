package org.superserver.launcher.convert;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes converted files into a directory: mode 0644, never through a symbolic link, and never over
 * an existing file unless forced. Without force every target is checked before anything is written,
 * and each file is created with O_EXCL, which also refuses a link in its place; with force each file
 * goes to a new temporary file that is renamed over the target, replacing a link instead of
 * following it. Contents are one char per byte, as the formats give them.
 */
final class SafeFiles {

    static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r--r--");

    private SafeFiles() {
    }

    /** Writes every file and returns the paths written; an {@link IOException} names the file at fault. */
    static List<Path> write(Path dir, Map<String, String> files, boolean force) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory; expected an existing directory to write into");
        }
        List<Path> targets = new ArrayList<>();
        for (String name : files.keySet()) {
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
                throw new IOException("'" + name + "' is not a plain file name");
            }
            Path target = dir.resolve(name);
            if (!force && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(target + " exists; nothing was written (use --force to replace it)");
            }
            targets.add(target);
        }
        List<Path> written = new ArrayList<>();
        int i = 0;
        for (String text : files.values()) {
            Path target = targets.get(i++);
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            if (force) {
                Path tmp = Files.createTempFile(dir, ".convert-", ".tmp");
                try {
                    Files.write(tmp, bytes);
                    Files.setPosixFilePermissions(tmp, MODE);
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } else {
                try (OutputStream out = Channels.newOutputStream(Files.newByteChannel(target,
                        Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(MODE)))) {
                    out.write(bytes);
                } catch (FileAlreadyExistsException e) {
                    throw new IOException(target + " exists; it was not replaced (use --force to replace it)");
                }
                Files.setPosixFilePermissions(target, MODE);
            }
            written.add(target);
        }
        return written;
    }
}
