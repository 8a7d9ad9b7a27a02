package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

/**
 * Sockets the launcher bound before the framework started, from the record of the last start
 * ({@link ListeningRecord}), handed over in {@value PassedSockets#EARLY_PROPERTY}: real sockets bound
 * here on loopback and copied to descriptors of their own, as the launcher's are.
 */
public class EarlySocketsTest {

    private static final Settings SETTINGS = new Settings("auto", 2, 128, 32 * 1024, 64 * 1024, 5_000);

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final List<Socket> sockets = new ArrayList<>();
    private final List<Integer> handedOver = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private Registry registry;
    private Path record;

    @Before
    public void needEpoll() {
        assumeTrue("sockets bound early are served by the epoll transport, not available here: "
                + Epoll.unavailabilityCause(), Epoll.isAvailable());
        record = folder.getRoot().toPath().resolve(ListeningRecord.FILE_NAME);
    }

    @After
    public void closeEverything() throws Exception {
        System.getProperties().remove(PassedSockets.EARLY_PROPERTY);
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (registry != null) {
            registry.stop();
        }
        for (Socket s : sockets) {
            s.close();
        }
        for (int fd : handedOver) {
            Libc.close(fd); // the ones the registry did not close already
        }
    }

    private Socket stream(String host) throws Exception {
        return PassedDescriptors.stream(sockets, host);
    }

    private Socket datagram(String host) throws Exception {
        return PassedDescriptors.datagram(sockets, host);
    }

    /**
     * Hands copies of {@code originals} over as the launcher does and starts a registry that keeps
     * its record in the test's folder and closes unclaimed sockets after {@code quietMillis} without
     * a change; returns the copies' descriptors.
     */
    private int[] handOver(long quietMillis, Socket... originals) throws Exception {
        int[] copies = new int[originals.length];
        for (int i = 0; i < originals.length; i++) {
            copies[i] = Libc.fcntl(originals[i].intValue(), 0 /* F_DUPFD */, 700);
            assertTrue("fcntl(F_DUPFD) failed", copies[i] >= 0);
            handedOver.add(copies[i]);
            originals[i].close(); // only the copy is left
        }
        System.getProperties().put(PassedSockets.EARLY_PROPERTY,
                java.util.Arrays.stream(copies).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        registry = new Registry(name -> null);
        registry.recordListening(record, "test-configuration");
        registry.sweepQuietMillis(quietMillis);
        registry.start(SETTINGS).get(10, TimeUnit.SECONDS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
        return copies;
    }

    private ListenerStatus status(String id) throws Exception {
        registry.settled().get(10, TimeUnit.SECONDS);
        return registry.listener(id).orElseThrow(() -> new AssertionError("no listener for " + id));
    }

    private static ServiceDefinition.Builder service(String id, SocketType type, String host, int port) {
        return ServiceDefinition.builder().id(id).name(id).socketType(type)
                .protocol(type == SocketType.STREAM ? Protocol.TCP : Protocol.UDP).bindAddress(host).port(port)
                .handler("echo").origin("test:" + id);
    }

    private java.net.Socket connect(String host, int port) throws Exception {
        java.net.Socket client = new java.net.Socket();
        clients.add(client);
        client.connect(new InetSocketAddress(host, port), 5_000);
        client.setSoTimeout(5_000);
        return client;
    }

    private static boolean isOpen(int fd) {
        return Libc.fcntl(fd, Libc.F_GETFD, 0) >= 0;
    }

    /** Waits up to 15 s for {@code condition}; whether it came. */
    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private String recordText() {
        try {
            return Files.exists(record) ? Files.readString(record) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Waits up to 15 s for the record to hold {@code line}. */
    private String awaitRecord(String line) throws Exception {
        if (!eventually(() -> recordText().contains(line + "\n"))) {
            throw new AssertionError("the record never held \"" + line + "\"; it holds:\n" + recordText());
        }
        return recordText();
    }

    @Test
    public void earlySocketsAreServedAsTheServersOwnOverTcpAndUdp() throws Exception {
        Socket tcp = stream("127.0.0.1");
        Socket udp = datagram("127.0.0.1");
        int tcpPort = tcp.localAddress().getPort();
        int udpPort = udp.localAddress().getPort();
        java.net.Socket early = connect("127.0.0.1", tcpPort); // queued before any service exists
        int[] fds = handOver(0, tcp, udp);
        assertEquals("the property is taken by the core", null, System.getProperty(PassedSockets.EARLY_PROPERTY));
        assertEquals("made close-on-exec", Libc.FD_CLOEXEC, Libc.fcntl(fds[0], Libc.F_GETFD, 0) & Libc.FD_CLOEXEC);
        registry.addDefinition("t", service("echo", SocketType.STREAM, "127.0.0.1", tcpPort).build());
        registry.addDefinition("u", service("echo-udp", SocketType.DGRAM, "127.0.0.1", udpPort).build());
        ListenerStatus status = status("echo");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertFalse("bound by the server's own launcher, not adopted from a service manager", status.adopted());
        assertEquals(-1, status.passedFd());
        CoreFixture.assertEchoes(early, "connected before the service came\n");
        CoreFixture.assertEchoes(connect("127.0.0.1", tcpPort), "after\n");
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        clients.add(client);
        client.setSoTimeout(5_000);
        byte[] sent = "ping".getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(sent, sent.length, new InetSocketAddress("127.0.0.1", udpPort)));
        DatagramPacket reply = new DatagramPacket(new byte[64], 64);
        client.receive(reply);
        assertEquals("ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
        assertTrue("the early descriptor is the listener's", isOpen(fds[0]));

        registry.configurationApplied().get(10, TimeUnit.SECONDS);
        String text = awaitRecord("stream 127.0.0.1 " + tcpPort + " 128");
        assertTrue(text, text.contains("dgram 127.0.0.1 " + udpPort + "\n"));
        assertTrue(text, text.contains("\nconfiguration test-configuration\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(record)));
    }

    @Test
    public void aServiceThatComesAfterTheStartStillFindsItsSocket() throws Exception {
        Socket wanted = stream("127.0.0.1");
        Socket stale = stream("127.0.0.1");
        int port = wanted.localAddress().getPort();
        int stalePort = stale.localAddress().getPort();
        java.net.Socket waiting = connect("127.0.0.1", port); // queued while the server starts
        int[] fds = handOver(1_000, wanted, stale);
        registry.configurationApplied().get(10, TimeUnit.SECONDS);
        // a config source that publishes a moment after the framework has started
        registry.addDefinition("t", service("echo", SocketType.STREAM, "127.0.0.1", port).build());
        ListenerStatus status = status("echo");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        CoreFixture.assertEchoes(waiting, "waited for the service that came late\n");
        CoreFixture.assertEchoes(connect("127.0.0.1", port), "came late\n");
        // once the configuration has stayed unchanged, the stale socket is closed and the record written
        assertTrue("no service listens at the stale socket's port: closed", eventually(() -> !isOpen(fds[1])));
        String text = awaitRecord("stream 127.0.0.1 " + port + " 128");
        assertFalse(text, text.contains(" " + stalePort + " "));
        try (java.net.Socket refused = new java.net.Socket()) {
            refused.connect(new InetSocketAddress("127.0.0.1", stalePort), 2_000);
            throw new AssertionError("the stale early socket still accepts");
        } catch (java.net.ConnectException expected) {
            // refused: nothing listens there any more
        }
    }

    @Test
    public void anEarlySocketWithoutAnOptionTheServiceNeedsMakesWayForItsOwnBind() throws Exception {
        Socket v6;
        try {
            v6 = stream("::1");
        } catch (Exception e) {
            assumeTrue("no IPv6 loopback here: " + e, false);
            return;
        }
        int port = v6.localAddress().getPort();
        int[] fds = handOver(0, v6);
        // v6only: an option the launcher does not set, so the service binds a socket of its own
        registry.addDefinition("t", service("echo6", SocketType.STREAM, "::1", port).v6Only(true).build());
        ListenerStatus status = status("echo6");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertEquals(port, status.boundAddress().getPort());
        assertFalse("the early socket was closed to make way", isOpen(fds[0]));
        CoreFixture.assertEchoes(connect("::1", port), "its own socket\n");
    }

    @Test
    public void aPropertyThatNamesNoDescriptorIsIgnored() throws Exception {
        System.getProperties().put(PassedSockets.EARLY_PROPERTY, "x,");
        registry = new Registry(name -> null);
        registry.start(SETTINGS).get(10, TimeUnit.SECONDS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
        registry.addDefinition("t", service("echo", SocketType.STREAM, "127.0.0.1", 0).build());
        ListenerStatus status = status("echo");
        assertEquals(status.toString(), ListenerState.LISTENING, status.state());
        assertEquals(null, System.getProperty(PassedSockets.EARLY_PROPERTY));
    }

    @Test
    public void theRecordLeavesOutWhatTheLauncherCannotBindAsTheServiceWould() {
        ServiceDefinition tcp = service("a", SocketType.STREAM, "127.0.0.1", 7007).build();
        assertEquals("stream 127.0.0.1 7007 64", ListeningRecord.line(tcp, new InetSocketAddress("127.0.0.1", 7007), 64));
        ServiceDefinition udp = service("b", SocketType.DGRAM, "::1", 7007).build();
        assertEquals("dgram 0:0:0:0:0:0:0:1 7007", ListeningRecord.line(udp, new InetSocketAddress("::1", 7007), 64));
        ServiceDefinition v6only = service("c", SocketType.STREAM, "::1", 7007).v6Only(true).build();
        assertEquals(null, ListeningRecord.line(v6only, new InetSocketAddress("::1", 7007), 64));
        assertEquals("v6only matters only for IPv6", "stream 127.0.0.1 7007 64",
                ListeningRecord.line(service("d", SocketType.STREAM, "127.0.0.1", 7007).v6Only(true).build(),
                        new InetSocketAddress("127.0.0.1", 7007), 64));
        ServiceDefinition ephemeral = service("e", SocketType.STREAM, "127.0.0.1", 0).build();
        assertEquals("port 0: another port at every bind", null,
                ListeningRecord.line(ephemeral, new InetSocketAddress("127.0.0.1", 41234), 64));
    }
}
