package org.superserver.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The server's pid file, written and removed without ever following a symlink: whatever another
 * user planted at its path (a symlink to {@code /etc/shadow}, a FIFO) is replaced, never written
 * through or read from, and at the stop only a regular file holding this server's own pid is
 * removed.
 *
 * <p>The pid goes into a new file of the same directory (created exclusively, so not through a
 * symlink), made mode 0644, and renamed over the path: readers see the old file or the complete
 * new one, never a half-written pid.
 */
final class PidFile {

    /** More than any pid with its newline: a longer regular file is not a pid file. */
    private static final int MAX_BYTES = 32;

    private final Path path;
    private final long pid;

    PidFile(Path path, long pid) {
        this.path = path;
        this.pid = pid;
    }

    Path path() {
        return path;
    }

    /** What is at the path now, not following a symlink; empty if nothing is. */
    Optional<BasicFileAttributes> current() throws IOException {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The pid a regular file at the path holds; empty for anything else (a symlink, a FIFO...). */
    Optional<Long> holder() {
        try {
            Optional<BasicFileAttributes> attributes = current();
            if (attributes.isEmpty() || !attributes.get().isRegularFile() || attributes.get().size() > MAX_BYTES) {
                return Optional.empty();
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes(MAX_BYTES);
            }
            return Optional.of(Long.parseLong(new String(bytes, StandardCharsets.US_ASCII).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Puts this pid at the path, replacing whatever is there (a directory excepted). */
    void write() throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        ReplacedFile.write(path, (pid + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Removes the pid file if it is a regular file holding this server's pid; otherwise leaves
     * the path alone and says why.
     *
     * @return null when removed (or already gone), else the reason it was left
     */
    String removeIfOurs() {
        try {
            Optional<BasicFileAttributes> attributes = current();
            if (attributes.isEmpty()) {
                return null;
            }
            if (!attributes.get().isRegularFile()) {
                return "it is no longer a regular file";
            }
            Optional<Long> holder = holder();
            if (holder.isEmpty() || holder.get() != pid) {
                return "it holds " + holder.map(other -> "pid " + other).orElse("no pid") + ", not this server's " + pid;
            }
            Files.delete(path);
            return null;
        } catch (IOException e) {
            return e.toString();
        }
    }
}
