package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

/** Unix-domain services over real sockets in a temporary directory, through the registry. */
public class UnixSocketTest extends CoreFixture {

    private final EchoHandler echo = new EchoHandler();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private Path dir;

    @Before
    public void startCore() throws Exception {
        assumeTrue("Unix-domain services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        dir = ScriptDir.create("superserver-unix");
        start(SETTINGS);
        registry.addHandler("h", List.of("echo"), 0, echo);
    }

    @After
    public void removeTheDirectory() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        registry.stop();
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static ServiceDefinition.Builder unix(String id, Path path) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.UNIX)
                .socketPath(path.toString()).handler("echo").origin("test:" + id);
    }

    private SocketChannel connectUnix(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        clients.add(channel);
        return channel;
    }


    /** Whether the server closes (or resets) the connection within 5 s, sending nothing. */
    private static boolean closedByServer(SocketChannel channel) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return channel.read(ByteBuffer.allocate(16)) < 0;
            } catch (IOException reset) {
                return true;
            }
        }).get(5, TimeUnit.SECONDS);
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private ListenerStatus waitForDetail(String id, String part) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        ListenerStatus now = status(id);
        while ((now.detail() == null || !now.detail().contains(part)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            now = status(id);
        }
        assertTrue(now.toString(), now.detail() != null && now.detail().contains(part));
        return now;
    }

    @Test
    public void echoServesAUnixStreamSocketWhoseFileOnlyOwnerAndGroupMayUse() throws Exception {
        Path path = dir.resolve("echo.sock");
        registry.addDefinition("d", unix("echo", path).build());
        waitForState("echo", ListenerState.LISTENING);
        assertEquals("hello\n", UnixSockets.exchange(connectUnix(path), "hello\n"));
        int mode = mode(path);
        assertEquals("a socket", 0140000, mode & 0170000);
        assertEquals(0660, mode & 07777);
        assertEquals(Files.getAttribute(dir, "unix:uid"), Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals("no temporary file is left beside the socket", List.of(path), left.toList());
        }
    }

    @Test
    public void theConfiguredModeIsTheSocketFilesMode() throws Exception {
        Path path = dir.resolve("open.sock");
        registry.addDefinition("d", unix("open", path).socketMode(0600).build());
        waitForState("open", ListenerState.LISTENING);
        assertEquals(0600, mode(path) & 07777);
    }

    @Test
    public void rootGivesTheSocketFileItsConfiguredOwnerAndGroup() throws Exception {
        assumeTrue("only root may give a file away", "root".equals(System.getProperty("user.name")));
        Path path = dir.resolve("owned.sock");
        registry.addDefinition("d", unix("owned", path).socketOwner("nobody").socketGroup("0").build());
        waitForState("owned", ListenerState.LISTENING);
        assertEquals("nobody", Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName());
        assertEquals(0, Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void theSocketFileIsRemovedWhenTheServiceIsWithdrawnAndWhenTheServerStops() throws Exception {
        Path withdrawn = dir.resolve("a.sock");
        Path stopped = dir.resolve("b.sock");
        registry.addDefinition("a", unix("a", withdrawn).build());
        registry.addDefinition("b", unix("b", stopped).build());
        waitForState("a", ListenerState.LISTENING);
        waitForState("b", ListenerState.LISTENING);
        registry.removeDefinition("a");
        settle();
        assertFalse(Files.exists(withdrawn, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(stopped, LinkOption.NOFOLLOW_LINKS));
        registry.stop();
        assertFalse(Files.exists(stopped, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void aStaleSocketOfACrashedRunIsReplaced() throws Exception {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue("the socket file outlives its socket", Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        registry.addDefinition("d", unix("stale", path).build());
        waitForState("stale", ListenerState.LISTENING);
        assertEquals("again\n", UnixSockets.exchange(connectUnix(path), "again\n"));
    }

    @Test
    public void whatIsNotAStaleSocketIsRefusedAndLeftAloneWhileAnotherServiceServes() throws Exception {
        Path target = dir.resolve("target");
        Files.writeString(target, "keep me");
        Path link = dir.resolve("link.sock");
        Files.createSymbolicLink(link, target);
        Path regular = dir.resolve("regular.sock");
        Files.writeString(regular, "data");
        Path directory = Files.createDirectory(dir.resolve("dir.sock"));
        Path live = dir.resolve("live.sock");
        Path good = dir.resolve("good.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(live));
            registry.addDefinition("l", unix("link", link).build());
            registry.addDefinition("r", unix("regular", regular).build());
            registry.addDefinition("x", unix("dir", directory).build());
            registry.addDefinition("v", unix("live", live).build());
            registry.addDefinition("g", unix("good", good).build());
            waitForState("good", ListenerState.LISTENING);
            assertEquals("served\n", UnixSockets.exchange(connectUnix(good), "served\n"));
            assertTrue(waitForDetail("link", "is taken by a symbolic link").detail().contains(link.toString()));
            assertTrue(waitForDetail("regular", "is taken by a regular file").detail().contains("service regular"));
            waitForDetail("dir", "is taken by a directory");
            assertEquals("a socket in use may be freed: tried again, as a port in use is", ListenerState.RETRYING,
                    waitForDetail("live", "another server listens on").state());
            assertEquals("a symlink needs the administrator", ListenerState.FAILED, status("link").state());
            assertTrue(Files.isSymbolicLink(link));
            assertEquals("keep me", Files.readString(target));
            assertEquals("data", Files.readString(regular));
            assertTrue(Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS));
            try (SocketChannel stillTheOther = SocketChannel.open(UnixDomainSocketAddress.of(live))) {
                assertTrue(stillTheOther.isConnected());
            }
        }
    }

    @Test
    public void aMissingDirectoryIsReportedAndTriedAgainUntilItExists() throws Exception {
        registry.addDefinition("d", unix("nodir", dir.resolve("missing").resolve("x.sock")).build());
        assertEquals(ListenerState.RETRYING, waitForDetail("nodir", "does not exist or is not a directory").state());
        Files.createDirectory(dir.resolve("missing"));
        waitForState("nodir", ListenerState.LISTENING);
        assertEquals("later\n", UnixSockets.exchange(connectUnix(dir.resolve("missing").resolve("x.sock")), "later\n"));
    }

    @Test
    public void policiesSeeThePeersCredentials() throws Exception {
        CompletableFuture<ConnectionInfo> seen = new CompletableFuture<>();
        registry.addPolicy("p", List.of("who"), 0, (c, d) -> {
            seen.complete(c);
            return CompletableFuture.completedFuture(Decision.builder(true).build());
        });
        Path path = dir.resolve("who.sock");
        registry.addDefinition("d", unix("who", path).policies(List.of("who")).build());
        waitForState("who", ListenerState.LISTENING);
        assertEquals("x", UnixSockets.exchange(connectUnix(path), "x"));
        ConnectionInfo info = seen.get(5, TimeUnit.SECONDS);
        assertNotNull(info.peer());
        assertEquals(((Integer) Files.getAttribute(dir, "unix:uid")).intValue(), info.peer().uid());
        assertEquals(((Integer) Files.getAttribute(dir, "unix:gid")).intValue() >= 0, info.peer().gid() >= 0);
        assertEquals(ProcessHandle.current().pid(), info.peer().pid());
        assertEquals(Protocol.UNIX, info.protocol());
        assertEquals(path.toString(), info.local().getHostString());
        assertTrue(info.remote().getHostString(), info.remote().getHostString().startsWith("unix:uid="));
    }

    @Test
    public void aDeniedUnixClientIsDisconnected() throws Exception {
        registry.addPolicy("p", List.of("deny"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(false).reason("no").build()));
        Path path = dir.resolve("denied.sock");
        registry.addDefinition("d", unix("denied", path).policies(List.of("deny")).build());
        waitForState("denied", ListenerState.LISTENING);
        SocketChannel client = connectUnix(path);
        assertTrue(closedByServer(client));
        assertEquals(0, echo.streams.get());
    }

    @Test
    public void anExecdCatGetsTheUnixConnectionAsItsStdinAndStdout() throws Exception {
        Path path = dir.resolve("cat.sock");
        registry.addDefinition("d", unix("cat", path).handler(null).server("/bin/cat").argv(List.of("cat")).build());
        waitForState("cat", ListenerState.LISTENING);
        SocketChannel first = connectUnix(path);
        SocketChannel second = connectUnix(path);
        assertEquals("one\n", UnixSockets.exchange(first, "one\n"));
        assertEquals("two\n", UnixSockets.exchange(second, "two\n"));
        first.shutdownOutput();
        assertTrue("cat ends at the end of its input, closing the connection", closedByServer(first));
    }

    @Test
    public void aWaitServerGetsTheBoundUnixDatagramSocketAsStdin() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue("the datagram server of this test is a python3 script", Files.isExecutable(python));
        Path script = ScriptDir.script(dir, "dgram-echo.py", "import socket\n"
                + "s = socket.socket(fileno=0)\n"
                + "data, peer = s.recvfrom(2048)\n"
                + "s.sendto(b'wait:' + data, peer)\n");
        Path path = dir.resolve("dgram.sock");
        registry.addDefinition("d", unix("dgram", path).socketType(SocketType.DGRAM).handler(null).wait(true)
                .server(python.toString()).argv(List.of("python3", script.toString())).build());
        waitForState("dgram", ListenerState.LISTENING);
        assertEquals(0660, mode(path) & 07777);
        Path client = dir.resolve("client.sock");
        // java.nio has no Unix-domain datagram channel: the client is python3 too
        Process p = new ProcessBuilder(python.toString(), "-c", "import socket,sys\n"
                + "c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
                + "c.bind(sys.argv[2]); c.settimeout(5)\n"
                + "c.sendto(b'ping', sys.argv[1])\n"
                + "print(c.recv(2048).decode())\n", path.toString(), client.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals("wait:ping", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }

    @Test
    public void anExecdChildLearnsItsUnixPeerFromTheUcspiUnixVariables() throws Exception {
        Path script = ScriptDir.script(dir, "env.sh", "#!/bin/sh\n"
                + "echo \"$PROTO|$UNIXLOCALPATH|$UNIXREMOTEEUID|$UNIXREMOTEPID|${REMOTE_HOST-none}|${TCPREMOTEIP-none}\"\n");
        Path path = dir.resolve("env.sock");
        registry.addDefinition("d", unix("env", path).handler(null).server(script.toString()).argv(List.of("env"))
                .build());
        waitForState("env", ListenerState.LISTENING);
        SocketChannel client = connectUnix(path);
        String expected = "UNIX|" + path + "|" + Files.getAttribute(dir, "unix:uid") + "|"
                + ProcessHandle.current().pid() + "|none|none\n";
        assertEquals(expected, read(client, expected.length()));
    }

    private static String read(SocketChannel channel, int length) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            ByteBuffer in = ByteBuffer.allocate(length);
            try {
                while (in.hasRemaining() && channel.read(in) >= 0) {
                    // until the whole line is in
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
        }).get(5, TimeUnit.SECONDS);
    }

    /** Sends {@code text} from a bound python3 client socket at {@code client} and returns the answer. */
    private static String datagram(Path server, Path client, String text) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue("java.nio has no Unix-domain datagram channel: the client is python3", Files.isExecutable(python));
        Process p = new ProcessBuilder(python.toString(), "-c", "import socket,sys\n"
                + "c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
                + "c.bind(sys.argv[2]); c.settimeout(5)\n"
                + "c.sendto(sys.argv[3].encode(), sys.argv[1])\n"
                + "try:\n    print(c.recv(2048).decode())\nexcept socket.timeout:\n    print('TIMEOUT')\n",
                server.toString(), client.toString(), text).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    @Test
    public void echoAnswersEachClientOfAUnixDatagramSocketAtItsOwnPath() throws Exception {
        Path path = dir.resolve("echo-dgram.sock");
        registry.addDefinition("d", unix("echo-dgram", path).socketType(SocketType.DGRAM).build());
        waitForState("echo-dgram", ListenerState.LISTENING);
        assertEquals(0660, mode(path) & 07777);
        assertEquals("one", datagram(path, dir.resolve("c1.sock"), "one"));
        assertEquals("two", datagram(path, dir.resolve("c2.sock"), "two"));
    }

    @Test
    public void aUnixDatagramBuiltInCannotBeGuardedByAPolicyItCouldNotAsk() throws Exception {
        Path path = dir.resolve("guarded-dgram.sock");
        registry.addDefinition("d", unix("guarded", path).socketType(SocketType.DGRAM).policies(List.of("tcpd"))
                .build());
        assertEquals(ListenerState.FAILED, waitForDetail("guarded", "does not say who sent it").state());
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void perSourceCountsTheClientsOfOneUser() throws Exception {
        Path path = dir.resolve("per-user.sock");
        registry.addDefinition("d", unix("per-user", path).perSource(1).build());
        waitForState("per-user", ListenerState.LISTENING);
        SocketChannel first = connectUnix(path);
        assertEquals("first\n", UnixSockets.exchange(first, "first\n"));
        SocketChannel second = connectUnix(path);
        assertTrue("a second client of the same uid is over per_source 1", closedByServer(second));
        first.close();
        long deadline = System.currentTimeMillis() + 5_000;
        String answer = "";
        while (!answer.equals("third\n") && System.currentTimeMillis() < deadline) {
            try {
                answer = UnixSockets.exchange(connectUnix(path), "third\n");
            } catch (Exception refusedWhileTheFirstIsCounted) {
                Thread.sleep(20);
            }
        }
        assertEquals("third\n", answer);
    }

    @Test
    public void aUnixSocketIsNeverReachedOverTcp() throws Exception {
        Path path = dir.resolve("only.sock");
        registry.addDefinition("d", unix("only", path).build());
        ListenerStatus status = waitForState("only", ListenerState.LISTENING);
        assertEquals(path.toString(), status.boundAddress().getHostString());
        assertEquals(0, status.boundAddress().getPort());
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("other.sock"))).close();
            fail("nothing listens at other.sock");
        } catch (ConnectException | java.nio.file.NoSuchFileException expected) {
            // nothing there
        } catch (java.net.SocketException expected) {
            // nothing there
        }
    }
}
