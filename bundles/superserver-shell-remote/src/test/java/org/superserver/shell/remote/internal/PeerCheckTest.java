package org.superserver.shell.remote.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@link PeerCheck} on real connections: whose they are, from the kernel, decides. */
public class PeerCheckTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private ServerSocketChannel server;
    private SocketChannel client;
    private SocketChannel accepted;
    private UserPrincipal me;
    private int myUid;

    @Before
    public void connection() throws IOException {
        Path socket = folder.getRoot().toPath().resolve("s");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        accepted = server.accept();
        me = Files.getOwner(socket);
        myUid = (Integer) Files.getAttribute(socket, "unix:uid");
    }

    @After
    public void close() throws IOException {
        accepted.close();
        client.close();
        server.close();
    }

    private static UserPrincipal nobody() throws IOException {
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    @Test
    public void theServersOwnUserIsAllowed() throws IOException {
        assertTrue(PeerCheck.available());
        assertEquals(new PeerCheck.Verdict(true, Integer.toString(myUid)), new PeerCheck(me, myUid, false).check(accepted));
    }

    @Test
    public void anyOtherUserIsRefusedAndNamed() throws IOException {
        assumeTrue("the tests run as nobody", myUid != 65534);
        assertEquals(new PeerCheck.Verdict(false, me.getName()), new PeerCheck(nobody(), 65534, false).check(accepted));
    }

    @Test
    public void rootIsAllowedUnlessAllowRootIsFalse() throws IOException {
        assumeTrue("only a connection of root's shows it; skipped as " + me.getName(), myUid == 0);
        assertEquals(new PeerCheck.Verdict(true, "0"), new PeerCheck(nobody(), 65534, true).check(accepted));
        assertEquals(new PeerCheck.Verdict(false, "root"), new PeerCheck(nobody(), 65534, false).check(accepted));
    }
}
