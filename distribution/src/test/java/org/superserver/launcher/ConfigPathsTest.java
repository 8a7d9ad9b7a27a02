package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A configuration option naming a FIFO, a device or a directory is refused, naming both. */
public class ConfigPathsTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    @Test(timeout = 30_000)
    public void aFifoIsRefusedWithoutBeingOpened() throws Exception {
        Path fifo = folder.getRoot().toPath().resolve("inetd.conf");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS));
        assertEquals(Optional.of("--hosts-allow " + fifo + ": is a FIFO, not a regular file;"
                + " name the configuration file itself"), ConfigPaths.problem(Map.of("superserver.hosts.allow",
                        fifo.toString())::get));
    }

    @Test
    public void aDirectoryADeviceAndOneBadFileAmongSeveralInetdFilesAreRefused() throws Exception {
        Path good = folder.newFile("inetd.conf").toPath();
        Path dir = folder.newFolder("conf.d").toPath();
        String problem = ConfigPaths.problem(Map.of("superserver.inetd", good + "," + dir)::get).orElseThrow();
        assertTrue(problem, problem.startsWith("--inetd " + dir + ": is a directory, not a regular file"));
        problem = ConfigPaths.problem(Map.of("superserver.services", "/dev/zero")::get).orElseThrow();
        assertTrue(problem, problem.startsWith("--services /dev/zero: is a character device"));
    }

    @Test
    public void eachOfSeveralXinetdFilesIsChecked() throws Exception {
        Path good = folder.newFile("xinetd.conf").toPath();
        Path dir = folder.newFolder("xinetd.d").toPath();
        String problem = ConfigPaths.problem(Map.of("superserver.xinetd", good + "," + dir)::get).orElseThrow();
        assertTrue(problem, problem.startsWith("--xinetd " + dir + ": is a directory, not a regular file"));
    }

    @Test
    public void regularFilesSymlinksToThemAndMissingFilesPass() throws Exception {
        Path good = folder.newFile("hosts.deny").toPath();
        Path link = folder.getRoot().toPath().resolve("hosts.allow");
        Files.createSymbolicLink(link, good);
        Path missing = folder.getRoot().toPath().resolve("missing.conf");
        assertEquals(Optional.empty(), ConfigPaths.problem(Map.of("superserver.hosts.deny", good.toString(),
                "superserver.hosts.allow", link.toString(), "superserver.inetd", missing.toString())::get));
        assertEquals(Optional.empty(), ConfigPaths.problem(Map.<String, String>of()::get));
    }

    @Test
    public void inetdAndXinetdNameSeveralFilesTheOthersOne() {
        assertEquals(java.util.List.of(Path.of("/etc/a.conf"), Path.of("/etc/b.conf"), Path.of("/etc/c.conf")),
                ConfigPaths.files("superserver.inetd", " /etc/a.conf,/etc/b.conf::/etc/c.conf, "));
        assertEquals(java.util.List.of(Path.of("/x/1"), Path.of("/x/2")), ConfigPaths.files("superserver.xinetd", "/x/1:/x/2"));
        assertEquals("a services table is one file, colons and all", java.util.List.of(Path.of("/srv/a:b")),
                ConfigPaths.files("superserver.services", "/srv/a:b"));
        assertEquals(java.util.List.of(), ConfigPaths.files("superserver.inetd", " "));
        assertEquals("FileInstall's directories, by commas only", java.util.List.of(Path.of("/opt/s/deploy"),
                Path.of("/opt/s/etc/a:b")), ConfigPaths.files("superserver.fileinstall.dirs", "/opt/s/deploy, /opt/s/etc/a:b,"));
        assertEquals(java.util.List.of("stream", "::1", "7"), ConfigPaths.split("  stream \t::1 7 ", " \t"));
    }
}
