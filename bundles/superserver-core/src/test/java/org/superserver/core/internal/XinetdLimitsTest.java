package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.LogTarget;
import org.superserver.api.status.ListenerState;

/**
 * xinetd's limits on in-process services over real sockets: per_source with clients from different
 * loopback addresses, instances as open connections, cps pausing and resuming with the counts kept,
 * banner_fail to a refused client, and the FAIL lines in the definition's log file.
 */
public class XinetdLimitsTest extends CoreFixture {

    private Path dir;
    private Path banner;
    private Path logFile;

    @Before
    public void startCore() throws Exception {
        dir = Files.createTempDirectory("superserver-xlimits");
        banner = Files.writeString(dir.resolve("banner_fail"), "go away\r\n");
        logFile = dir.resolve("service.log");
        start(SETTINGS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
    }

    @After
    public void removeFiles() throws IOException {
        stopEverything();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    private static String readAll(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    private String awaitLogLine(String... parts) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(logFile)) {
                for (String line : Files.readAllLines(logFile)) {
                    boolean all = true;
                    for (String part : parts) {
                        all &= line.contains(part);
                    }
                    if (all) {
                        return line;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no line with " + List.of(parts) + " in " + (Files.exists(logFile)
                ? Files.readAllLines(logFile) : "(no file)"));
    }

    @Test
    public void perSourceRefusesTheThirdConnectionFromOneAddressWithItsBannerAndServesOtherAddresses()
            throws Exception {
        registry.addDefinition("d", tcp("ps").perSource(2).bannerFail(banner.toString())
                .logTarget(LogTarget.file(logFile.toString(), 0, 0)).build());
        int port = port("ps");
        try (Socket a = connectFrom("127.0.0.2", port); Socket b = connectFrom("127.0.0.2", port)) {
            assertEchoes(a, "a\n");
            assertEchoes(b, "b\n");
            try (Socket c = connectFrom("127.0.0.2", port)) {
                assertEquals("go away\r\n", readAll(c));
            }
            try (Socket other = connectFrom("127.0.0.3", port)) {
                assertEchoes(other, "another address is served\n");
            }
            String fail = awaitLogLine("FAIL service=ps", "reason=per_source_limit");
            assertTrue(fail, fail.contains("from=127.0.0.2:"));
        }
        // both closed: the address may connect again
        long deadline = System.currentTimeMillis() + 5_000;
        while (registry.binding("ps").occupancy().sources.addresses() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        try (Socket again = connectFrom("127.0.0.2", port)) {
            assertEchoes(again, "again\n");
        }
    }

    @Test
    public void instancesOfAnInProcessServiceCountOpenConnections() throws Exception {
        registry.addDefinition("d", tcp("inst").instances(2).bannerFail(banner.toString()).build());
        int port = port("inst");
        Socket first = connect(port);
        Socket second = connect(port);
        assertEchoes(first, "1\n");
        assertEchoes(second, "2\n");
        try (Socket third = connect(port)) {
            assertEquals("go away\r\n", readAll(third));
        }
        first.close();
        long deadline = System.currentTimeMillis() + 5_000;
        while (registry.binding("inst").occupancy().connections.get() > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        try (Socket fourth = connect(port)) {
            assertEchoes(fourth, "room again\n");
        }
        assertEquals(1, registry.binding("inst").occupancy().refused.get());
    }

    @Test
    public void overItsCpsTheServicePausesForItsSecondsThenServesAgainStillCountingItsConnections()
            throws Exception {
        registry.addDefinition("d", tcp("cps").cps(2, 1).instances(3).bannerFail(banner.toString())
                .logTarget(LogTarget.file(logFile.toString(), 0, 0)).build());
        int port = port("cps");
        Socket kept = connect(port);
        assertEchoes(kept, "kept\n");
        Socket second = connect(port);
        assertEchoes(second, "second\n");
        // the third within the same second trips the limit (or, on a slow machine, a later burst does)
        String refusal = "";
        for (int i = 0; i < 20 && !refusal.equals("go away\r\n"); i++) {
            try (Socket extra = connect(port)) {
                extra.getOutputStream().write('x');
                refusal = readUpTo(extra, 9);
            } catch (java.net.ConnectException paused) {
                break; // the pause has begun
            }
        }
        awaitLogLine("FAIL service=cps", "reason=cps");
        waitForState("cps", ListenerState.PAUSED);
        waitForState("cps", ListenerState.LISTENING);
        assertEchoes(kept, "the open connection stayed\n");
        port = port("cps"); // bound again (the definition asks for any free port)
        Socket third = connect(port);
        assertEchoes(third, "after the pause\n");
        // kept, second and third are open: instances 3 is reached, the count was not reset by the pause
        try (Socket fourth = connect(port)) {
            assertEquals("go away\r\n", readAll(fourth));
        }
        awaitLogLine("FAIL service=cps", "reason=service_limit");
        kept.close();
        second.close();
        third.close();
    }

    /** Reads what the server sends before it closes, or up to {@code max} bytes. */
    private static String readUpTo(Socket socket, int max) throws IOException {
        byte[] buffer = new byte[max];
        int read = 0;
        InputStream in = socket.getInputStream();
        while (read < max) {
            int n;
            try {
                n = in.read(buffer, read, max - read);
            } catch (IOException reset) {
                break;
            }
            if (n < 0) {
                break;
            }
            read += n;
        }
        return new String(buffer, 0, read, StandardCharsets.US_ASCII);
    }

    @Test
    public void maxLoadRefusesWhenTheLoadAverageIsAtTheLimit() throws Exception {
        Path loadavg = Files.writeString(dir.resolve("loadavg"), "3.50 1.00 0.50 1/100 1234\n");
        LoadAverage load = new LoadAverage(loadavg);
        try {
            assertEquals(3.5, load.oneMinute(), 0.0001);
            Binding binding = new Binding(tcp("l").maxLoad(3.5).build(), new EchoHandler(), null, b -> { },
                    new ChildSlots(10), new Occupancy(), new DispatchServices(registry.connectionLog(),
                    new BannerFiles(), load, b -> { }));
            assertEquals(Admission.LOAD, Admission.check(binding, new InetSocketAddress("127.0.0.1", 1), true, load));
            Files.writeString(loadavg, "0.20 1.00 0.50 1/100 1234\n");
            load.refresh();
            assertTrue(Admission.check(binding, new InetSocketAddress("127.0.0.1", 1), true, load)
                    instanceof Admission.Admitted);
        } finally {
            load.close();
        }
    }

    @Test
    public void theLoadAverageIsTheFirstFieldOfProcLoadavg() {
        assertEquals(0.42, LoadAverage.parse("0.42 0.30 0.20 2/345 6789\n"), 0.0001);
    }

    @Test
    public void theSourceTableIsBoundedAndForgetsAnAddressOnceItsLastConnectionCloses() throws Exception {
        SourceTable table = new SourceTable(2);
        java.net.InetAddress a = java.net.InetAddress.getByName("127.0.0.2");
        java.net.InetAddress b = java.net.InetAddress.getByName("127.0.0.3");
        java.net.InetAddress c = java.net.InetAddress.getByName("127.0.0.4");
        SourceTable.Hold ha = table.tryTake(a, 1);
        SourceTable.Hold hb = table.tryTake(b, 1);
        assertTrue(ha != null && hb != null);
        assertEquals(null, table.tryTake(a, 1));
        assertEquals("full: a new address is refused", null, table.tryTake(c, 1));
        ha.release();
        ha.release();
        assertEquals(0, table.count(a));
        assertTrue(table.tryTake(c, 1) != null);
        assertEquals(2, table.addresses());
    }

    @Test
    public void theConnectionRateAdmitsItsRatePerSecond() {
        ConnectionRate rate = new ConnectionRate(2);
        long t = 1_000_000_000L;
        assertTrue(rate.admit(t));
        assertTrue(rate.admit(t + 1));
        assertEquals(false, rate.admit(t + 2));
        assertTrue("a new second", rate.admit(t + 1_000_000_000L));
    }
}
