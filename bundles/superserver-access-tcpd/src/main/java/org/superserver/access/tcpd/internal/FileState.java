package org.superserver.access.tcpd.internal;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What one path leads to, from one stat(2): device, inode, size, and modification and
 * status-change times to the nanosecond of the file at the end of its symbolic links, or why there
 * is no regular file to read there. Two states are equal exactly when nothing tells them apart, so
 * an edit in place, a file renamed into place, a retargeted link and a chmod are all changes. A
 * path that does not exist at all is {@link Kind#MISSING}; one whose last link (or a link on the
 * way) points nowhere is {@link Kind#DANGLING}, which is not the same thing: the file is meant to
 * be there and cannot be read.
 */
final class FileState {

    /** What is at the path. */
    enum Kind {
        FILE,
        DIRECTORY,
        /** A FIFO, a device or a socket: never opened, since opening a FIFO waits for a writer. */
        SPECIAL,
        MISSING,
        DANGLING,
        /** stat(2) failed otherwise (permission on a directory on the way, I/O error, a link loop). */
        ERROR
    }

    private static final String ATTRIBUTES = "unix:dev,ino,size,lastModifiedTime,ctime,mode";
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    static final FileState MISSING = new FileState(Kind.MISSING, 0, 0, 0, 0, 0, null);

    final Kind kind;
    final long device;
    final long inode;
    final long size;
    /** Modification time, nanoseconds since the epoch. */
    final long modified;
    /** Status-change time (ctime), nanoseconds since the epoch. */
    final long changed;
    /** Why this is not a regular file that can be read ({@code is a FIFO, not a regular file}); null for a file. */
    final String problem;

    private FileState(Kind kind, long device, long inode, long size, long modified, long changed, String problem) {
        this.kind = kind;
        this.device = device;
        this.inode = inode;
        this.size = size;
        this.modified = modified;
        this.changed = changed;
        this.problem = problem;
    }

    /** The state of {@code path} now; never throws for a path that is absent or unreadable. */
    static FileState of(Path path) {
        try {
            Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES);
            int mode = (Integer) a.get("mode");
            Kind kind;
            String problem = null;
            switch (mode & S_IFMT) {
                case S_IFREG:
                    kind = Kind.FILE;
                    break;
                case S_IFDIR:
                    kind = Kind.DIRECTORY;
                    problem = "is a directory, not a regular file";
                    break;
                default:
                    kind = Kind.SPECIAL;
                    problem = "is " + typeName(mode) + ", not a regular file";
                    break;
            }
            return new FileState(kind, (Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("size"),
                    nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime")), problem);
        } catch (NoSuchFileException e) {
            String dangling = danglingLink(path);
            return dangling == null ? MISSING : new FileState(Kind.DANGLING, 0, 0, 0, 0, 0, dangling);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return basic(path);
        } catch (FileSystemException e) {
            return error(e.getReason() != null ? e.getReason() : e.toString());
        } catch (IOException | RuntimeException e) {
            return error(e.toString());
        }
    }

    /** Where the platform has no "unix" attribute view: what the basic view tells (not to the inode). */
    private static FileState basic(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            Kind kind = a.isRegularFile() ? Kind.FILE : a.isDirectory() ? Kind.DIRECTORY : Kind.SPECIAL;
            String problem = kind == Kind.FILE ? null : kind == Kind.DIRECTORY ? "is a directory, not a regular file"
                    : "is not a regular file";
            return new FileState(kind, 0, Objects.hashCode(a.fileKey()), a.size(), nanos(a.lastModifiedTime()),
                    nanos(a.creationTime()), problem);
        } catch (NoSuchFileException e) {
            String dangling = danglingLink(path);
            return dangling == null ? MISSING : new FileState(Kind.DANGLING, 0, 0, 0, 0, 0, dangling);
        } catch (IOException e) {
            return error(e.toString());
        }
    }

    private static FileState error(String reason) {
        return new FileState(Kind.ERROR, 0, 0, 0, 0, 0, "cannot be examined (" + reason + ")");
    }

    /**
     * For a path that stat(2) did not find: the symbolic link on it (the path itself or a directory
     * on the way) that points nowhere, described; {@code null} when no link is to blame, so the
     * file simply does not exist.
     */
    static String danglingLink(Path path) {
        for (Path p = path; p != null; p = p.getParent()) {
            if (Files.isSymbolicLink(p) && !Files.exists(p)) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    target = "?";
                }
                return (p.equals(path) ? "is a dangling symbolic link" : "is reached through " + p
                        + ", a dangling symbolic link") + " (to " + target + ", which does not exist)";
            }
        }
        return null;
    }

    private static String typeName(int mode) {
        switch (mode & S_IFMT) {
            case S_IFIFO:
                return "a FIFO";
            case S_IFCHR:
                return "a character device";
            case S_IFBLK:
                return "a block device";
            case S_IFSOCK:
                return "a socket";
            default:
                return "of file type 0" + Integer.toOctalString(mode & S_IFMT);
        }
    }

    private static long nanos(FileTime t) {
        return t == null ? 0 : t.to(TimeUnit.NANOSECONDS);
    }

    /** The later of the two times. */
    long latest() {
        return Math.max(modified, changed);
    }

    /** Whether both times are whole seconds: a file system that keeps seconds only (or a copy that set them so). */
    boolean wholeSeconds() {
        return modified % 1_000_000_000L == 0 && changed % 1_000_000_000L == 0;
    }

    boolean exists() {
        return kind != Kind.MISSING;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FileState)) {
            return false;
        }
        FileState s = (FileState) o;
        return kind == s.kind && device == s.device && inode == s.inode && size == s.size && modified == s.modified
                && changed == s.changed && Objects.equals(problem, s.problem);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, device, inode, size, modified, changed);
    }

    @Override
    public String toString() {
        return kind == Kind.FILE || kind == Kind.DIRECTORY || kind == Kind.SPECIAL
                ? kind + "[dev=" + device + ",ino=" + inode + ",size=" + size + ",mtime=" + modified + ",ctime=" + changed + "]"
                : kind + (problem == null ? "" : "[" + problem + "]");
    }
}
