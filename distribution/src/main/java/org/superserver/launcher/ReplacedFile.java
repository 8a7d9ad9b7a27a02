package org.superserver.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file the server writes whole into a new file beside its path and renames over it: a reader
 * sees the old content or the new, never a part, and whatever stands at the path (a symlink
 * planted there included) is replaced, never followed. Mode 0644.
 */
final class ReplacedFile {

    private ReplacedFile() {
    }

    /** Puts {@code content} at {@code path}, whose directory exists. */
    static void write(Path path, byte[] content) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(parent, "." + path.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                channel.write(ByteBuffer.wrap(content));
                channel.force(true);
            }
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
