package org.superserver.api.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a configuration file only when it is a regular file. A FIFO would block the reading
 * thread until some writer opens it (at activation: the whole framework start), and a device such
 * as /dev/zero never ends, so the type is checked with stat(2), which opens nothing, before the
 * file is opened. A symbolic link is followed: a link to a regular file is a regular file.
 */
public final class ConfigFile {

    /** A path that exists but is not a regular file; the message says what it is. */
    public static final class NotRegular extends IOException {
        private static final long serialVersionUID = 1L;

        public NotRegular(Path file, String kind) {
            super(file + " is " + kind + ", not a regular file");
        }
    }

    private ConfigFile() {
    }

    /** The file's bytes; {@link NotRegular} when it is a directory, FIFO, device or socket. */
    public static byte[] read(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new NotRegular(file, kind(file, attributes));
        }
        return Files.readAllBytes(file);
    }

    /** What a path that is not a regular file is, in words, from its stat mode where the JDK gives it. */
    public static String kind(Path file, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        int mode;
        try {
            mode = (Integer) Files.getAttribute(file, "unix:mode");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
        switch (mode & 0170000) {
            case 0010000:
                return "a FIFO (named pipe)";
            case 0020000:
                return "a character device";
            case 0060000:
                return "a block device";
            case 0140000:
                return "a socket";
            default:
                return "a special file";
        }
    }
}
