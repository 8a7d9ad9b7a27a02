package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
 * Sockets passed as systemd passes them (LISTEN_PID of this process, LISTEN_FDS, LISTEN_FDNAMES):
 * real sockets bound here on 127.0.0.1, copied to consecutive descriptors above the JVM's own.
 */
public class SocketActivationTest {

    private static final Settings SETTINGS = new Settings("auto", 2, 128, 32 * 1024, 64 * 1024, 5_000);

    private final List<Socket> sockets = new ArrayList<>();
    private final List<Integer> passed = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private Registry registry;

    @Before
    public void needEpoll() {
        assumeTrue("passed sockets are adopted by the epoll transport, not available here: "
                + Epoll.unavailabilityCause(), Epoll.isAvailable());
    }

    @After
    public void closeEverything() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (registry != null) {
            registry.stop();
        }
        for (Socket s : sockets) {
            s.close();
        }
        for (int fd : passed) {
            Libc.close(fd); // the ones the registry did not close already
        }
    }

    /** A listening TCP socket on 127.0.0.1 at an ephemeral port. */
    private Socket stream() throws Exception {
        return PassedDescriptors.stream(sockets, "127.0.0.1");
    }

    private Socket datagram() throws Exception {
        return PassedDescriptors.datagram(sockets, "127.0.0.1");
    }

    /**
     * Copies {@code originals} to consecutive descriptors (without close-on-exec, as a service
     * manager passes them) and starts a registry told about them; returns the first.
     */
    private int pass(String names, Settings settings, Socket... originals) throws Exception {
        int first = PassedDescriptors.copyConsecutive(passed,
                java.util.Arrays.stream(originals).mapToInt(Socket::intValue).toArray());
        Map<String, String> env = PassedDescriptors.environment(originals.length, names);
        for (Socket original : originals) {
            original.close(); // only the passed copy is left
        }
        registry = new Registry(env::get, first);
        registry.start(settings).get(10, TimeUnit.SECONDS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
        return first;
    }

    private ListenerStatus status(String id) throws Exception {
        registry.settled().get(10, TimeUnit.SECONDS);
        return registry.listener(id).orElseThrow(() -> new AssertionError("no listener for " + id));
    }

    private static ServiceDefinition.Builder tcp(String id, int port) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(port).handler("echo").origin("test:" + id);
    }

    private static ServiceDefinition.Builder udp(String id, int port) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.DGRAM).protocol(Protocol.UDP)
                .bindAddress("127.0.0.1").port(port).handler("echo").origin("test:" + id);
    }

    private java.net.Socket connect(int port) throws Exception {
        java.net.Socket client = new java.net.Socket();
        clients.add(client);
        client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        client.setSoTimeout(5_000);
        return client;
    }

    private static boolean isOpen(int fd) {
        return Libc.fcntl(fd, Libc.F_GETFD, 0) >= 0;
    }

    @Test
    public void adoptedTcpSocketServesEchoAndIsMarkedCloseOnExec() throws Exception {
        Socket socket = stream();
        int port = socket.localAddress().getPort();
        int fd = pass(null, SETTINGS, socket);
        assertEquals("the core marks a passed descriptor close-on-exec at start", Libc.FD_CLOEXEC,
                Libc.fcntl(fd, Libc.F_GETFD, 0) & Libc.FD_CLOEXEC);
        registry.addDefinition("d", tcp("echo", port).build());
        ListenerStatus status = status("echo");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertTrue(status.adopted());
        assertEquals(fd, status.passedFd());
        assertEquals(port, status.boundAddress().getPort());
        CoreFixture.assertEchoes(connect(port), "adopted\n");
    }

    @Test
    public void adoptedUdpSocketServesEcho() throws Exception {
        Socket socket = datagram();
        int port = socket.localAddress().getPort();
        int fd = pass("echo-udp", SETTINGS, socket);
        registry.addDefinition("d", udp("echo-udp", port).build());
        ListenerStatus status = status("echo-udp");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertEquals(fd, status.passedFd());
        assertEquals("echo-udp", status.passedName());
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        clients.add(client);
        client.setSoTimeout(5_000);
        byte[] sent = "ping".getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(sent, sent.length, new InetSocketAddress("127.0.0.1", port)));
        DatagramPacket reply = new DatagramPacket(new byte[64], 64);
        client.receive(reply);
        assertEquals("ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
    }

    @Test
    public void aSocketIsMatchedByNameAndAnotherByAddress() throws Exception {
        Socket named = stream();
        Socket unnamed = stream();
        int namedPort = named.localAddress().getPort();
        int unnamedPort = unnamed.localAddress().getPort();
        // the name "first" would match by name only: its definition asks for any port (0)
        int fd = pass("first:", SETTINGS, named, unnamed);
        registry.addDefinition("b", tcp("second", unnamedPort).build());
        registry.addDefinition("a", tcp("first", 0).build());
        ListenerStatus first = status("first");
        ListenerStatus second = status("second");
        assertEquals(fd, first.passedFd());
        assertEquals("first", first.passedName());
        assertEquals(namedPort, first.boundAddress().getPort());
        assertEquals(fd + 1, second.passedFd());
        assertEquals(unnamedPort, second.boundAddress().getPort());
        CoreFixture.assertEchoes(connect(namedPort), "by name\n");
        CoreFixture.assertEchoes(connect(unnamedPort), "by address\n");
    }

    @Test
    public void anUnmatchedSocketIsClosedOnceTheConfigurationIsApplied() throws Exception {
        Socket socket = stream();
        int port = socket.localAddress().getPort();
        int fd = pass("nobody", SETTINGS, socket);
        registry.addDefinition("d", tcp("echo", 0).build());
        registry.settled().get(10, TimeUnit.SECONDS);
        assertTrue("kept until the configuration is applied", isOpen(fd));
        registry.configurationApplied().get(10, TimeUnit.SECONDS);
        assertFalse("no service matched it: closed", isOpen(fd));
        passed.clear();
        assertFalse(status("echo").adopted());
        try (java.net.Socket client = new java.net.Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            throw new AssertionError("the unmatched socket still accepts");
        } catch (java.net.ConnectException expected) {
            // refused: nothing listens there any more
        }
    }

    @Test
    public void reloadKeepsTheAdoptedSocketAndRemovalClosesIt() throws Exception {
        Socket socket = stream();
        int port = socket.localAddress().getPort();
        int fd = pass("echo", SETTINGS, socket);
        registry.addDefinition("d", tcp("echo", port).build());
        registry.configurationApplied().get(10, TimeUnit.SECONDS);
        java.net.Socket before = connect(port);
        // a changed definition for the same address (another handler name: the socket is rebound)
        registry.addHandler("h2", List.of("echo2"), 0, new EchoHandler());
        registry.addDefinition("d", tcp("echo", port).handler("echo2").build());
        ListenerStatus status = status("echo");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertTrue("the same passed socket, kept across the rebind", status.adopted());
        CoreFixture.assertEchoes(before, "accepted before the reload\n");
        CoreFixture.assertEchoes(connect(port), "after the reload\n");
        // new event loops: every listener is closed and bound again, the adopted one on the same socket
        registry.reconfigure(SETTINGS.withWorkerThreads(1)).get(10, TimeUnit.SECONDS);
        ListenerStatus moved = status("echo");
        assertEquals(moved.toString(), ListenerState.LISTENING, moved.state());
        assertTrue("kept across new event loops", moved.adopted());
        CoreFixture.assertEchoes(connect(port), "on new event loops\n");
        registry.removeDefinition("d");
        registry.settled().get(10, TimeUnit.SECONDS);
        assertFalse(isOpen(fd));
        passed.clear();
        // a later definition for the same address binds a socket of its own
        registry.addDefinition("d", tcp("echo", port).build());
        ListenerStatus again = status("echo");
        assertEquals(again.toString(), ListenerState.LISTENING, again.state());
        assertFalse(again.adopted());
        CoreFixture.assertEchoes(connect(port), "bound again\n");
    }

    @Test
    public void theNioTransportRefusesToAdoptAndSaysWhy() throws Exception {
        Socket socket = stream();
        int port = socket.localAddress().getPort();
        pass("echo", SETTINGS.withTransport("nio"), socket);
        registry.addDefinition("d", tcp("echo", port).build());
        ListenerStatus status = status("echo");
        assertEquals(status.toString(), ListenerState.FAILED, status.state());
        assertTrue(status.detail(), status.detail().contains("cannot be adopted by the nio transport"));
        assertTrue(status.detail(), status.detail().contains("transport=auto or epoll"));
        passed.clear();
    }

    @Test
    public void anExecdChildInheritsNeitherThePassedSocketsNorTheirVariables() throws Exception {
        assumeTrue("needs /bin/sh", java.nio.file.Files.isExecutable(java.nio.file.Path.of("/bin/sh")));
        Socket served = stream();
        Socket other = stream();
        int port = served.localAddress().getPort();
        int fd = pass("lister:other", SETTINGS, served, other);
        registry.addDefinition("d", ServiceDefinition.builder().id("lister").name("lister")
                .socketType(SocketType.STREAM).protocol(Protocol.TCP).bindAddress("127.0.0.1").port(port)
                .server("/bin/sh").argv(List.of("sh", "-c", "ls /proc/self/fd"))
                .origin("test:lister").build());
        assertEquals(fd, status("lister").passedFd());
        java.net.Socket client = connect(port);
        InputStream in = client.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        String text = out.toString(StandardCharsets.US_ASCII);
        List<String> lines = List.of(text.split("\n"));
        assertTrue(text, lines.contains("0"));
        assertFalse("the adopted socket: " + text, lines.contains(Integer.toString(fd)));
        assertFalse("the other passed socket (not yet swept): " + text, lines.contains(Integer.toString(fd + 1)));
    }

    @Test
    public void childrenNeverGetTheServiceManagersVariablesEvenWhenPassenvNamesThem() {
        Map<String, String> server = Map.of("LISTEN_PID", "1", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "a:b",
                "NOTIFY_SOCKET", "/run/systemd/notify", "TZ", "UTC");
        Map<String, String> env = ChildEnvironment.base(server,
                List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET"), Accounts.current());
        assertEquals("UTC", env.get("TZ"));
        for (String name : List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET")) {
            assertFalse(name + " in " + env, env.containsKey(name));
        }
    }
}
