package org.superserver.core.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

public class RegistryTest extends CoreFixture {

    private final EchoHandler echo = new EchoHandler();

    @Before
    public void startCore() throws Exception {
        start(SETTINGS);
    }

    @Test
    public void boundListenerEchoesOverTcpAndReportsTheRealPort() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        registry.addDefinition("d", tcp("echo").build());
        int port = port("echo");
        Socket client = connect(port);
        assertEchoes(client, "hello\r\n");
        ListenerStatus status = status("echo");
        assertEquals(ListenerState.LISTENING, status.state());
        assertEquals(new InetSocketAddress("127.0.0.1", port), status.boundAddress());
        assertEquals(1, status.accepted());
        assertEquals(1, status.activeConnections());
    }

    @Test
    public void boundListenerEchoesOverUdp() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        registry.addDefinition("d", udp("echo").build());
        int port = port("echo");
        DatagramSocket client = datagramSocket();
        byte[] sent = "ping".getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(sent, sent.length, new InetSocketAddress("127.0.0.1", port)));
        DatagramPacket reply = new DatagramPacket(new byte[64], 64);
        client.receive(reply);
        assertEquals("ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
        assertEquals(1, status("echo").accepted());
    }

    @Test
    public void aBurstOfDatagramsIsAnsweredDatagramByDatagramUpToTheDatagramSize() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        registry.addDefinition("d", udp("echo").build());
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port("echo"));
        DatagramSocket client = datagramSocket();
        // More datagrams than one batched read takes, queued before the server reads them.
        int count = 3 * Transport.DATAGRAMS_PER_CALL + 1;
        for (int i = 0; i < count; i++) {
            byte[] sent = payload(i, i == 0 ? Transport.DATAGRAM_SIZE : 1 + i * 37);
            client.send(new DatagramPacket(sent, sent.length, server));
        }
        for (int i = 0; i < count; i++) {
            DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
            client.receive(reply);
            byte[] got = java.util.Arrays.copyOf(reply.getData(), reply.getLength());
            assertArrayEquals("reply " + i, payload(i, i == 0 ? Transport.DATAGRAM_SIZE : 1 + i * 37), got);
        }
        byte[] longer = payload(99, Transport.DATAGRAM_SIZE + 500);
        client.send(new DatagramPacket(longer, longer.length, server));
        DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
        client.receive(reply);
        assertArrayEquals(java.util.Arrays.copyOf(longer, Transport.DATAGRAM_SIZE),
                java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
        assertEquals(count + 1, status("echo").accepted());
    }

    private static byte[] payload(int seed, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return bytes;
    }

    @Test
    public void definitionWaitsForItsHandlerAndIsServedWhenItArrives() throws Exception {
        registry.addDefinition("d", tcp("echo").build());
        ListenerStatus waiting = status("echo");
        assertEquals(ListenerState.WAITING_FOR_HANDLER, waiting.state());
        assertTrue(waiting.detail(), waiting.detail().contains("echo"));
        assertNull(waiting.boundAddress());

        registry.addHandler("h", List.of("echo"), 0, echo);
        assertEchoes(connect(port("echo")), "late\n");
    }

    @Test
    public void replacementWithTheSameSocketKeepsThePortAndTheEstablishedConnection() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        ServiceDefinition first = tcp("echo").build();
        registry.addDefinition("old", first);
        int port = port("echo");
        Socket established = connect(port);
        assertEchoes(established, "before\n");

        ServiceDefinition second = first.toBuilder().origin("reloaded:3").instances(10).build();
        registry.addDefinition("new", second);
        registry.removeDefinition("old");

        ListenerStatus status = status("echo");
        assertEquals(ListenerState.LISTENING, status.state());
        assertEquals(second, status.definition());
        assertEquals(port, status.boundAddress().getPort());
        assertEchoes(established, "after\n");
        assertEchoes(connect(port), "new\n");
    }

    @Test
    public void changeOfPortRebindsWhileTheOldConnectionKeepsWorking() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        ServiceDefinition first = tcp("echo").build();
        registry.addDefinition("old", first);
        int oldPort = port("echo");
        Socket established = connect(oldPort);
        assertEchoes(established, "before\n");

        int newPort = freePort();
        registry.addDefinition("new", first.toBuilder().port(newPort).build());
        registry.removeDefinition("old");

        assertEquals(newPort, port("echo"));
        assertEchoes(connect(newPort), "moved\n");
        assertRefused(oldPort);
        assertEchoes(established, "still here\n");
    }

    @Test
    public void removalRefusesNewConnectionsButKeepsTheEstablishedOne() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        registry.addDefinition("d", tcp("echo").build());
        int port = port("echo");
        Socket established = connect(port);
        assertEchoes(established, "before\n");

        registry.removeDefinition("d");
        settle();

        assertTrue(registry.listener("echo").isEmpty());
        assertRefused(port);
        assertEchoes(established, "after\n");
    }

    @Test
    public void departingHandlerClosesItsListenerAndConnectionsAndReturningOneRebinds() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        registry.addDefinition("d", tcp("echo").build());
        int port = port("echo");
        Socket established = connect(port);
        assertEchoes(established, "before\n");

        registry.removeHandler("h");
        ListenerStatus waiting = status("echo");
        assertEquals(ListenerState.WAITING_FOR_HANDLER, waiting.state());
        assertClosedByServer(established);
        assertRefused(port);

        registry.addHandler("h2", List.of("echo"), 0, new EchoHandler());
        assertEchoes(connect(port("echo")), "back\n");
    }

    @Test
    public void departingHandlerAlsoClosesConnectionsOfAListenerAlreadyReplaced() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        ServiceDefinition first = tcp("echo").build();
        registry.addDefinition("old", first);
        Socket orphan = connect(port("echo"));
        assertEchoes(orphan, "x");
        registry.addDefinition("new", first.toBuilder().port(freePort()).build());
        registry.removeDefinition("old");
        settle();
        assertEchoes(orphan, "y");

        registry.removeHandler("h");
        settle();
        assertClosedByServer(orphan);
    }

    @Test
    public void bindConflictIsRetriedForThatServiceWhileTheOthersServe() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        try (ServerSocket occupant = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            registry.addDefinition("taken", tcp("taken").port(occupant.getLocalPort()).build());
            registry.addDefinition("free", tcp("free").build());

            ListenerStatus failed = status("taken");
            assertEquals(ListenerState.RETRYING, failed.state());
            assertTrue(failed.detail(), failed.detail().toLowerCase().contains("in use"));
            assertTrue(failed.detail(), failed.detail().contains("next try in 1 s, at "));
            assertNull(failed.boundAddress());
            assertEchoes(connect(port("free")), "fine\n");
        }
    }

    @Test
    public void execDefinitionOnTheNioTransportFailsWithTheReason() throws Exception {
        Registry nio = new Registry();
        try {
            nio.start(SETTINGS.withTransport("nio")).get();
            nio.addDefinition("d", ServiceDefinition.builder().id("cat").name("cat")
                    .socketType(org.superserver.api.SocketType.STREAM).protocol(org.superserver.api.Protocol.TCP)
                    .bindAddress("127.0.0.1").port(0).server("/bin/cat").argv(List.of("cat")).build());
            nio.settled().get();
            ListenerStatus failed = nio.listener("cat").orElseThrow();
            assertEquals(ListenerState.FAILED, failed.state());
            assertTrue(failed.detail(), failed.detail().contains("exec'd services need the epoll transport"));
        } finally {
            nio.stop();
        }
    }

    @Test
    public void stopClosesListenersAndConnections() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        registry.addDefinition("d", tcp("echo").build());
        int port = port("echo");
        Socket established = connect(port);
        assertEchoes(established, "bye\n");

        registry.stop();

        assertClosedByServer(established);
        assertRefused(port);
        assertTrue(registry.listeners().isEmpty());
    }

    @Test
    public void nioTransportServesToo() throws Exception {
        Registry nio = new Registry();
        try {
            nio.start(SETTINGS.withTransport("nio")).get();
            nio.addHandler("h", List.of("echo"), 0, echo);
            nio.addDefinition("d", udp("u").build());
            nio.addDefinition("t", tcp("t").build());
            nio.settled().get();
            int port = nio.listener("t").orElseThrow().boundAddress().getPort();
            assertEchoes(connect(port), "nio\n");
            int udpPort = nio.listener("u").orElseThrow().boundAddress().getPort();
            DatagramSocket client = datagramSocket();
            client.send(new DatagramPacket(new byte[] {1, 2}, 2, new InetSocketAddress("127.0.0.1", udpPort)));
            DatagramPacket reply = new DatagramPacket(new byte[8], 8);
            client.receive(reply);
            assertArrayEquals(new byte[] {1, 2}, java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
        } finally {
            nio.stop();
        }
    }

    @Test
    public void aDefinitionThatMovedToAnotherLineKeepsItsSocketAndConnections() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, echo);
        ServiceDefinition first = tcp("echo").origin("inetd.conf:3").build();
        registry.addDefinition("d", first);
        int port = port("echo");
        Socket client = connect(port);
        assertEchoes(client, "before\n");

        registry.addDefinition("d", first.toBuilder().origin("inetd.conf:4").build());
        ListenerStatus moved = status("echo");
        assertEquals(ListenerState.LISTENING, moved.state());
        assertEquals("inetd.conf:4", moved.definition().origin());
        assertEquals(port, moved.boundAddress().getPort());
        assertEquals("the same socket: its count goes on", 1, moved.accepted());
        assertEchoes(client, "after\n");
    }
}
