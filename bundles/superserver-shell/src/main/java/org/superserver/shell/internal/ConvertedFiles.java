package org.superserver.shell.internal;

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
 * an existing file unless asked to. Without {@code force}, every target is checked first and
 * nothing is written when one exists; each file is created with O_EXCL, which also refuses a
 * symbolic link in its place. With {@code force}, each file is written to a new temporary file in
 * the directory and renamed over the target, which replaces a link rather than following it.
 * Contents are one char per byte (as the formats read and write them).
 */
final class ConvertedFiles {

    static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r--r--");

    private ConvertedFiles() {
    }

    /**
     * Writes every file; returns the paths written.
     *
     * @throws IOException naming the file when one exists (without force) or cannot be written
     */
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
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path target = targets.get(i++);
            byte[] bytes = e.getValue().getBytes(StandardCharsets.ISO_8859_1);
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
                        Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(MODE)))) {
                    out.write(bytes);
                } catch (FileAlreadyExistsException x) {
                    throw new IOException(target + " exists; it was not replaced (use --force to replace it)");
                }
                Files.setPosixFilePermissions(target, MODE);
            }
            written.add(target);
        }
        return written;
    }

    /** Every file one after the other, each under a comment line naming it (both formats have # comments). */
    static String print(Map<String, String> files) {
        StringBuilder out = new StringBuilder();
        files.forEach((name, text) -> {
            out.append("# ---- ").append(name).append(" ----\n").append(text);
            if (!text.endsWith("\n")) {
                out.append('\n');
            }
        });
        return out.toString();
    }
}
