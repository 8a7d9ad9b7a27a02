package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

/**
 * Unix-domain sockets passed as systemd passes them (LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES), made
 * here at paths in a temporary directory or at abstract names, and adopted by unix services.
 */
public class UnixSocketActivationTest {

    private static final Settings SETTINGS = new Settings("auto", 2, 128, 32 * 1024, 64 * 1024, 5_000);

    private final List<Integer> made = new ArrayList<>();
    private final List<Integer> passed = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private Registry registry;
    private Path dir;

    @Before
    public void needEpoll() throws Exception {
        assumeTrue("passed sockets are adopted by the epoll transport, not available here: "
                + Epoll.unavailabilityCause(), Epoll.isAvailable());
        dir = ScriptDir.create("superserver-adopt");
    }

    @After
    public void closeEverything() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (registry != null) {
            registry.stop();
        }
        for (int fd : made) {
            Libc.close(fd);
        }
        for (int fd : passed) {
            if (isOpen(fd)) {
                Libc.close(fd); // one the registry did not close already
            }
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private int socket(SocketType type, String path) throws IOException {
        int fd = UnixSockets.bound(type, path);
        made.add(fd);
        return fd;
    }

    private static String abstractName(String what) {
        return "@superserver-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-" + what;
    }

    /**
     * Copies {@code originals} to consecutive descriptors (without close-on-exec, as a service
     * manager passes them), closes the originals and starts a registry told about the copies;
     * returns the first.
     */
    private int pass(String names, int... originals) throws Exception {
        int first = PassedDescriptors.copyConsecutive(passed, originals);
        for (int original : originals) {
            Libc.close(original);
            made.remove(Integer.valueOf(original));
        }
        Map<String, String> env = PassedDescriptors.environment(originals.length, names);
        registry = new Registry(env::get, first);
        registry.start(SETTINGS).get(10, TimeUnit.SECONDS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
        return first;
    }

    private ListenerStatus status(String id) throws Exception {
        registry.settled().get(10, TimeUnit.SECONDS);
        return registry.listener(id).orElseThrow(() -> new AssertionError("no listener for " + id));
    }

    private static ServiceDefinition.Builder unix(String id, SocketType type, String path) {
        return ServiceDefinition.builder().id(id).name(id).socketType(type).protocol(Protocol.unix(type))
                .socketPath(path).handler("echo").origin("test:" + id);
    }

    private SocketChannel connect(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        clients.add(channel);
        return channel;
    }


    /** Sends {@code text} to {@code server} from a new client socket and returns its reply. */
    private String exchange(SocketType type, String server, String text) throws Exception {
        String self = type == SocketType.DGRAM ? dir.resolve("client-" + System.nanoTime() + ".sock").toString() : "";
        int client = UnixSockets.client(type, server, self);
        try {
            UnixSockets.send(client, text);
            return type == SocketType.DGRAM ? UnixSockets.receiveDatagram(client)
                    : UnixSockets.receive(client, text.length());
        } finally {
            Libc.close(client);
        }
    }

    private static boolean isOpen(int fd) {
        return Libc.fcntl(fd, Libc.F_GETFD, 0) >= 0;
    }

    private static boolean isSocket(Path path) throws IOException {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                && ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0140000;
    }

    @Test
    public void aUnixSocketPassedAtTheServicesPathIsServedAndItsFileLeftAsItIs() throws Exception {
        Path path = dir.resolve("echo.sock");
        int original = socket(SocketType.STREAM, path.toString());
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        int fd = pass(null, original);
        // the same file, written another way: paths are compared absolute and normalised
        registry.addDefinition("d", unix("echo", SocketType.STREAM, dir + "/sub/../echo.sock").build());
        ListenerStatus status = status("echo");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertTrue(status.adopted());
        assertEquals(fd, status.passedFd());
        assertEquals(path.toString(), status.boundAddress().getHostString());
        assertEquals("adopted\n", UnixSockets.exchange(connect(path), "adopted\n"));
        assertEquals("not chmod'ed to the definition's 0660", "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));

        registry.removeDefinition("d");
        registry.settled().get(10, TimeUnit.SECONDS);
        assertFalse("closed with its service", isOpen(fd));
        assertTrue("the file is the service manager's: not removed", isSocket(path));
    }

    @Test
    public void aUnixSocketNamedForAServiceIsServedWhereverItsFileIs() throws Exception {
        Path elsewhere = dir.resolve("made-by-systemd.sock");
        int fd = pass("echo", socket(SocketType.STREAM, elsewhere.toString()));
        Path configured = dir.resolve("echo.sock");
        registry.addDefinition("d", unix("echo", SocketType.STREAM, configured.toString()).build());
        ListenerStatus status = status("echo");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertEquals(fd, status.passedFd());
        assertEquals("echo", status.passedName());
        assertEquals("where clients reach it", elsewhere.toString(), status.boundAddress().getHostString());
        assertEquals("by name\n", UnixSockets.exchange(connect(elsewhere), "by name\n"));
        assertFalse("nothing is bound at the configured path", Files.exists(configured, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void anAbstractSocketIsAdoptedOnlyByItsName() throws Exception {
        String unnamed = abstractName("unnamed");
        String named = abstractName("named");
        int fd = pass(":daytime", socket(SocketType.STREAM, unnamed), socket(SocketType.STREAM, named));
        registry.addDefinition("a", unix("daytime", SocketType.STREAM, dir.resolve("daytime.sock").toString())
                .build());
        registry.addDefinition("b", unix("other", SocketType.STREAM, dir.resolve("other.sock").toString()).build());
        ListenerStatus daytime = status("daytime");
        assertEquals(daytime.toString(), ListenerState.LISTENING, daytime.state());
        assertEquals(fd + 1, daytime.passedFd());
        assertEquals(named, daytime.boundAddress().getHostString());
        assertEquals("abstract\n", exchange(SocketType.STREAM, named, "abstract\n"));
        ListenerStatus other = status("other");
        assertEquals(other.toString(), ListenerState.LISTENING, other.state());
        assertFalse("an abstract socket has no path to match: the service binds its own", other.adopted());
        assertTrue(isSocket(dir.resolve("other.sock")));

        registry.configurationApplied().get(10, TimeUnit.SECONDS);
        assertFalse("no service took it: closed", isOpen(fd));
        assertTrue(isOpen(fd + 1));
    }

    @Test
    public void aUnixDatagramSocketIsAdoptedByAUnixDgramService() throws Exception {
        Path path = dir.resolve("echo-dgram.sock");
        int fd = pass(null, socket(SocketType.DGRAM, path.toString()));
        registry.addDefinition("d", unix("echo-dgram", SocketType.DGRAM, path.toString()).build());
        ListenerStatus status = status("echo-dgram");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertEquals(fd, status.passedFd());
        assertEquals("one", exchange(SocketType.DGRAM, path.toString(), "one"));
        assertEquals("two", exchange(SocketType.DGRAM, path.toString(), "two"));
    }

    @Test
    public void anExecdServerGetsEachConnectionOfTheAdoptedSocket() throws Exception {
        assumeTrue("needs /bin/cat", Files.isExecutable(Path.of("/bin/cat")));
        Path path = dir.resolve("cat.sock");
        int fd = pass(null, socket(SocketType.STREAM, path.toString()));
        registry.addDefinition("d", unix("cat", SocketType.STREAM, path.toString()).handler(null).server("/bin/cat")
                .argv(List.of("cat")).build());
        assertEquals(fd, status("cat").passedFd());
        SocketChannel first = connect(path);
        SocketChannel second = connect(path);
        assertEquals("one\n", UnixSockets.exchange(first, "one\n"));
        assertEquals("two\n", UnixSockets.exchange(second, "two\n"));
    }

    @Test
    public void aWaitServerGetsTheAdoptedUnixDatagramSocket() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue("the datagram server of this test is a python3 script", Files.isExecutable(python));
        Path script = ScriptDir.script(dir, "dgram-echo.py", "import socket\n"
                + "s = socket.socket(fileno=0)\n"
                + "data, peer = s.recvfrom(2048)\n"
                + "s.sendto(b'wait:' + data, peer)\n");
        Path path = dir.resolve("dgram.sock");
        int fd = pass(null, socket(SocketType.DGRAM, path.toString()));
        registry.addDefinition("d", unix("dgram", SocketType.DGRAM, path.toString()).handler(null).wait(true)
                .server(python.toString()).argv(List.of("python3", script.toString())).build());
        assertEquals(fd, status("dgram").passedFd());
        assertEquals("wait:ping", exchange(SocketType.DGRAM, path.toString(), "ping"));
    }

    @Test
    public void aSocketOfTheWrongTypeOrFamilyForTheServiceNamingItIsNotAdoptedAndIsClosed() throws Exception {
        Path datagram = dir.resolve("dgram.sock");
        io.netty.channel.unix.Socket tcp = io.netty.channel.unix.Socket.newSocketStream();
        tcp.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        tcp.listen(4);
        int tcpCopy = Libc.fcntl(tcp.intValue(), 0 /* F_DUPFD */, 3);
        tcp.close();
        made.add(tcpCopy);
        int fd = pass("echo:echo", socket(SocketType.DGRAM, datagram.toString()), tcpCopy);
        Path path = dir.resolve("echo.sock");
        registry.addDefinition("d", unix("echo", SocketType.STREAM, path.toString()).build());
        ListenerStatus status = status("echo");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertFalse("a stream service takes neither a datagram socket nor a TCP one", status.adopted());
        assertEquals("bound its own\n", UnixSockets.exchange(connect(path), "bound its own\n"));
        assertTrue("kept until the configuration is applied", isOpen(fd));
        registry.configurationApplied().get(10, TimeUnit.SECONDS);
        assertFalse(isOpen(fd));
        assertFalse(isOpen(fd + 1));
        assertTrue("its file stays", isSocket(datagram));
    }

    @Test
    public void aRebindKeepsTheAdoptedUnixSocketAndItsClients() throws Exception {
        Path path = dir.resolve("echo.sock");
        int fd = pass(null, socket(SocketType.STREAM, path.toString()));
        registry.addDefinition("d", unix("echo", SocketType.STREAM, path.toString()).build());
        registry.configurationApplied().get(10, TimeUnit.SECONDS);
        SocketChannel before = connect(path);
        assertEquals("first\n", UnixSockets.exchange(before, "first\n"));
        // a changed definition (another handler name): the listener is closed and bound again
        registry.addHandler("h2", List.of("echo2"), 0, new EchoHandler());
        registry.addDefinition("d", unix("echo", SocketType.STREAM, path.toString()).handler("echo2").build());
        ListenerStatus status = status("echo");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertTrue("the same passed socket, kept across the rebind", status.adopted());
        assertTrue("the file stays through the rebind", isSocket(path));
        assertEquals("accepted before\n", UnixSockets.exchange(before, "accepted before\n"));
        assertEquals("after\n", UnixSockets.exchange(connect(path), "after\n"));
        // new event loops: the adopted socket is served on them
        registry.reconfigure(SETTINGS.withWorkerThreads(1)).get(10, TimeUnit.SECONDS);
        ListenerStatus moved = status("echo");
        assertEquals(moved.toString(), ListenerState.LISTENING, moved.state());
        assertTrue(moved.adopted());
        assertEquals("moved\n", UnixSockets.exchange(connect(path), "moved\n"));
        registry.stop();
        registry = null;
        assertFalse(isOpen(fd));
        assertTrue("the server stopped; the file is still the service manager's", isSocket(path));
    }
}
