package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The record of the last start's listening sockets, as the launcher reads it before binding them. */
public class EarlySocketsTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final int uid = ProcSelf.effectiveUid().orElse(-1);

    private Path record(String text, String mode) throws Exception {
        Path file = folder.getRoot().toPath().resolve(EarlySockets.RECORD);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    public void linesOfBothSocketTypesAndBothFamiliesAreRead() throws Exception {
        List<String> problems = new ArrayList<>();
        EarlySockets.Record read = EarlySockets.read(record("# comment\n\nconfiguration 0a1b\nstream 127.0.0.1 7007 128\n"
                + "dgram 0:0:0:0:0:0:0:1 7007\n  stream ::1 8008 4096  \n", "rw-------"), uid, problems);
        assertEquals(List.of(), problems);
        assertEquals("0a1b", read.key());
        List<EarlySockets.Wanted> wanted = read.sockets();
        assertEquals(3, wanted.size());
        assertEquals(new EarlySockets.Wanted(true, new InetSocketAddress("127.0.0.1", 7007), 128), wanted.get(0));
        assertEquals("dgram [0:0:0:0:0:0:0:1]:7007", wanted.get(1).describe());
        assertEquals(4096, wanted.get(2).backlog());
    }

    @Test
    public void aBadLineIsReportedWithItsFileLineAndFieldAndTheOthersAreKept() throws Exception {
        List<String> problems = new ArrayList<>();
        Path file = record("stream 127.0.0.1 7007 128\nstream 127.0.0.1 notaport 128\nraw 127.0.0.1 1\n"
                + "stream localhost 7 1\ndgram 127.0.0.1 7 9\nstream 127.0.0.1 70000 1\nstream 127.0.0.1 7 0\n"
                + "dgram 127.0.0.1 7008\n", "rw-r--r--");
        List<EarlySockets.Wanted> wanted = EarlySockets.read(file, uid, problems).sockets();
        assertEquals(2, wanted.size());
        assertEquals(List.of(
                file + " line 2: field 3 (port) is notaport, not a number from 1 to 65535; line skipped",
                file + " line 3: field 1 (socket type) is raw, not stream or dgram; line skipped",
                file + " line 4: field 2 (address) is localhost, not an IPv4 or IPv6 literal; line skipped",
                file + " line 5: a dgram line has 3 fields, this one 4; line skipped",
                file + " line 6: field 3 (port) is 70000, not a number from 1 to 65535; line skipped",
                file + " line 7: field 4 (backlog) is 0, not a number from 1 to 65535; line skipped"), problems);
    }

    /** A data directory whose record, made from configuration {@code key}, names one TCP socket at {@code port}. */
    private Path dataWithRecord(String key, int port) throws Exception {
        Path data = folder.newFolder().toPath();
        Path file = data.resolve(EarlySockets.RECORD);
        Files.writeString(file, "configuration " + key + "\nstream 127.0.0.1 " + port + " 16\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return data;
    }

    private static boolean accepts(int port) {
        try (java.net.Socket client = new java.net.Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }

    @Test
    public void theSocketsListenAtOnceAndAreClosedIfNoCoreTakesThem() throws Exception {
        int port = ServedPorts.freePort();
        String line = EarlySockets.bind(dataWithRecord("k1", port), uid, null, "k1", () -> {
            throw new AssertionError("the record is of this start's configuration: its files need no reading");
        });
        assertTrue(line, line.startsWith("Bound early from ") && line.endsWith(": stream 127.0.0.1:" + port));
        String fds = System.getProperty(EarlySockets.PROPERTY);
        assertTrue("handed over as descriptor numbers: " + fds, fds != null && fds.matches("[0-9]+"));
        assertTrue("listening before any framework", accepts(port));
        EarlySockets.closeUnclaimed("no core in this test");
        assertEquals("whoever closes them removes the property", null, System.getProperty(EarlySockets.PROPERTY));
        assertTrue("closed", !accepts(port));
    }

    @Test
    public void aRecordOfAnotherConfigurationGivesWayToTheSocketsOfTheConfigurationsFiles() throws Exception {
        int recorded = ServedPorts.freePort();
        int configured = ServedPorts.freePort();
        Path data = dataWithRecord("k1", recorded);
        String line = EarlySockets.bind(data, uid, null, "k2", () -> new ConfiguredSockets.Found(List.of(
                new EarlySockets.Wanted(true, new InetSocketAddress("127.0.0.1", configured), 128)), "/etc/inetd.conf"));
        assertEquals("Bound early from the configuration (/etc/inetd.conf; " + data.resolve(EarlySockets.RECORD)
                + " was made from another configuration or the same files before a change): stream 127.0.0.1:"
                + configured, line);
        assertTrue("the configuration's socket listens", accepts(configured));
        assertTrue("the record's was never bound", !accepts(recorded));
        EarlySockets.closeUnclaimed("no core in this test");

        line = EarlySockets.bind(data, uid, null, "k2", () -> new ConfiguredSockets.Found(List.of(), "/etc/inetd.conf"));
        assertTrue(line, line.startsWith("Bound nothing early: the configuration (/etc/inetd.conf; ")
                && line.endsWith(" asks for no IP socket"));
        assertEquals(null, System.getProperty(EarlySockets.PROPERTY));
    }

    @Test
    public void withoutARecordTheConfigurationsFilesAreRead() throws Exception {
        int port = ServedPorts.freePort();
        String line = EarlySockets.bind(folder.newFolder().toPath(), uid, null, "k1", () -> new ConfiguredSockets.Found(
                List.of(new EarlySockets.Wanted(false, new InetSocketAddress("127.0.0.1", port), 0)), "/etc/inetd.conf"));
        assertEquals("Bound early from the configuration (/etc/inetd.conf): dgram 127.0.0.1:" + port, line);
        EarlySockets.closeUnclaimed("no core in this test");
        assertEquals(null, EarlySockets.bind(folder.newFolder().toPath(), uid, null, "k1",
                () -> new ConfiguredSockets.Found(List.of(), "/etc/inetd.conf")));
    }

    @Test
    public void aConfigurationThatTakesTooLongToReadBindsNothingAndDelaysTheStartNoLonger() throws Exception {
        int port = ServedPorts.freePort();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        String line = EarlySockets.bind(folder.newFolder().toPath(), uid, null, "k1", () -> {
            try {
                // a resolver that does not answer: done only once bind has returned (or after 60 s,
                // when this test fails with a line that says the socket was bound)
                release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ConfiguredSockets.Found(List.of(new EarlySockets.Wanted(true,
                    new InetSocketAddress("127.0.0.1", port), 128)), "/etc/inetd.conf");
        }, 200);
        release.countDown();
        assertEquals("Bound nothing early: the configuration was not read within 200 ms; the services bind their"
                + " own sockets", line);
        assertEquals(null, System.getProperty(EarlySockets.PROPERTY));
        assertTrue("never bound", !accepts(port));

        line = EarlySockets.bind(folder.newFolder().toPath(), uid, null, "k1", () -> {
            throw new IllegalStateException("a format's bug");
        });
        assertEquals("Bound nothing early: the configuration was not read: java.lang.IllegalStateException: a format's"
                + " bug; the services bind their own sockets", line);
    }

    @Test
    public void onlyLiteralsPassAsAddressesSoThatNoNameIsLookedUp() {
        for (String yes : new String[] {"127.0.0.1", "0.0.0.0", "255.255.255.255", "::", "::1", "fe80::1",
                "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
            assertTrue(yes, EarlySockets.literal(yes));
        }
        for (String no : new String[] {"localhost", "999.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", "abc",
                "1.2.3.0004", "\u0661.2.3.4", "example.com", ""}) {
            assertTrue(no, !EarlySockets.literal(no));
        }
    }

    @Test
    public void aRecordOthersMayWriteOrASymlinkIsNotUsed() throws Exception {
        List<String> problems = new ArrayList<>();
        Path file = record("stream 127.0.0.1 7007 128\n", "rw-rw-rw-");
        assertEquals(List.of(), EarlySockets.read(file, uid, problems).sockets());
        assertEquals(1, problems.size());
        assertTrue(problems.get(0), problems.get(0).startsWith(file + ": not a regular file of this user"));

        Path target = folder.newFile("elsewhere").toPath();
        Files.writeString(target, "stream 127.0.0.1 7007 128\n");
        Files.delete(file);
        Files.createSymbolicLink(file, target);
        problems.clear();
        assertEquals(List.of(), EarlySockets.read(file, uid, problems).sockets());
        assertEquals(1, problems.size());
    }

    @Test
    public void noRecordMeansNothingToBindAndNoProblem() {
        List<String> problems = new ArrayList<>();
        assertEquals(List.of(), EarlySockets.read(folder.getRoot().toPath().resolve("none"), uid, problems).sockets());
        assertEquals(List.of(), problems);
    }

    @Test
    public void atMostSoManySocketsAreBound() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i <= EarlySockets.MAX_SOCKETS; i++) {
            text.append("dgram 127.0.0.1 ").append(10_000 + i).append('\n');
        }
        List<String> problems = new ArrayList<>();
        List<EarlySockets.Wanted> wanted = EarlySockets.read(record(text.toString(), "rw-------"), uid, problems).sockets();
        assertEquals(EarlySockets.MAX_SOCKETS, wanted.size());
        assertEquals(1, problems.size());
        if (!problems.get(0).contains("more than " + EarlySockets.MAX_SOCKETS + " sockets")) {
            fail(problems.get(0));
        }
    }
}
