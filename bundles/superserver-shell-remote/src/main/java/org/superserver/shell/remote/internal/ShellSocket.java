package org.superserver.shell.remote.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A listening Unix-domain socket that only its owner can connect to, created so that it is never
 * reachable by anyone else, not even for a moment: it is bound inside a new directory of mode
 * 0700, set to mode 0600 and checked there, and only then renamed to its path. The directory of
 * that path must belong to the server's user (or root) and be writable by nobody else, so nothing
 * at the path can change under us. What is already at the path is replaced only if it is a socket
 * of our own user that nobody serves (left by a server that crashed); a symlink, another file, or
 * a socket that still answers is refused and left alone. {@link #close()} removes the file if it
 * is still the one created here.
 */
final class ShellSocket implements Closeable {

    /** The longest path a Unix-domain socket can have on Linux (sun_path holds 108 bytes with its NUL). */
    static final int MAX_PATH_BYTES = 107;

    /** The file type bits of st_mode, and those of a socket. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Why the socket was not created: what is wrong, where, and what to do. */
    static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    private final Path path;
    private final ServerSocketChannel channel;
    private final Object fileKey;
    private final int uid;
    private final UserPrincipal owner;
    private final boolean replacedStale;

    private ShellSocket(Path path, ServerSocketChannel channel, Object fileKey, int uid, UserPrincipal owner,
            boolean replacedStale) {
        this.path = path;
        this.channel = channel;
        this.fileKey = fileKey;
        this.uid = uid;
        this.owner = owner;
        this.replacedStale = replacedStale;
    }

    /** Creates, binds and publishes the socket at {@code path}. */
    static ShellSocket open(Path path, int backlog) throws IOException {
        Path socket = path.toAbsolutePath().normalize();
        Path directory = socket.getParent();
        checkLength(socket);
        checkDirectory(directory);
        Path privateDirectory = createPrivateDirectory(directory);
        Path bound = privateDirectory.resolve("s");
        ServerSocketChannel channel = null;
        try {
            checkLength(bound);
            int uid = (Integer) Files.getAttribute(privateDirectory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            UserPrincipal owner = Files.getOwner(privateDirectory, LinkOption.NOFOLLOW_LINKS);
            checkDirectoryOwner(directory, uid);
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(bound), backlog);
            // chmod(2) follows a symlink, but nobody else can put one into the 0700 directory.
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            int mode = (Integer) Files.getAttribute(bound, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int boundOwner = (Integer) Files.getAttribute(bound, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if ((mode & S_IFMT) != S_IFSOCK || (mode & 07777) != 0600 || boundOwner != uid) {
                throw new RefusedException(String.format("The socket %s came out as mode %06o of uid %d, not a"
                        + " socket of mode 0600 of uid %d; it is not served", bound, mode, boundOwner, uid));
            }
            boolean stale = checkWhatIsAt(socket, uid);
            Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            ShellSocket opened = new ShellSocket(socket, channel, key, uid, owner, stale);
            channel = null;
            return opened;
        } finally {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(bound);
            Files.deleteIfExists(privateDirectory);
        }
    }

    Path path() {
        return path;
    }

    ServerSocketChannel channel() {
        return channel;
    }

    /** The uid of the server's user, who owns the socket. */
    int uid() {
        return uid;
    }

    /** The server's user, as the file system names it. */
    UserPrincipal owner() {
        return owner;
    }

    /** Whether a stale socket of an earlier run was replaced. */
    boolean replacedStale() {
        return replacedStale;
    }

    /** Stops listening and removes the socket file, unless something else has taken its path since. */
    @Override
    public void close() throws IOException {
        channel.close();
        try {
            Object current = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(current, fileKey)) {
                Files.delete(path);
            }
        } catch (NoSuchFileException gone) {
            // already removed
        }
    }

    private static void checkLength(Path socket) throws RefusedException {
        int bytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new RefusedException("The socket path " + socket + " is " + bytes + " bytes long; a Unix-domain"
                    + " socket's path has at most " + MAX_PATH_BYTES + ": give the property path of "
                    + RemoteShell.PID + " a shorter one (or use a data directory with a shorter path)");
        }
    }

    private static void checkDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new RefusedException("The directory " + directory + " of the shell socket does not exist or is"
                    + " not a directory");
        }
        int mode = (Integer) Files.getAttribute(directory, "unix:mode");
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
            throw new RefusedException(String.format("The directory %s of the shell socket is mode %04o: other users"
                    + " could replace the socket; take write access away from group and others (chmod go-w), or"
                    + " give the property path of %s another directory", directory, mode & 07777, RemoteShell.PID));
        }
    }

    private static void checkDirectoryOwner(Path directory, int uid) throws IOException {
        int owner = (Integer) Files.getAttribute(directory, "unix:uid");
        if (owner != uid && owner != 0) {
            throw new RefusedException("The directory " + directory + " of the shell socket belongs to uid " + owner
                    + ", not to uid " + uid + " that runs this server (nor to root): its owner could replace the"
                    + " socket");
        }
    }

    /** A new directory of mode 0700 (whatever the umask) beside the socket's path, with a short name. */
    private static Path createPrivateDirectory(Path directory) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path candidate = directory.resolve(String.format(".shell-%06x", RANDOM.nextInt(1 << 24)));
            try {
                return Files.createDirectory(candidate,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 100) {
                    throw taken;
                }
            }
        }
    }

    /**
     * Nothing at the path, or a stale socket of {@code uid} that may be replaced (then true);
     * anything else is refused.
     */
    private static boolean checkWhatIsAt(Path socket, int uid) throws IOException {
        int mode;
        int owner;
        try {
            mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            owner = (Integer) Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException nothing) {
            return false;
        }
        if ((mode & S_IFMT) != S_IFSOCK || owner != uid) {
            String what = Files.isSymbolicLink(socket) ? "a symbolic link"
                    : (mode & S_IFMT) == S_IFSOCK ? "a socket of uid " + owner : "not a socket";
            throw new RefusedException("The shell socket's path " + socket + " is taken by " + what
                    + "; it is left alone: remove it, or give the property path of " + RemoteShell.PID
                    + " another path");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            throw new RefusedException("Another server already serves its shell at " + socket
                    + " (it accepted a connection); stop it, or give this one another --data or another path");
        } catch (ConnectException stale) {
            return true;
        }
    }
}
