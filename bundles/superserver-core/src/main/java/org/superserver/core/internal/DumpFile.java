package org.superserver.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the state dump to its file safely: into a new temporary file beside it (created {@code
 * 0600} with {@code O_EXCL}, so never through a symbolic link), flushed to disk, then renamed over
 * the dump file (which replaces a symbolic link there instead of following it). Readers see the
 * old dump or the new one, never a part. xinetd appends each dump to its file; here the file holds
 * the latest one.
 */
final class DumpFile {

    private DumpFile() {
    }

    static void write(Path target, String text) throws IOException {
        write(target, text, true);
    }

    /**
     * Writes {@code text} to {@code target} as {@link #write(Path, String)} does; with {@code force}
     * false the new file is not flushed to disk before the rename (a crash may leave the old text).
     */
    static void write(Path target, String text, boolean force) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is a directory");
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                if (force) {
                    channel.force(true);
                }
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
