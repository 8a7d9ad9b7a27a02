package org.superserver.shell.remote.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link ShellSocket}: a socket of mode 0600 owned by the server's user, published only once it
 * is so; a stale socket of a crashed run replaced, anything else at the path left alone; the file
 * removed on close, unless something else took its path.
 */
public class ShellSocketTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private Path data;
    private Path path;

    @Before
    public void dataDirectory() throws IOException {
        data = folder.newFolder("data").toPath();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        path = data.resolve("shell.sock");
    }

    @Test
    public void theSocketIsMode0600OfTheServersUserAndIsRemovedOnClose() throws IOException {
        int uid = (Integer) Files.getAttribute(data, "unix:uid");
        try (ShellSocket socket = ShellSocket.open(path, 4)) {
            assertEquals(0140600, (int) (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS));
            assertEquals(uid, (int) (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            assertEquals(uid, socket.uid());
            assertFalse(socket.replacedStale());
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
                    SocketChannel accepted = socket.channel().accept()) {
                assertTrue(accepted.isConnected());
            }
            assertEquals("nothing but the socket is left in the directory", List.of(path), list(data));
        }
        assertFalse("removed on close", Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(), list(data));
    }

    @Test
    public void aStaleSocketOfTheSameUserIsReplaced() throws IOException {
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue("a closed channel leaves its file", Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        try (ShellSocket socket = ShellSocket.open(path, 4)) {
            assertTrue(socket.replacedStale());
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
                    SocketChannel accepted = socket.channel().accept()) {
                assertTrue(accepted.isConnected());
            }
        }
    }

    @Test
    public void aSocketThatAnotherServerStillServesIsLeftToIt() throws IOException {
        try (ShellSocket first = ShellSocket.open(path, 4)) {
            IOException refused = assertThrows(ShellSocket.RefusedException.class, () -> ShellSocket.open(path, 4));
            assertTrue(refused.getMessage(), refused.getMessage().startsWith("Another server already serves its shell at "
                    + path));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                // the probe of the refused one is in the backlog first, then this client
                first.channel().accept().close();
                assertTrue(first.channel().accept().isConnected());
            }
            assertEquals(List.of(path), list(data));
        }
    }

    @Test
    public void aSymlinkAtThePathIsRefusedAndNeitherItNorItsTargetIsTouched() throws IOException {
        Path target = folder.newFile("precious").toPath();
        Files.writeString(target, "precious\n");
        Files.createSymbolicLink(path, target);
        IOException refused = assertThrows(ShellSocket.RefusedException.class, () -> ShellSocket.open(path, 4));
        assertEquals("The shell socket's path " + path + " is taken by a symbolic link; it is left alone: remove it,"
                + " or give the property path of org.superserver.shell.remote another path", refused.getMessage());
        assertTrue(Files.isSymbolicLink(path));
        assertEquals("precious\n", Files.readString(target));
        assertEquals("no temporary directory is left", List.of(path), list(data));
    }

    @Test
    public void aSymlinkToASocketIsRefusedToo() throws IOException {
        Path elsewhere = folder.newFolder("elsewhere").toPath().resolve("other.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(elsewhere));
            Files.createSymbolicLink(path, elsewhere);
            IOException refused = assertThrows(ShellSocket.RefusedException.class, () -> ShellSocket.open(path, 4));
            assertTrue(refused.getMessage(), refused.getMessage().contains("is taken by a symbolic link"));
            assertTrue(Files.isSymbolicLink(path));
        }
    }

    @Test
    public void aRegularFileAtThePathIsRefusedAndKept() throws IOException {
        Files.writeString(path, "mine\n");
        IOException refused = assertThrows(ShellSocket.RefusedException.class, () -> ShellSocket.open(path, 4));
        assertTrue(refused.getMessage(), refused.getMessage().contains("is taken by not a socket"));
        assertEquals("mine\n", Files.readString(path));
    }

    @Test
    public void aDirectoryOthersMayWriteIsRefused() throws IOException {
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException refused = assertThrows(ShellSocket.RefusedException.class, () -> ShellSocket.open(path, 4));
        assertEquals("The directory " + data + " of the shell socket is mode 0777: other users could replace the"
                + " socket; take write access away from group and others (chmod go-w), or give the property path of"
                + " org.superserver.shell.remote another directory", refused.getMessage());
        assertEquals(List.of(), list(data));
    }

    @Test
    public void aMissingDirectoryIsRefused() {
        Path missing = data.resolve("missing/shell.sock");
        IOException refused = assertThrows(ShellSocket.RefusedException.class, () -> ShellSocket.open(missing, 4));
        assertTrue(refused.getMessage(), refused.getMessage().contains("does not exist or is not a directory"));
    }

    @Test
    public void aPathTooLongForASocketIsRefusedWithItsLength() throws IOException {
        Path deep = data.resolve("d".repeat(120));
        Files.createDirectory(deep);
        Path tooLong = deep.resolve("shell.sock");
        IOException refused = assertThrows(ShellSocket.RefusedException.class, () -> ShellSocket.open(tooLong, 4));
        assertTrue(refused.getMessage(), refused.getMessage().startsWith("The socket path " + tooLong + " is "
                + tooLong.toString().length() + " bytes long; a Unix-domain socket's path has at most 107"));
        assertEquals(List.of(), list(deep));
    }

    @Test
    public void whatTookThePathAfterwardsIsNotRemovedOnClose() throws IOException {
        Path replacement;
        try (ShellSocket socket = ShellSocket.open(path, 4)) {
            replacement = data.resolve("replacement");
            Files.writeString(replacement, "new\n");
            Files.move(replacement, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals("new\n", Files.readString(path));
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().collect(Collectors.toList());
        }
    }
}
