package org.superserver.builtin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The UDP built-ins over real sockets on loopback cannot be turned into a loop or a reflector: a
 * datagram from one of our own built-in ports or from a well-known built-in port gets no answer, and
 * one source gets no more than its reply budget while another is still answered.
 *
 * <p>"No answer" is decided without waiting on a clock: after the datagram under test, a marker
 * datagram from an ordinary client goes to the same socket and is answered; the server reads a
 * socket's datagrams in order and loopback delivers a reply as it is sent, so a reply to the first
 * would have arrived before the marker's.
 */
public class UdpReflectionTest {

    private static final InetAddress OTHER_LOOPBACK = address("127.0.0.2");

    private Loopback loopback;
    private DatagramSocket marker;
    private final List<DatagramSocket> sockets = new ArrayList<>();

    @Before
    public void open() throws IOException {
        loopback = new Loopback();
        marker = socket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @After
    public void close() {
        sockets.forEach(DatagramSocket::close);
        loopback.close();
    }

    @Test
    public void datagramFromOurChargenPortToOurEchoGetsNoAnswerAndStartsNoLoop() throws IOException {
        DatagramGuard guard = Guards.standard();
        InetSocketAddress echo = loopback.datagram(new EchoHandler(guard), "echo");
        InetSocketAddress chargen = loopback.datagram(new ChargenHandler(guard), "chargen");
        // Stands where our chargen's replies would go: the same port, on another loopback address.
        DatagramSocket chargenSide = socket(new InetSocketAddress(OTHER_LOOPBACK, chargen.getPort()));

        send(chargenSide, echo, "forged: from chargen's port");
        assertMarkerAnswered(echo);

        assertNull("datagrams received on chargen's port", poll(chargenSide));
        assertEquals(1, guard.dropped(Refusal.OWN_PORT));
        assertEquals("replies: the marker's only", 1, guard.replies());

        // And the other way round: a datagram from echo's port to chargen.
        DatagramSocket echoSide = socket(new InetSocketAddress(OTHER_LOOPBACK, echo.getPort()));
        send(echoSide, chargen, "forged: from echo's port");
        assertMarkerAnswered(chargen);
        assertNull("datagrams received on echo's port", poll(echoSide));
        assertEquals(2, guard.dropped(Refusal.OWN_PORT));
    }

    @Test
    public void aPortLeavesOurOwnWhenItsSocketCloses() throws IOException {
        DatagramGuard guard = Guards.standard();
        InetSocketAddress echo = loopback.datagram(new EchoHandler(guard), "echo");
        InetSocketAddress discard = loopback.datagram(new DiscardHandler(guard), "discard");
        DatagramSocket discardSide = socket(new InetSocketAddress(OTHER_LOOPBACK, discard.getPort()));
        send(discardSide, echo, "from discard's port");
        assertMarkerAnswered(echo);
        assertNull(poll(discardSide));

        loopback.close(discard);
        send(discardSide, echo, "from a port no built-in serves any more");
        assertEquals("from a port no built-in serves any more", receive(discardSide));
        assertEquals(1, guard.dropped(Refusal.OWN_PORT));
    }

    @Test
    public void datagramsFromTheWellKnownBuiltInPortsGetNoAnswer() throws IOException {
        assumeTrue("binding ports 7, 9, 13, 19 and 37 needs root; not root here", isRoot());
        DatagramGuard guard = Guards.standard();
        InetSocketAddress echo = loopback.datagram(new EchoHandler(guard), "echo");
        int refused = 0;
        for (int port : new int[] {7, 9, 13, 19, 37}) {
            DatagramSocket wellKnown;
            try {
                wellKnown = socket(new InetSocketAddress(OTHER_LOOPBACK, port));
            } catch (BindException e) {
                assumeTrue("port " + port + " on 127.0.0.2 is taken by another program: " + e, false);
                return;
            }
            send(wellKnown, echo, "from port " + port);
            assertMarkerAnswered(echo);
            assertNull("answer to port " + port, poll(wellKnown));
            refused++;
        }
        assertEquals(refused, guard.dropped(Refusal.BUILTIN_PORT));
    }

    @Test
    public void aSourceOverItsBudgetGetsAtMostTheBudgetWhileAnotherIsStillAnswered() throws IOException {
        int burst = 5;
        int perSecond = 1;
        DatagramGuard guard = new DatagramGuard(
                new BudgetSettings(perSecond, burst, 1 << 20, 1 << 20, 64, 60), System::nanoTime);
        InetSocketAddress chargen = loopback.datagram(new ChargenHandler(guard), "chargen");
        DatagramSocket flooder = socket(new InetSocketAddress(OTHER_LOOPBACK, 0)); // the marker's is 127.0.0.1
        flooder.setReceiveBufferSize(1 << 20);

        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            send(flooder, chargen, "?");
        }
        assertMarkerAnswered(chargen); // another source is answered; the flood has been read by now
        int answered = 0;
        while (poll(flooder) != null) {
            answered++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long allowed = burst + (long) Math.ceil(seconds * perSecond);

        assertTrue("answered " + answered + " of 200, budget " + allowed, answered <= allowed);
        assertTrue("answered " + answered + " of 200", answered >= 1);
        assertEquals("replies charged", answered + 1, guard.replies());
        assertEquals("reply bytes charged", (answered + 1) * (long) ChargenPattern.LINE_BYTES, guard.replyBytes());
    }

    /** Sends a marker datagram to {@code server} from an ordinary port and asserts it is answered. */
    private void assertMarkerAnswered(InetSocketAddress server) throws IOException {
        send(marker, server, "marker");
        marker.setSoTimeout(5_000);
        DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
        marker.receive(answer);
        assertEquals(server, answer.getSocketAddress());
    }

    private DatagramSocket socket(InetSocketAddress local) throws IOException {
        DatagramSocket socket = new DatagramSocket(local);
        sockets.add(socket);
        return socket;
    }

    private static void send(DatagramSocket from, InetSocketAddress to, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static String receive(DatagramSocket socket) throws IOException {
        socket.setSoTimeout(5_000);
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
    }

    /** A datagram already waiting on {@code socket}, or {@code null}. */
    private static byte[] poll(DatagramSocket socket) throws IOException {
        socket.setSoTimeout(1);
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        try {
            socket.receive(packet);
            return Arrays.copyOf(packet.getData(), packet.getLength());
        } catch (SocketTimeoutException none) {
            return null;
        }
    }

    /** Whether this process runs with effective user id 0. */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
