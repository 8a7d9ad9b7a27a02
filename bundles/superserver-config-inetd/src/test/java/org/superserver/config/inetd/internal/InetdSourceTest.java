package org.superserver.config.inetd.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.DefinitionPublisher;

/** A file set read from disk and published through the difference logic, with a recording sink. */
public class InetdSourceTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final RecordingSink sink = new RecordingSink();
    private Path conf;
    private Path services;
    private InetdSource source;

    @Before
    public void setUp() throws IOException {
        conf = tmp.getRoot().toPath().resolve("inetd.conf");
        services = tmp.getRoot().toPath().resolve("services");
        Files.copy(Path.of("src/test/resources/services"), services);
        source = new InetdSource(List.of(conf), services, false, AddressResolver.LITERAL_ONLY,
                new DefinitionPublisher(sink));
    }

    private String id(String addressServiceProtocol) {
        return "inetd:" + conf + ":" + addressServiceProtocol;
    }

    private static void write(Path file, String... lines) throws IOException {
        // as an editor that replaces the file does: write a new file, rename it over the old one
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(next, String.join("\n", lines) + "\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    public void checkListsTheProblemsOfTheFileOnDiskWithoutRepublishing() throws IOException {
        write(conf, "echo stream tcp nowait root internal");
        source.reloadNow();
        sink.clearEvents();
        write(conf, "echo stream tcp nowait root internal", "bogus stream nosuchproto nowait root internal");
        List<Diagnostic> problems = source.check();
        assertEquals(problems.toString(), 1, problems.size());
        Diagnostic bad = problems.get(0);
        assertEquals(conf.toString(), bad.file());
        assertEquals(2, bad.line());
        assertTrue(bad.isError());
        assertEquals("nothing is published by a check", List.of(), sink.events);
        assertEquals(1, sink.liveCount());
        write(conf, "echo stream tcp nowait root internal");
        assertEquals(List.of(), source.check());
    }

    @Test
    public void checkNamesAMissingFile() throws IOException {
        List<Diagnostic> problems = source.check();
        assertEquals(1, problems.size());
        assertEquals(conf.toString(), problems.get(0).file());
        assertTrue(problems.get(0).message(), problems.get(0).message().contains("does not exist"));
    }

    @Test
    public void aServiceIsPublishedByItsSourceWhichRefusesToDisableItNamingItsLine() throws IOException {
        write(conf, "# a comment", "echo stream tcp nowait root internal");
        source.reloadNow();
        assertTrue(source.publishes(id("*:echo/tcp")));
        assertFalse(source.publishes("inetd:/elsewhere:*:echo/tcp"));
        try {
            source.setDisabled(id("*:echo/tcp"), true);
            throw new AssertionError("an inetd.conf line cannot be turned off from outside");
        } catch (UnsupportedOperationException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(conf + ":2"));
            assertTrue(e.getMessage(), e.getMessage().contains("comment that line out"));
        }
        try {
            source.setDisabled("inetd:/elsewhere:*:echo/tcp", true);
            throw new AssertionError("not this source's service");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is not one of"));
        }
    }

    @Test
    public void reloadAppliesOnlyTheDifference() throws IOException {
        write(conf,
                "echo stream tcp nowait root internal",
                "daytime stream tcp nowait root internal",
                "time stream tcp nowait root internal");
        InetdSource.Report first = source.reloadNow();
        assertEquals(3, first.changes.added);
        assertEquals(3, sink.liveCount());
        sink.clearEvents();

        write(conf,
                "echo stream tcp nowait root internal",
                "daytime stream tcp nowait nobody internal",
                "chargen stream tcp nowait root internal");
        InetdSource.Report report = source.reloadNow();

        assertEquals(List.of("-" + id("*:time/tcp"), "+" + id("*:daytime/tcp"), "+" + id("*:chargen/tcp"),
                "-" + id("*:daytime/tcp")), sink.events);
        assertEquals("added 1, changed 1, removed 1, unchanged 1", report.changes.toString());
        assertEquals(0, report.errors());
        assertEquals(3, report.services);
        assertEquals("nobody", sink.live.get(id("*:daytime/tcp")).user());
    }

    @Test
    public void aBadLineIsSkippedAndCountedWhileTheOthersServe() throws IOException {
        write(conf, "echo stream tcp nowait root internal", "echo stream sctp nowait root internal",
                "daytime stream tcp nowait root internal");
        InetdSource.Report report = source.reloadNow();
        assertEquals(1, report.errors());
        assertEquals(2, sink.liveCount());
        assertEquals(conf + ":2", report.diagnostics.get(0).file() + ":" + report.diagnostics.get(0).line());
    }

    @Test
    public void aMissingFileIsAnErrorNamingItAndKeepsItsLastGoodDefinitions() throws IOException {
        InetdSource.Report missing = source.reloadNow();
        assertEquals(1, missing.errors());
        assertEquals("file", missing.diagnostics.get(0).field());
        String text = InetdConfParser.describe(missing.diagnostics.get(0));
        assertTrue(text, text.contains("inetd.conf file " + conf + " does not exist"));
        assertEquals(0, sink.liveCount());

        write(conf, "echo stream tcp nowait root internal");
        source.reloadNow();
        assertEquals(1, sink.liveCount());
        sink.clearEvents();

        Files.delete(conf);
        InetdSource.Report gone = source.reloadNow();
        assertEquals(1, gone.errors());
        assertTrue(InetdConfParser.describe(gone.diagnostics.get(0)).contains("stay published"));
        assertEquals(List.of(), sink.events);
        assertEquals(1, sink.liveCount());
    }

    @Test
    public void anUnreadableServicesTableLeavesOnlyNumericPorts() throws IOException {
        Files.delete(services);
        write(conf, "echo stream tcp nowait root internal", "10007 stream tcp nowait root internal echo");
        InetdSource.Report report = source.reloadNow();
        assertEquals(2, report.errors());
        assertEquals("services", report.diagnostics.get(0).field());
        assertEquals(1, sink.liveCount());
    }

    @Test
    public void pollingReloadsWhenTheContentChangesAndIgnoresATouch() throws IOException {
        write(conf, "echo stream tcp nowait root internal");
        source.reloadNow();
        assertFalse(source.reloadIfChanged());

        Files.setLastModifiedTime(conf, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        sink.clearEvents();
        assertFalse(source.reloadIfChanged());
        assertEquals(List.of(), sink.events);

        write(conf, "echo stream tcp nowait root internal", "daytime stream tcp nowait root internal");
        assertTrue(source.reloadIfChanged());
        assertEquals(List.of("+" + id("*:daytime/tcp")), sink.events);
        assertFalse(source.reloadIfChanged());
    }

    @Test
    public void pollingSeesAFileAppearAndTheServicesTableChange() throws IOException {
        source.reloadNow();
        assertFalse(source.reloadIfChanged());
        write(conf, "echo stream tcp nowait root internal");
        assertTrue(source.reloadIfChanged());
        assertEquals(7, sink.live.get(id("*:echo/tcp")).port());

        write(services, "echo 10007/tcp");
        assertTrue(source.reloadIfChanged());
        assertEquals(10007, sink.live.get(id("*:echo/tcp")).port());
    }

    @Test
    public void severalFilesPublishTogetherWithIdsPerFile() throws IOException {
        Path other = tmp.getRoot().toPath().resolve("other.conf");
        write(conf, "echo stream tcp nowait root internal");
        write(other, "echo stream tcp nowait root internal");
        InetdSource both = new InetdSource(List.of(conf, other), services, false, AddressResolver.LITERAL_ONLY,
                new DefinitionPublisher(sink));
        InetdSource.Report report = both.reloadNow();
        assertEquals(2, report.services);
        assertTrue(sink.live.containsKey("inetd:" + other + ":*:echo/tcp"));
        assertEquals("inetd.conf " + conf + ", " + other, both.description());
    }

    @Test
    public void aClosedSourceDoesNothing() throws IOException {
        write(conf, "echo stream tcp nowait root internal");
        source.close();
        assertNull(source.reloadNow());
        source.reload();
        assertFalse(source.reloadIfChanged());
        assertEquals(List.of(), sink.events);
    }

    // ---- bytes ----

    @Test
    public void argumentsKeepTheFilesBytesOneCharPerByte() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("10079 stream tcp nowait nobody /usr/bin/printf printf %s caf".getBytes(StandardCharsets.US_ASCII));
        bytes.write(0xE9); // Latin-1 e-acute: not valid UTF-8 on its own
        bytes.writeBytes(" na".getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes("\u00efve".getBytes(StandardCharsets.UTF_8)); // UTF-8 i-diaeresis: two bytes
        bytes.write('\n');
        Files.write(conf, bytes.toByteArray());

        source.reloadNow();
        ServiceDefinition d = sink.live.get(id("*:10079/tcp"));
        assertEquals(List.of("printf", "%s", "caf\u00e9", "na\u00c3\u00afve"), d.argv());
        // what the core must write (ISO-8859-1, one byte per char) is the file's bytes again
        assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xE9}, d.argv().get(2).getBytes(StandardCharsets.ISO_8859_1));
        assertArrayEquals("na\u00efve".getBytes(StandardCharsets.UTF_8),
                d.argv().get(3).getBytes(StandardCharsets.ISO_8859_1));
    }

    // ---- files that are not regular ----

    private Path fifo(String name) throws IOException, InterruptedException {
        Path fifo = tmp.getRoot().toPath().resolve(name);
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals("mkfifo " + fifo, 0, mkfifo.waitFor());
        return fifo;
    }

    private static Diagnostic fileError(InetdSource.Report report, Path file) {
        return report.diagnostics.stream().filter(d -> d.file().equals(file.toString())).findFirst()
                .orElseThrow(() -> new AssertionError("no diagnostic names " + file + ": " + report.diagnostics));
    }

    @Test(timeout = 20_000)
    public void aFifoIsRefusedWithoutBeingOpenedAndTheOtherFilesServe() throws Exception {
        Path fifo = fifo("fifo.conf");
        write(conf, "echo stream tcp nowait root internal");
        InetdSource both = new InetdSource(List.of(fifo, conf), services, false, AddressResolver.LITERAL_ONLY,
                new DefinitionPublisher(sink));

        InetdSource.Report report = both.reloadNow();

        assertEquals(1, report.errors());
        Diagnostic d = fileError(report, fifo);
        assertTrue(d.isError());
        assertEquals("file", d.field());
        String text = InetdConfParser.describe(d);
        assertTrue(text, text.contains(fifo + " is a FIFO (named pipe), not a regular file"));
        assertEquals(1, sink.liveCount());
        assertTrue(sink.live.containsKey(id("*:echo/tcp")));
        // the poll does not open it either
        assertFalse(both.reloadIfChanged());
    }

    @Test(timeout = 20_000)
    public void aDirectoryIsRefusedWithAnErrorNamingIt() throws IOException {
        Files.createDirectory(conf);
        InetdSource.Report report = source.reloadNow();
        assertEquals(1, report.errors());
        String text = InetdConfParser.describe(fileError(report, conf));
        assertTrue(text, text.contains(conf + " is a directory, not a regular file"));
        assertEquals(0, sink.liveCount());
    }

    @Test(timeout = 20_000)
    public void aFileReplacedByAFifoKeepsItsLastGoodDefinitions() throws Exception {
        write(conf, "echo stream tcp nowait root internal");
        source.reloadNow();
        Files.delete(conf);
        Files.move(fifo("fifo"), conf);
        sink.clearEvents();

        assertTrue(source.reloadIfChanged());
        assertEquals(List.of(), sink.events);
        assertEquals(1, sink.liveCount());
    }

    @Test(timeout = 20_000)
    public void aFifoAsTheServicesTableIsRefusedAndNumericPortsServe() throws Exception {
        Files.delete(services);
        Files.move(fifo("services.fifo"), services);
        write(conf, "10007 stream tcp nowait root internal echo");
        InetdSource.Report report = source.reloadNow();
        String text = InetdConfParser.describe(fileError(report, services));
        assertTrue(text, text.contains("is a FIFO (named pipe), not a regular file"));
        assertEquals(1, sink.liveCount());
    }

    @Test
    public void aCharacterDeviceIsRefusedWithoutBeingRead() {
        Path zero = Path.of("/dev/zero");
        org.junit.Assume.assumeTrue("needs /dev/zero", Files.exists(zero));
        InetdSource devices = new InetdSource(List.of(zero), services, false, AddressResolver.LITERAL_ONLY,
                new DefinitionPublisher(sink));
        String text = InetdConfParser.describe(fileError(devices.reloadNow(), zero));
        assertTrue(text, text.contains("/dev/zero is a character device, not a regular file"));
    }

    // ---- origin ----

    @Test
    public void aCommentAddedAtTheTopChangesNoServiceAndWithdrawsNone() throws IOException {
        write(conf,
                "echo stream tcp nowait root internal",
                "daytime stream tcp nowait root internal");
        source.reloadNow();
        sink.clearEvents();

        write(conf,
                "# a comment above every line",
                "echo stream tcp nowait root internal",
                "daytime stream tcp nowait root internal");
        InetdSource.Report report = source.reloadNow();

        assertEquals("added 0, changed 0, removed 0, unchanged 2 (2 moved)", report.changes.toString());
        assertEquals(0, report.changes.changed);
        // each id is re-registered with its new line before its old registration goes: never absent
        assertEquals(List.of("+" + id("*:echo/tcp"), "+" + id("*:daytime/tcp"), "-" + id("*:echo/tcp"),
                "-" + id("*:daytime/tcp")), sink.events);
        assertEquals(conf + ":2", sink.live.get(id("*:echo/tcp")).origin());
        assertEquals(conf + ":3", sink.live.get(id("*:daytime/tcp")).origin());

        sink.clearEvents();
        InetdSource.Report again = source.reloadNow();
        assertEquals("added 0, changed 0, removed 0, unchanged 2", again.changes.toString());
        assertEquals(List.of(), sink.events);
    }
}
