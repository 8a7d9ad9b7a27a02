package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.ServiceDefinition;

/**
 * The connection log over real sockets and files: START and EXIT lines with the fields asked for
 * (bytes counted for in-process services), FAIL lines within their budget, USERID from an ident
 * server, FILE targets with their safety checks and size limits, and SYSLOG datagrams.
 */
public class ConnectionLogTest extends CoreFixture {

    private Path dir;
    private Path logFile;
    private final LogWriter writer = new LogWriter();

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("superserver-connlog");
        logFile = dir.resolve("connections.log");
        start(SETTINGS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
    }

    @After
    public void tearDown() throws IOException {
        writer.close();
        stopEverything();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Test
    public void anInProcessClientGetsAStartAndAnExitLineWithItsBytesInTheDefinitionsFile() throws Exception {
        registry.addDefinition("d", tcp("logged")
                .logOnSuccess(EnumSet.of(LogField.PID, LogField.HOST, LogField.DURATION, LogField.TRAFFIC))
                .logTarget(LogTarget.file(logFile.toString(), 0, 0)).build());
        int clientPort;
        try (Socket client = connect(port("logged"))) {
            clientPort = client.getLocalPort();
            assertEchoes(client, "twelve bytes");
        }
        String start = awaitLines(logFile, 1, "START service=logged").get(0);
        assertTrue(start, start.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d START service=logged pid=0 from=127\\.0\\.0\\.1:"
                + clientPort));
        String exit = awaitLines(logFile, 1, "EXIT service=logged").get(0);
        assertTrue(exit, exit.matches(".* EXIT service=logged pid=0 from=127\\.0\\.0\\.1:" + clientPort
                + " duration=\\d+ms in=12 out=12"));
        assertEquals("created 0640", "rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(logFile)));
    }

    @Test
    public void withNoSuccessFieldsNothingIsLoggedForAServedClient() throws Exception {
        registry.addDefinition("d", tcp("quiet").logOnSuccess(EnumSet.noneOf(LogField.class))
                .logOnFailure(EnumSet.of(LogField.HOST)).instances(1)
                .logTarget(LogTarget.file(logFile.toString(), 0, 0)).build());
        int port = port("quiet");
        try (Socket client = connect(port)) {
            assertEchoes(client, "x");
            try (Socket refused = connect(port)) {
                assertClosedByServer(refused);
            }
        }
        awaitLines(logFile, 1, "FAIL service=quiet reason=service_limit from=127.0.0.1:");
        assertFalse(Files.readString(logFile).contains("START"));
    }

    @Test
    public void failLinesAreBoundedPerSecondAndTheNextOneSaysHowManyWereLeftOut() throws Exception {
        ConnectionLog log = new ConnectionLog(writer, new Ident());
        ServiceDefinition d = tcp("flood").logOnFailure(EnumSet.of(LogField.HOST))
                .logTarget(LogTarget.file(logFile.toString(), 0, 0)).build();
        InetSocketAddress client = new InetSocketAddress("127.0.0.2", 40000);
        for (int i = 0; i < 100; i++) {
            log.failed(d, "per_source_limit", null, client);
        }
        writer.drain(5_000);
        assertEquals(ConnectionLog.FAILURES_PER_SECOND, Files.readAllLines(logFile).size());
        Thread.sleep(1_100);
        log.failed(d, "per_source_limit", null, client);
        String last = awaitLines(logFile, 1, "suppressed=").get(0);
        assertTrue(last, last.endsWith("FAIL service=flood reason=per_source_limit from=127.0.0.2:40000 suppressed="
                + (100 - ConnectionLog.FAILURES_PER_SECOND)));
        assertEquals(101, log.failures());
    }

    @Test
    public void useridComesFromTheClientsIdentServerAndIsCleanedOfControlCharacters() throws Exception {
        try (ServerSocket identd = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            Thread server = new Thread(() -> {
                try (Socket s = identd.accept()) {
                    String question = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                    OutputStream out = s.getOutputStream();
                    out.write((question.trim() + " : USERID : UNIX : alice\u001b[2J\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // the test fails on the missing answer
                }
            });
            server.start();
            ConnectionLog log = new ConnectionLog(writer, new Ident(identd.getLocalPort(), 5_000));
            ServiceDefinition d = tcp("ident").logOnSuccess(EnumSet.of(LogField.USERID))
                    .logTarget(LogTarget.file(logFile.toString(), 0, 0)).build();
            log.served(d, new InetSocketAddress("127.0.0.1", 2345), new InetSocketAddress("127.0.0.1", 54321), 0)
                    .ended(null, -1, -1);
            List<String> lines = awaitLines(logFile, 2, "service=ident");
            assertTrue(lines.toString(), lines.get(0).endsWith("START service=ident userid=alice?[2J"));
            assertTrue(lines.toString(), lines.get(1).endsWith("EXIT service=ident userid=alice?[2J"));
            server.join(5_000);
        }
    }

    @Test
    public void anIdentServerThatDoesNotAnswerGivesADashAfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            Ident ident = new Ident(silent.getLocalPort(), 300);
            String answer = ident.query(new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2))
                    .get(5, TimeUnit.SECONDS);
            assertEquals("-", answer);
        }
        assertEquals("-", Ident.parse("1 , 2 : ERROR : NO-USER"));
        assertEquals("bob", Ident.parse("1 , 2 : USERID : UNIX : bob"));
        assertEquals("-", Ident.parse("garbage"));
    }

    @Test
    public void aLogFileThatIsASymlinkOrWritableByOthersIsNotWritten() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "");
        Path link = Files.createSymbolicLink(dir.resolve("link.log"), target);
        LogFile viaLink = new LogFile(LogTarget.file(link.toString(), 0, 0));
        assertFalse(viaLink.write("START service=x"));
        assertEquals("", Files.readString(target));
        Path open = Files.writeString(dir.resolve("open.log"), "");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
        LogFile worldWritable = new LogFile(LogTarget.file(open.toString(), 0, 0));
        assertFalse(worldWritable.write("START service=x"));
        assertEquals("", Files.readString(open));
    }

    @Test
    public void pastTheSoftLimitLinesGoOnAndAtTheHardLimitTheyStop() throws Exception {
        Path file = dir.resolve("limited.log");
        LogFile log = new LogFile(LogTarget.file(file.toString(), 20, 40));
        assertTrue(log.write("0123456789")); // 11 bytes
        assertTrue(log.write("0123456789")); // 22: past the soft limit, still written
        assertTrue(log.write("0123456789")); // 33
        assertFalse("44 would pass the hard limit", log.write("0123456789"));
        assertFalse("stopped for good", log.write("x"));
        assertEquals(33, Files.size(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        log.close();
    }

    @Test
    public void syslogLinesAreRfc3164DatagramsToTheLocalSocket() throws Exception {
        Path socket = dir.resolve("log.sock");
        try (UnixDatagram receiver = UnixDatagram.bound(socket.toString())) {
            LogWriter toSocket = new LogWriter(socket.toString());
            try {
                toSocket.write(LogTarget.syslog("daemon", "info"), "START service=echo pid=0 from=127.0.0.1:5");
                byte[] datagram = null;
                long deadline = System.currentTimeMillis() + 5_000;
                while (datagram == null && System.currentTimeMillis() < deadline) {
                    datagram = receiver.receive();
                    Thread.sleep(10);
                }
                String text = new String(datagram, StandardCharsets.UTF_8);
                assertTrue(text, text.matches("<30>[A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d superserver\\["
                        + ProcessHandle.current().pid() + "\\]: START service=echo pid=0 from=127\\.0\\.0\\.1:5"));
                toSocket.write(LogTarget.syslog("local3", "notice"), "FAIL service=echo reason=cps");
                datagram = null;
                deadline = System.currentTimeMillis() + 5_000;
                while (datagram == null && System.currentTimeMillis() < deadline) {
                    datagram = receiver.receive();
                    Thread.sleep(10);
                }
                assertTrue(new String(datagram, StandardCharsets.UTF_8).startsWith("<157>")); // 19 * 8 + 5
            } finally {
                toSocket.close();
            }
        }
    }

    @Test
    public void aSyslogSocketThatIsNotThereCountsTheLineAsDropped() throws Exception {
        LogWriter nowhere = new LogWriter(dir.resolve("absent.sock").toString());
        try {
            nowhere.write(LogTarget.syslog("daemon", "info"), "START service=x");
            long deadline = System.currentTimeMillis() + 5_000;
            while (nowhere.dropped() == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, nowhere.dropped());
        } finally {
            nowhere.close();
        }
    }

    /** Reads what is left until the server closes. */
    static String rest(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    @Test
    public void aRotatedLogFileIsCreatedAgainUnderItsName() throws Exception {
        Path file = dir.resolve("rotated.log");
        LogFile log = new LogFile(LogTarget.file(file.toString(), 0, 0));
        assertTrue(log.write("before"));
        Files.move(file, dir.resolve("rotated.log.1"));
        Thread.sleep(LogFile.ROTATION_CHECK_MILLIS + 100);
        assertTrue(log.write("after"));
        assertEquals(List.of("before"), Files.readAllLines(dir.resolve("rotated.log.1")));
        assertEquals(List.of("after"), Files.readAllLines(file));
        log.close();
    }
}
