package org.superserver.config.inetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ConfigFormat;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;

public class InetdFormatTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void readsAFileWithTheParserThatServesItAndReportsItsErrors() throws IOException {
        Path conf = tmp.newFile("inetd.conf").toPath();
        Files.writeString(conf, "echo stream tcp nowait root internal\n"
                + "10079 stream tcp nowait.40 nobody.nogroup /usr/sbin/in.fingerd in.fingerd -w\n"
                + "bad stream sctp nowait root /bin/cat\n");
        List<Diagnostic> problems = new ArrayList<>();
        List<ServiceDefinition> read = new InetdFormat(Path.of("src/test/resources/services")).read(conf, problems::add);
        assertEquals(2, read.size());
        assertEquals("echo", read.get(0).handler());
        assertEquals(7, read.get(0).port());
        assertEquals(40, read.get(1).maxPerMinute());
        assertEquals(List.of("in.fingerd", "-w"), read.get(1).argv());
        assertEquals(conf + ":2", read.get(1).origin());
        assertEquals(1, problems.size());
        assertEquals(3, problems.get(0).line());
        assertEquals("protocol", problems.get(0).field());
    }

    @Test
    public void aMissingServicesTableIsAWarningAndNumericPortsStillRead() throws IOException {
        Path conf = tmp.newFile("inetd.conf").toPath();
        Files.writeString(conf, "10007 stream tcp nowait root /bin/cat cat\n");
        List<Diagnostic> problems = new ArrayList<>();
        List<ServiceDefinition> read = new InetdFormat(tmp.getRoot().toPath().resolve("none")).read(conf, problems::add);
        assertEquals(1, read.size());
        assertFalse(problems.get(0).isError());
        assertEquals("services", problems.get(0).field());
    }

    @Test(expected = IOException.class)
    public void aMissingFileIsAnIoError() throws IOException {
        new InetdFormat(Path.of("src/test/resources/services")).read(tmp.getRoot().toPath().resolve("nope"), d -> { });
    }

    @Test
    public void isFoundByTheServiceLoaderAndCannotWrite() {
        ConfigFormat inetd = null;
        for (ConfigFormat f : ServiceLoader.load(ConfigFormat.class)) {
            if (f.name().equals("inetd")) {
                inetd = f;
            }
        }
        assertTrue(inetd instanceof InetdFormat);
        assertFalse(inetd.canWrite());
    }
}
