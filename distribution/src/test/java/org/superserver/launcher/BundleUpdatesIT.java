package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.superserver.launcher.ServedPorts.freePort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A restart with the data directory of the last start keeps the framework's copies of the jars in
 * bundle/ that have not changed, and updates the one that has: bin/superserver run as a real
 * process, the framework's bundle cache looked at between the starts. Declarative Services keeps
 * the components' parsed descriptors there too ({@code ds.cache.metadata}), for the next start.
 */
public class BundleUpdatesIT {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    @Rule
    public final Distribution distribution = new Distribution();

    private Path conf;
    private int port;

    /** Starts the server on {@code data}, waits for its daytime answer, stops it; its log. */
    private String startAndStop(Path data, String name) throws Exception {
        Path log = folder.getRoot().toPath().resolve(name + ".log");
        Process server = distribution.start(log, "--inetd", conf.toString(), "--data", data.toString());
        ServedPorts.awaitDaytime(server, port, log);
        new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
        assertTrue("stopped within 30 s", server.waitFor(30, TimeUnit.SECONDS));
        return Files.readString(log);
    }

    /** The revisions the framework's cache holds of the bundle installed from {@code jar}. */
    private static List<String> revisions(Path data, Path jar) throws IOException {
        try (Stream<Path> bundles = Files.list(data.resolve("cache"))) {
            for (Path bundle : (Iterable<Path>) bundles::iterator) {
                Path info = bundle.resolve("bundle.info");
                if (Files.isRegularFile(info) && Files.readAllLines(info).contains(jar.toRealPath().toFile().toURI().toString())) {
                    try (Stream<Path> versions = Files.list(bundle)) {
                        return versions.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("version"))
                                .sorted().collect(Collectors.toList());
                    }
                }
            }
        }
        throw new AssertionError("no bundle in the cache was installed from " + jar);
    }

    /** The file in which Declarative Services stored the components' descriptors at its last stop. */
    private static Path componentMetadataStore(Path data) throws IOException {
        try (Stream<Path> bundles = Files.list(data.resolve("cache"))) {
            return bundles.map(b -> b.resolve("data/componentMetadataStore")).filter(Files::isRegularFile)
                    .findFirst().orElseThrow(() -> new AssertionError("no componentMetadataStore under " + data));
        }
    }

    @Test
    public void aRestartUpdatesOnlyTheJarsThatChangedSinceTheLastStart() throws Exception {
        port = freePort();
        conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Path data = folder.getRoot().toPath().resolve("data");
        Path core = distribution.bundles("superserver-core-").get(0);
        Path builtin = distribution.bundles("superserver-builtin-").get(0);

        startAndStop(data, "first");
        assertEquals(List.of("version0.0"), revisions(data, core));
        Path store = componentMetadataStore(data);
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(store, LinkOption.NOFOLLOW_LINKS);
        assertFalse(store + " " + permissions, permissions.contains(PosixFilePermission.OTHERS_WRITE)
                || permissions.contains(PosixFilePermission.GROUP_WRITE));
        FileTime stored = Files.getLastModifiedTime(store);
        Thread.sleep(1_100); // a later time stamp for the store the next stop writes
        String second = startAndStop(data, "second"); // its components from the store: daytime still answers
        assertFalse(second, second.contains("Updated from"));
        assertTrue("the store is written again at every stop", Files.getLastModifiedTime(componentMetadataStore(data))
                .compareTo(stored) > 0);
        assertEquals("an unchanged jar is not copied again", List.of("version0.0"), revisions(data, core));

        FileTime original = Files.getLastModifiedTime(core);
        try {
            Files.setLastModifiedTime(core, FileTime.fromMillis(original.toMillis() + 2_000));
            String third = startAndStop(data, "third");
            assertTrue(third, third.contains("INFO Launcher - Updated from " + distribution.home().toRealPath()
                    .resolve("bundle") + ": " + core.getFileName() + "\n"));
            assertEquals(List.of("version0.1"), revisions(data, core));
            assertEquals(List.of("version0.0"), revisions(data, builtin));

            // a data directory from before the stamps: everything is updated, as every start did then
            Files.delete(data.resolve(BundleUpdates.FILE));
            String fourth = startAndStop(data, "fourth");
            assertTrue(fourth, fourth.contains(builtin.getFileName().toString()));
            assertEquals(List.of("version0.1"), revisions(data, builtin));
        } finally {
            Files.setLastModifiedTime(core, original);
        }
    }
}
