package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.launcher.ServedPorts.freePort;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bin/superserver binds the listening sockets before the framework starts: at a restart those of
 * the last start (the record {@code DATA/listening} that the core writes), at a first start or after
 * an edit those the configuration's files ask for. Clients that come during the start wait and are
 * served; a socket the configuration no longer has is closed; the record follows the configuration.
 */
public class EarlySocketsIT {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    @Rule
    public final Distribution distribution = new Distribution();

    private Path data;
    private Path record;

    @Before
    public void distributionIsAssembled() throws IOException {
        assertTrue("no distribution at " + distribution.home(),
                Files.isExecutable(distribution.home().resolve("bin/superserver")));
        data = folder.newFolder("data").toPath();
        record = data.resolve("listening");
    }

    private Path echoConf(int port) throws IOException {
        Path conf = folder.getRoot().toPath().resolve("inetd.conf");
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal echo\n"
                + "127.0.0.1:" + port + " dgram udp wait root internal echo\n");
        return conf;
    }

    private static void stop(Process server) throws Exception {
        new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
        assertTrue("stopped within 30 s", server.waitFor(30, TimeUnit.SECONDS));
    }

    /** The record once it holds {@code line}, waiting up to 30 s. */
    private String awaitRecord(String line) throws Exception {
        return awaitRecord(line, null);
    }

    /** The record once it holds {@code line} and not {@code gone} (when not {@code null}), waiting up to 30 s. */
    private String awaitRecord(String line, String gone) throws Exception {
        String text = "";
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < end; ) {
            text = Files.exists(record) ? Files.readString(record) : "";
            if (text.contains(line + "\n") && (gone == null || !text.contains(gone))) {
                return text;
            }
            Thread.sleep(50);
        }
        fail("the record never held \"" + line + "\"" + (gone == null ? "" : " without \"" + gone + "\"") + ": "
                + text);
        return null;
    }

    /** A client connected to 127.0.0.1:{@code port} as soon as something listens there (within 60 s). */
    private static Socket connectAsSoonAsPossible(Process server, int port) throws Exception {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); System.nanoTime() < end; ) {
            assertTrue("the server exited", server.isAlive());
            Socket client = new Socket();
            try {
                client.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return client;
            } catch (IOException notYet) {
                client.close();
                Thread.sleep(2);
            }
        }
        throw new AssertionError("nothing listened on 127.0.0.1:" + port + " within 60 s");
    }

    private static String echo(Socket client, String text) throws IOException {
        client.setSoTimeout(30_000);
        client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        byte[] back = new byte[text.length()];
        int got = 0;
        while (got < back.length) {
            int n = client.getInputStream().read(back, got, back.length - got);
            if (n < 0) {
                break;
            }
            got += n;
        }
        return new String(back, 0, got, StandardCharsets.US_ASCII);
    }

    @Test
    public void aRestartListensFromTheStartOfTheJvmAndServesWhoeverCameMeanwhile() throws Exception {
        int port = freePort();
        Path conf = echoConf(port);
        Path log = folder.getRoot().toPath().resolve("first.log");
        Process first = distribution.start(log, "--inetd", conf.toString(), "--data", data.toString());
        // no record yet: the first start binds what its inetd.conf asks for, read before the framework starts
        try (Socket client = connectAsSoonAsPossible(first, port)) {
            assertEquals("came during the first start\n", echo(client, "came during the first start\n"));
        }
        String text = awaitRecord("stream 127.0.0.1 " + port + " 128");
        assertTrue(text, text.contains("dgram 127.0.0.1 " + port + "\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(record)));
        String firstLog = ServedPorts.awaitLog(log, "LISTEN service=" + port + " protocol=udp4");
        assertTrue(firstLog, firstLog.contains("INFO Launcher - Bound early from the configuration (" + conf + ", "
                + distribution.home().resolve("deploy") + "): "));
        assertTrue(firstLog, firstLog.contains("stream 127.0.0.1:" + port)
                && firstLog.contains("dgram 127.0.0.1:" + port));
        assertTrue(firstLog, firstLog.contains("ADOPT service=" + port + " protocol=tcp4 fd="));
        stop(first);

        Path again = folder.getRoot().toPath().resolve("again.log");
        Process second = distribution.start(again, "--inetd", conf.toString(), "--data", data.toString());
        try (Socket client = connectAsSoonAsPossible(second, port)) {
            assertEquals("came during the start\n", echo(client, "came during the start\n"));
        }
        String started = ServedPorts.awaitLog(again, "LISTEN service=" + port + " protocol=udp4");
        assertTrue(started, started.contains("INFO Launcher - Bound early from " + record + ": dgram 127.0.0.1:"
                + port + ", stream 127.0.0.1:" + port + "\n"));
        assertTrue(started, started.contains("ADOPT service=" + port + " protocol=tcp4 fd="));
        assertTrue(started, started.contains("socket=adopted from the launcher"));
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            udp.setSoTimeout(10_000);
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            udp.send(new DatagramPacket(ping, ping.length, new InetSocketAddress("127.0.0.1", port)));
            DatagramPacket reply = new DatagramPacket(new byte[16], 16);
            udp.receive(reply);
            assertEquals("ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
        }
        stop(second);
    }

    /** Starts a server on {@code conf}, waits until it has recorded {@code port}'s TCP socket, and stops it. */
    private void firstRun(Path conf, int port) throws Exception {
        Process first = distribution.start(folder.getRoot().toPath().resolve("first.log"), "--inetd", conf.toString(),
                "--data", data.toString());
        awaitRecord("stream 127.0.0.1 " + port + " 128");
        stop(first);
    }

    @Test
    public void aRecordedSocketNoServiceTakesIsClosedAndABadLineIsReported() throws Exception {
        int port = freePort();
        int gone = freePort();
        Path conf = echoConf(port);
        firstRun(conf, port);
        // a socket the server no longer serves, as after a bundle that served it was removed
        Files.writeString(record, Files.readString(record) + "stream 127.0.0.1 " + gone
                + " 128\nstream 127.0.0.1 notaport 128\n");
        int badLine = Files.readAllLines(record).size();
        Path log = folder.getRoot().toPath().resolve("server.log");
        Process server = distribution.start(log, "--inetd", conf.toString(), "--data", data.toString());
        String text = ServedPorts.awaitLog(log, "address=127.0.0.1:" + gone
                + " closed: bound early, but no service listens there now");
        assertTrue(text, text.contains("WARN Launcher - " + record + " line " + badLine
                + ": field 3 (port) is notaport, not a number from 1 to 65535; line skipped"));
        assertTrue(text, text.contains("stream 127.0.0.1:" + gone));
        try (Socket refused = new Socket()) {
            refused.connect(new InetSocketAddress("127.0.0.1", gone), 2_000);
            fail("the socket no service took still accepts");
        } catch (java.net.ConnectException expected) {
            // refused
        }
        try (Socket client = new Socket("127.0.0.1", port)) {
            assertEquals("served\n", echo(client, "served\n"));
        }
        // written again once the configuration has settled, without the socket no service took
        awaitRecord("stream 127.0.0.1 " + port + " 128", " " + gone + " ");
        stop(server);
    }

    @Test
    public void aRecordOfAnotherConfigurationGivesWayToTheSocketsOfTheEditedFile() throws Exception {
        int port = freePort();
        Path conf = echoConf(port);
        firstRun(conf, port);
        int other = freePort();
        assertEquals(conf, echoConf(other)); // the same inetd.conf, edited
        Path log = folder.getRoot().toPath().resolve("server.log");
        Process server = distribution.start(log, "--inetd", conf.toString(), "--data", data.toString());
        try (Socket client = connectAsSoonAsPossible(server, other)) {
            assertEquals("the edited port\n", echo(client, "the edited port\n"));
        }
        String text = ServedPorts.awaitLog(log, "LISTEN service=" + other + " protocol=udp4");
        assertTrue(text, text.contains("INFO Launcher - Bound early from the configuration (" + conf + ", "
                + distribution.home().resolve("deploy") + "; " + record
                + " was made from another configuration or the same files before a change): "));
        String bound = text.substring(text.indexOf("Bound early"), text.indexOf('\n', text.indexOf("Bound early")));
        assertTrue(bound, bound.endsWith("stream 127.0.0.1:" + other) || bound.contains("stream 127.0.0.1:" + other + ","));
        assertFalse(bound, bound.endsWith("127.0.0.1:" + port) || bound.contains("127.0.0.1:" + port + ","));
        assertTrue(text, text.contains("ADOPT service=" + other + " protocol=tcp4 fd="));
        try (Socket refused = new Socket()) {
            refused.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            fail("the port of the record's configuration was bound");
        } catch (java.net.ConnectException expected) {
            // refused: never bound
        }
        awaitRecord("stream 127.0.0.1 " + other + " 128", " " + port + " ");
        stop(server);
    }

    @Test
    public void nothingIsBoundEarlyWhenTurnedOff() throws Exception {
        int port = freePort();
        Path conf = echoConf(port);
        firstRun(conf, port);
        Path log = folder.getRoot().toPath().resolve("server.log");
        Process server = distribution.start("export SUPERSERVER_OPTS=-Dsuperserver.early.bind=false", log,
                "--inetd", conf.toString(), "--data", data.toString());
        String text = ServedPorts.awaitLog(log, "LISTEN service=" + port + " protocol=tcp4");
        assertFalse(text, text.contains("Bound"));
        assertFalse(text, text.contains("ADOPT"));
        try (Socket client = new Socket("127.0.0.1", port)) {
            assertEquals("its own bind\n", echo(client, "its own bind\n"));
        }
        stop(server);
    }
}
