package org.superserver.examples.denyfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What one stat(2) tells about a path: whether something is there, its size, modification time (to
 * the nanosecond where the file system keeps it) and identity (device and inode). Two stamps are
 * equal when nothing tells them apart, so an edit in place, a file renamed into place and a removal
 * are all changes.
 *
 * @param exists whether anything is at the path
 * @param size its size in bytes
 * @param modifiedNanos its modification time, nanoseconds since the epoch
 * @param key its identity ({@code (dev=...,ino=...)} on Linux), or {@code null}
 */
record FileStamp(boolean exists, long size, long modifiedNanos, Object key) {

    static final FileStamp MISSING = new FileStamp(false, 0, 0, null);

    /** The stamp of {@code path} now; a path that cannot be examined gets a stamp that differs from any file's. */
    static FileStamp of(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new FileStamp(true, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
        } catch (NoSuchFileException e) {
            return MISSING;
        } catch (IOException | RuntimeException e) {
            return new FileStamp(true, -1, -1, e.toString());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileStamp s && exists == s.exists && size == s.size && modifiedNanos == s.modifiedNanos
                && Objects.equals(key, s.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(exists, size, modifiedNanos, key);
    }
}
