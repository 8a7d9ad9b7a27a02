package org.superserver.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.LogTarget;

/**
 * One {@code log_type = FILE path [soft [hard]]} file, written by the {@link LogWriter}'s thread
 * only. Appended to, created {@code 0640} (less if the umask takes more), opened with {@code
 * O_NOFOLLOW}: a symbolic link, anything but a regular file, or a file others may write is refused
 * (one error, nothing written). As xinetd.log(5) and xinetd do: past the soft limit one warning is
 * logged and writing goes on; a line that would take the file past the hard limit is not written,
 * nor any after it (one error). A file renamed or removed (log rotation) is noticed within
 * {@value #ROTATION_CHECK_MILLIS} ms and opened (created) again under its name, so old files can
 * be removed, as xinetd allows by reopening its logs on reconfiguration.
 */
final class LogFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogFile.class);

    static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r-----");

    /** How often the writer looks whether the path still names the file it writes. */
    static final long ROTATION_CHECK_MILLIS = 1_000;

    private final LogTarget target;
    private FileChannel channel;
    private Object openKey;
    private long checkedNanos;
    private long size;
    private boolean softReported;
    private boolean stopped;

    LogFile(LogTarget target) {
        this.target = target;
    }

    /**
     * Appends one line (a newline is added).
     *
     * @return false when the line was not written (the file is refused, stopped at its hard limit,
     *         or failed)
     */
    boolean write(String line) {
        if (stopped) {
            return false;
        }
        try {
            if (channel != null && System.nanoTime() - checkedNanos >= ROTATION_CHECK_MILLIS * 1_000_000L) {
                checkedNanos = System.nanoTime();
                if (!stillThere()) {
                    close(); // rotated away: a new file under the name
                }
            }
            if (channel == null) {
                open();
                checkedNanos = System.nanoTime();
            }
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            long hard = target.hardLimit();
            if (hard > 0 && size + bytes.length > hard) {
                stop("ERROR", "reached its hard limit of " + hard + " bytes; no more lines are written to it");
                return false;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            size += bytes.length;
            long soft = target.softLimit();
            if (soft > 0 && size > soft && !softReported) {
                softReported = true;
                LOG.warn("LOGFILE file={} size={} soft_limit={} reached its soft limit{}", target.path(), size, soft,
                        hard > 0 ? "; lines stop at the hard limit of " + hard + " bytes" : "");
            }
            return true;
        } catch (IOException | RuntimeException e) {
            stop("ERROR", "cannot be written: " + e);
            return false;
        }
    }

    private void open() throws IOException {
        Path path = Path.of(target.path());
        try {
            PosixFileAttributes before = Files.readAttributes(path, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            refuseUnsafe(before);
        } catch (NoSuchFileException absent) {
            // created below, 0640
        }
        channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(MODE));
        PosixFileAttributes opened = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        refuseUnsafe(opened);
        openKey = opened.fileKey();
        size = channel.size();
    }

    private boolean stillThere() {
        try {
            Object key = Files.readAttributes(Path.of(target.path()), PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
            return key != null && key.equals(openKey);
        } catch (IOException e) {
            return false;
        }
    }

    private void refuseUnsafe(PosixFileAttributes attributes) throws IOException {
        if (attributes.isSymbolicLink()) {
            throw new IOException("it is a symbolic link; log files are never reached through one");
        }
        if (!attributes.isRegularFile()) {
            throw new IOException("it is not a regular file");
        }
        if (attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("others may write it (mode " + PosixFilePermissions.toString(attributes.permissions())
                    + "); make it 0640 or stricter");
        }
    }

    private void stop(String level, String why) {
        stopped = true;
        LOG.error("LOGFILE file={} {}", target.path(), why);
        close();
    }

    boolean stopped() {
        return stopped;
    }

    long size() {
        return size;
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to write
            }
            channel = null;
        }
    }
}
