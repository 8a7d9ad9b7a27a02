package org.superserver.core.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.superserver.api.ServiceDefinition;

/**
 * The socket file of a Unix-domain service, never reachable with other permissions than its
 * definition's: the socket is bound inside a new directory of mode 0700 beside its path, given its
 * mode, owner and group there, and only then renamed into place. A socket nobody listens on (left
 * by a server that crashed) is replaced; a symbolic link (never followed), a regular file, a
 * directory or a socket that still answers is refused, naming the service and the path. {@link
 * #remove()} deletes the file if it is still the one created here.
 */
final class SocketFile {

    private static final int MAX_PATH_BYTES = 107;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Why a service's socket file was not created: what is wrong, where, and what to do. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean mayPass;

        Refused(String message) {
            this(message, false);
        }

        /** @param mayPass whether the cause may go by itself (a directory still to be made, a server still to stop) */
        Refused(String message, boolean mayPass) {
            super(message);
            this.mayPass = mayPass;
        }

        /** Whether trying again later may succeed, as with a port in use. */
        boolean mayPass() {
            return mayPass;
        }
    }

    /** Binds a socket at the path given, returning what is to be closed if anything fails later. */
    @FunctionalInterface
    interface Binder {
        AutoCloseable bind(Path path) throws Exception;
    }

    private final Path path;
    private final Object fileKey;
    private final boolean replacedStale;

    private SocketFile(Path path, Object fileKey, boolean replacedStale) {
        this.path = path;
        this.fileKey = fileKey;
        this.replacedStale = replacedStale;
    }

    /**
     * Binds the socket of {@code definition} with {@code binder} and publishes it at the
     * definition's path with its mode, owner and group.
     *
     * @throws Refused when the path is taken or its directory is missing
     * @throws Exception what {@code binder} or the file system threw
     */
    static SocketFile create(ServiceDefinition definition, Binder binder) throws Exception {
        Path socket = Path.of(definition.socketPath());
        Path directory = socket.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new Refused(where(definition) + ": the directory " + directory + " does not exist or is not a"
                    + " directory; create it first", true);
        }
        checkWhatIsAt(definition, socket); // fail early, before anything is bound
        Path privateDirectory = createPrivateDirectory(directory);
        Path bound = privateDirectory.resolve("s");
        AutoCloseable channel = null;
        try {
            if (bound.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
                throw new Refused(where(definition) + ": the temporary path " + bound + " beside it is longer than "
                        + MAX_PATH_BYTES + " bytes; use a shorter socket path");
            }
            channel = binder.bind(bound);
            // chmod(2) follows a symlink, but nobody else can put one into the 0700 directory.
            Files.setPosixFilePermissions(bound, permissions(definition.socketMode()));
            setOwners(definition, bound);
            boolean stale = checkWhatIsAt(definition, socket);
            Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            channel = null;
            return new SocketFile(socket, key, stale);
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

    /** Whether a stale socket of an earlier run was replaced. */
    boolean replacedStale() {
        return replacedStale;
    }

    /** Removes the socket file, unless something else has taken its path since; never throws. */
    void remove() {
        try {
            Object current = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(current, fileKey)) {
                Files.delete(path);
            }
        } catch (IOException gone) {
            // already removed, or replaced by something that is not ours
        }
    }

    /** {@code mode}'s permission bits. */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    /** Gives the file its configured owner and group, as lchown(2) does: never through a link. */
    private static void setOwners(ServiceDefinition definition, Path bound) throws IOException {
        if (definition.socketOwner() == null && definition.socketGroup() == null) {
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(bound, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        UserPrincipalLookupService names = bound.getFileSystem().getUserPrincipalLookupService();
        try {
            if (definition.socketOwner() != null) {
                view.setOwner(names.lookupPrincipalByName(definition.socketOwner()));
            }
            if (definition.socketGroup() != null) {
                GroupPrincipal group = names.lookupPrincipalByGroupName(definition.socketGroup());
                view.setGroup(group);
            }
        } catch (IOException e) {
            throw new Refused(where(definition) + ": cannot give the socket the owner " + definition.socketOwner()
                    + " and group " + definition.socketGroup() + " (" + e + "); only root may give a file away,"
                    + " and the names must exist");
        }
    }

    /**
     * Nothing at the path (false), or a stale socket that may be replaced (true); anything else
     * is refused.
     */
    private static boolean checkWhatIsAt(ServiceDefinition definition, Path socket) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException nothing) {
            return false;
        }
        if (!attributes.isOther() || !isSocket(socket)) {
            String what = attributes.isSymbolicLink() ? "a symbolic link (not followed)"
                    : attributes.isDirectory() ? "a directory"
                    : attributes.isRegularFile() ? "a regular file" : "a file that is not a socket";
            throw new Refused(where(definition) + " is taken by " + what + "; it is left alone: remove it, or give"
                    + " the service another path");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException stale) {
            return true; // ECONNREFUSED: nobody listens there any more
        } catch (IOException other) {
            // a live socket of another type (EPROTOTYPE), or one we may not reach: not ours to replace
            throw new Refused(where(definition) + " is taken by a socket that is in use (" + other.getMessage()
                    + "); it is left alone", true);
        }
        throw new Refused(where(definition) + " is taken by a socket that another server listens on (it accepted"
                + " a connection); stop it, or give the service another path", true);
    }

    private static boolean isSocket(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0140000;
    }

    private static String where(ServiceDefinition definition) {
        return "service " + definition.name() + " (" + definition.origin() + "): socket path "
                + definition.socketPath();
    }

    /** A new directory of mode 0700 (whatever the umask) beside the socket's path, with a short name. */
    private static Path createPrivateDirectory(Path directory) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path candidate = directory.resolve(String.format(".ss-%06x", RANDOM.nextInt(1 << 24)));
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
}
