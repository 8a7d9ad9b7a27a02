package org.superserver.config.inetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

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
}
