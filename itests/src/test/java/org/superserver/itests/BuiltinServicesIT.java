package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoService;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.awaitRefused;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.exchange;
import static org.superserver.itests.Clients.readExactly;
import static org.superserver.itests.Clients.readToEnd;
import static org.superserver.itests.Clients.sendExpectingNoReply;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Hashtable;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.superserver.api.Protocol;

/**
 * Every built-in service (RFC 862-868) answers over TCP and UDP on an ephemeral port of 127.0.0.1,
 * defined directly as a ServiceDefinition service or through Configuration Admin.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BuiltinServicesIT extends ItestSupport {

    /** ctime(3) as inetd's daytime sends it: "Sun Nov 29 19:30:21 2026" + CRLF. */
    static final Pattern CTIME_CRLF = Pattern.compile(
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                    + "[ 123]\\d [012]\\d:[0-5]\\d:[0-6]\\d \\d{4}\r\n");

    /** Seconds from 1900-01-01 to 1970-01-01 (RFC 868). */
    static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    private InetSocketAddress serve(String id, String handler, Protocol protocol) throws Exception {
        define(internal(id, handler, protocol));
        return awaitListening(id);
    }

    @Test
    public void echoReturnsWhatWasSentOverTcpAndUdp() throws Exception {
        InetSocketAddress tcp = serve("itest-echo-tcp", "echo", Protocol.TCP);
        try (Socket socket = connect(tcp)) {
            assertEchoes(socket, "hello, superserver\n");
            assertEchoes(socket, "a second line on the same connection\r\n");
            assertTrue("the listener's threads hold the connection, without a channel",
                    Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive()
                            && t.getName().startsWith("superserver-held-echo-" + tcp.getPort())));
            assertEquals("and the status lists it", 1, serverStatus().connections().stream()
                    .filter(c -> c.remote().equals(socket.getLocalSocketAddress())).count());
        }
        InetSocketAddress udp = serve("itest-echo-udp", "echo", Protocol.UDP);
        assertEquals("datagram echo", "ping 42", ascii(exchange(udp, ascii("ping 42"))));
        assertTrue("a thread of the socket answers its datagrams, not the event loop",
                Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.isAlive() && t.getName().equals("superserver-answer-echo-udp-" + udp.getPort())));
    }

    @Test
    public void discardAcceptsAndKeepsReadingWithoutAnsweringOverTcpAndUdp() throws Exception {
        InetSocketAddress tcp = serve("itest-discard-tcp", "discard", Protocol.TCP);
        try (Socket socket = connect(tcp)) {
            OutputStream out = socket.getOutputStream();
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i < 64; i++) {  // 4 MiB: more than the socket buffers hold, so the server reads
                out.write(block);
            }
            out.flush();
            socket.setSoTimeout(300);
            try {
                int r = socket.getInputStream().read();
                fail(r < 0 ? "discard closed the connection" : "discard answered with a byte");
            } catch (SocketTimeoutException expected) {
                // open and silent
            }
            out.write(ascii("still here\n"));
            out.flush();
        }
        InetSocketAddress udp = serve("itest-discard-udp", "discard", Protocol.UDP);
        long before = serverStatus().listener("itest-discard-udp").orElseThrow().accepted();
        sendExpectingNoReply(udp, ascii("into the void"), 300);
        awaitListener("itest-discard-udp", "counting the datagram", l -> l.accepted() > before);
    }

    @Test
    public void chargenFirstLineIsThe72CharacterPatternFromSpaceOverTcpAndUdp() throws Exception {
        InetSocketAddress tcp = serve("itest-chargen-tcp", "chargen", Protocol.TCP);
        try (Socket socket = connect(tcp)) {
            assertEquals("first line", chargenLine(0) + "\r\n", ascii(readExactly(socket, 74)));
            assertEquals("second line", chargenLine(1) + "\r\n", ascii(readExactly(socket, 74)));
            byte[] more = readExactly(socket, 74 * 100);  // and it keeps coming, line after line
            assertEquals(chargenLine(101) + "\r\n", ascii(more).substring(74 * 99));
        }
        InetSocketAddress udp = serve("itest-chargen-udp", "chargen", Protocol.UDP);
        assertEquals("first datagram", chargenLine(0) + "\r\n", ascii(exchange(udp, ascii("x"))));
        assertEquals("second datagram starts one later", chargenLine(1) + "\r\n", ascii(exchange(udp, ascii("x"))));
    }

    /** Line {@code n} of RFC 864's pattern: 72 of the 95 printable characters, starting {@code n} after space. */
    static String chargenLine(int n) {
        StringBuilder line = new StringBuilder(72);
        for (int i = 0; i < 72; i++) {
            line.append((char) (' ' + (n + i) % 95));
        }
        return line.toString();
    }

    @Test
    public void daytimeSendsCtimeAndCrlfOverTcpAndUdp() throws Exception {
        InetSocketAddress tcp = serve("itest-daytime-tcp", "daytime", Protocol.TCP);
        try (Socket socket = connect(tcp)) {
            String text = ascii(readToEnd(socket));
            assertTrue("'" + text + "' is ctime + CRLF", CTIME_CRLF.matcher(text).matches());
        }
        InetSocketAddress udp = serve("itest-daytime-udp", "daytime", Protocol.UDP);
        String text = ascii(exchange(udp, ascii("x")));
        assertTrue("'" + text + "' is ctime + CRLF", CTIME_CRLF.matcher(text).matches());
    }

    @Test
    public void timeSendsFourBytesOfSecondsSince1900OverTcpAndUdp() throws Exception {
        InetSocketAddress tcp = serve("itest-time-tcp", "time", Protocol.TCP);
        try (Socket socket = connect(tcp)) {
            byte[] answer = readToEnd(socket);
            assertEquals("bytes of a time answer", 4, answer.length);
            assertAboutNow(answer);
        }
        InetSocketAddress udp = serve("itest-time-udp", "time", Protocol.UDP);
        byte[] answer = exchange(udp, new byte[0]);
        assertEquals("bytes of a time datagram", 4, answer.length);
        assertAboutNow(answer);
    }

    private static void assertAboutNow(byte[] answer) {
        long served = ByteBuffer.wrap(answer).getInt() & 0xFFFF_FFFFL;
        long now = System.currentTimeMillis() / 1000 + SECONDS_1900_TO_1970;
        assertTrue("time " + served + " is within 5 s of " + now, Math.abs(served - now) <= 5);
    }

    @Test
    public void udpBuiltInsLeaveADatagramFromOneAnothersPortUnansweredAndKeepToTheConfiguredBudget()
            throws Exception {
        InetSocketAddress echo = serve("itest-guard-echo-udp", "echo", Protocol.UDP);
        InetSocketAddress chargen = serve("itest-guard-chargen-udp", "chargen", Protocol.UDP);
        try (DatagramSocket chargenSide = new DatagramSocket(new InetSocketAddress("127.0.0.2", chargen.getPort()))) {
            chargenSide.send(new DatagramPacket(ascii("forged"), 6, echo));
            // A marker from an ordinary port is answered after the forged datagram was read.
            assertEquals("marker", ascii(exchange(echo, ascii("marker"))));
            chargenSide.setSoTimeout(1);
            try {
                chargenSide.receive(new DatagramPacket(new byte[100], 100));
                fail("echo answered a datagram from chargen's port");
            } catch (SocketTimeoutException expected) {
                // no answer, no loop
            }
        }

        org.osgi.service.cm.Configuration budget = configuration("org.superserver.builtin",
                properties("udp.replies.burst", "3", "udp.replies.per.second", "1"));
        awaitGuardWith("(udp.replies.burst=3)");
        try (DatagramSocket flooder = new DatagramSocket(new InetSocketAddress("127.0.0.3", 0))) {
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                flooder.send(new DatagramPacket(new byte[0], 0, chargen));
            }
            exchange(chargen, ascii("marker")); // from 127.0.0.1: its own budget; the flood has been read by now
            flooder.setSoTimeout(1);
            int answered = 0;
            try {
                while (true) {
                    flooder.receive(new DatagramPacket(new byte[100], 100));
                    answered++;
                }
            } catch (SocketTimeoutException drained) {
                // counted
            }
            long allowed = 3 + (long) Math.ceil((System.nanoTime() - start) / 1e9);
            assertTrue("answered " + answered + " of 50 with a budget of " + allowed, answered >= 1 && answered <= allowed);
        }
        budget.update(new Hashtable<>()); // the other tests of this class send from 127.0.0.1 too
        awaitGuardWith("(udp.replies.burst=40)");
    }

    /** Waits until the built-ins' guard runs with a configuration matching {@code filter}. */
    private void awaitGuardWith(String filter) throws Exception {
        String guard = "(&(objectClass=org.superserver.builtin.internal.DatagramGuard)" + filter + ")";
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (context.getServiceReferences((String) null, guard) == null) {
            if (System.nanoTime() > deadline) {
                fail("no guard matches " + guard + " within " + TIMEOUT);
            }
            Thread.sleep(20);
        }
    }

    @Test
    public void servicesConfiguredThroughConfigurationAdminServeOnEphemeralPortsAndCloseWhenDeleted()
            throws Exception {
        Hashtable<String, Object> echo = new Hashtable<>();
        echo.put("service", "echo");
        echo.put("type", "INTERNAL");
        echo.put("socket_type", "stream");
        echo.put("protocol", "tcp");
        echo.put("port", "0");
        echo.put("bind", "127.0.0.1");
        echo.put("wait", "no");
        org.osgi.service.cm.Configuration echoConfig = factoryConfiguration("org.superserver.service", echo);
        String echoId = "cm:" + echoConfig.getPid();

        Hashtable<String, Object> daytime = new Hashtable<>();
        daytime.put("service", "daytime");
        daytime.put("type", "INTERNAL");
        daytime.put("socket_type", "dgram");
        daytime.put("protocol", "udp");
        daytime.put("port", 0);
        daytime.put("bind", "127.0.0.1");
        daytime.put("wait", "yes");
        org.osgi.service.cm.Configuration daytimeConfig = factoryConfiguration("org.superserver.service", daytime);
        String daytimeId = "cm:" + daytimeConfig.getPid();

        InetSocketAddress echoAddress = awaitListening(echoId);
        assertEchoService(echoAddress, "configured through Configuration Admin\n");
        InetSocketAddress daytimeAddress = awaitListening(daytimeId);
        String text = ascii(exchange(daytimeAddress, ascii("x")));
        assertTrue("'" + text + "' is ctime + CRLF", CTIME_CRLF.matcher(text).matches());

        echoConfig.delete();
        awaitRefused(echoAddress, TIMEOUT);
        awaitNotListening(echoId);
    }
}
