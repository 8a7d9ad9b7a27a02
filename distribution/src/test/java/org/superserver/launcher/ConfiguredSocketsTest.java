package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ConfigFormat;

/**
 * The sockets a start's configuration files ask for, read with the real config formats (found by
 * ServiceLoader over the bundles on the test class path, as the launcher finds them in bundle/),
 * where the core would bind them.
 */
public class ConfiguredSocketsTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private static List<ConfigFormat> formats() {
        List<ConfigFormat> formats = new ArrayList<>();
        ServiceLoader.load(ConfigFormat.class).forEach(formats::add);
        return formats;
    }

    private static List<String> described(ConfiguredSockets.Found found) {
        List<String> lines = new ArrayList<>();
        found.sockets().forEach(w -> lines.add(w.describe() + (w.stream() ? " " + w.backlog() : "")));
        return lines;
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        java.util.Collections.sort(copy);
        return copy;
    }

    private Path write(String name, String text) throws Exception {
        Path file = folder.getRoot().toPath().resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    public void anInetdConfsSocketsAreWhereTheCoreBindsThem() throws Exception {
        Path conf = write("inetd.conf", String.join("\n",
                "127.0.0.1:17001 stream tcp nowait root internal echo",
                "17001 dgram udp wait root internal echo",
                "17002 stream tcp4 nowait root internal daytime",
                "17003 stream tcp6 nowait root internal time",
                "[::1]:17004 stream tcp6 nowait root internal discard",
                "/tmp/superserver-test.sock stream unix nowait root internal echo",
                "17005 stream tcp nowait root /bin/cat cat",
                "17006 stream tcp4",
                "127.0.0.1:17001 stream tcp nowait root internal chargen",
                ""));
        List<ConfiguredSockets.Source> sources = List.of(new ConfiguredSockets.Source("inetd", conf));
        assertEquals(List.of("dgram [0:0:0:0:0:0:0:0]:17001", "stream 0.0.0.0:17002 128",
                "stream 127.0.0.1:17001 128", "stream [0:0:0:0:0:0:0:0]:17003 128",
                "stream [0:0:0:0:0:0:0:0]:17005 128", "stream [0:0:0:0:0:0:0:1]:17004 128"),
                sorted(described(ConfiguredSockets.read(formats(), sources, true))));
        // java.net.preferIPv4Stack: the core binds a plain tcp or udp service's wildcard as IPv4
        List<String> v4 = described(ConfiguredSockets.read(formats(), sources, false));
        assertTrue(v4.toString(), v4.contains("dgram 0.0.0.0:17001") && v4.contains("stream 0.0.0.0:17005 128")
                && v4.contains("stream [0:0:0:0:0:0:0:0]:17003 128"));
    }

    @Test
    public void anXinetdConfsServicesWithTheirIncludesAndNotTheDisabledOnesOrThoseForIpv6Only() throws Exception {
        Path dir = folder.newFolder("xinetd.d").toPath();
        Files.writeString(dir.resolve("echo"), "service echo\n{\n\ttype = INTERNAL UNLISTED\n\tid = echo-stream\n"
                + "\tsocket_type = stream\n\tprotocol = tcp\n\twait = no\n\tuser = root\n\tbind = 127.0.0.1\n\tport = 17011\n}\n");
        Files.writeString(dir.resolve("daytime"), "service daytime\n{\n\ttype = INTERNAL UNLISTED\n"
                + "\tsocket_type = stream\n\tprotocol = tcp\n\twait = no\n\tuser = root\n\tport = 17012\n"
                + "\tdisable = yes\n}\n");
        Files.writeString(dir.resolve("time"), "service time\n{\n\ttype = INTERNAL UNLISTED\n"
                + "\tsocket_type = stream\n\tprotocol = tcp\n\twait = no\n\tuser = root\n\tport = 17013\n"
                + "\tflags = IPv6\n\tv6only = yes\n}\n");
        Path conf = write("xinetd.conf", "defaults\n{\n}\nincludedir " + dir + "\n");
        List<ConfiguredSockets.Source> sources = List.of(new ConfiguredSockets.Source("xinetd", conf));
        assertEquals(List.of("stream 127.0.0.1:17011 128"), described(ConfiguredSockets.read(formats(), sources, true)));
        // the same service on IPv6 for IPv4 clients too: the launcher's dual-stack socket serves it
        Files.writeString(dir.resolve("time"), Files.readString(dir.resolve("time")).replace("v6only = yes",
                "v6only = no"));
        assertEquals(List.of("stream 127.0.0.1:17011 128", "stream [0:0:0:0:0:0:0:0]:17013 128"),
                sorted(described(ConfiguredSockets.read(formats(), sources, true))));
    }

    @Test
    public void theEmbeddedDefaultsCfgFilesGiveItsTenLoopbackSockets() throws Exception {
        Path defaults = Path.of("src/main/superserver/etc/default").toAbsolutePath();
        ConfiguredSockets.Found found = ConfiguredSockets.read(formats(),
                ConfiguredSockets.sources(Map.of("superserver.fileinstall.dirs",
                        folder.getRoot() + "/no-such-dir," + defaults)::get), true);
        assertEquals(List.of("stream 127.0.0.1:10019 128", "dgram 127.0.0.1:10019", "stream 127.0.0.1:10013 128",
                "dgram 127.0.0.1:10013", "stream 127.0.0.1:10009 128", "dgram 127.0.0.1:10009",
                "stream 127.0.0.1:10007 128", "dgram 127.0.0.1:10007", "stream 127.0.0.1:10037 128",
                "dgram 127.0.0.1:10037"), described(found));
        assertEquals(defaults.toString(), found.read());
    }

    @Test
    public void theFilesAreThoseTheBundlesRead() {
        Map<String, String> options = Map.of("superserver.inetd", "/a/inetd.conf,/b/inetd.conf",
                "superserver.xinetd", "/c/xinetd.conf", "superserver.services", "/d:services");
        assertEquals(List.of(new ConfiguredSockets.Source("inetd", Path.of("/a/inetd.conf")),
                new ConfiguredSockets.Source("inetd", Path.of("/b/inetd.conf")),
                new ConfiguredSockets.Source("xinetd", Path.of("/c/xinetd.conf"))),
                ConfiguredSockets.sources(options::get));
        assertEquals(List.of(), ConfiguredSockets.sources(Map.<String, String>of()::get));
    }

    @Test
    public void aFileThatCannotBeReadGivesNothingAndSaysSo() {
        Path missing = folder.getRoot().toPath().resolve("missing.conf");
        ConfiguredSockets.Found found = ConfiguredSockets.read(formats(),
                List.of(new ConfiguredSockets.Source("inetd", missing)), true);
        assertEquals(List.of(), found.sockets());
        assertTrue(found.read(), found.read().startsWith(missing + " (not read: "));
        found = ConfiguredSockets.read(List.of(), List.of(new ConfiguredSockets.Source("inetd", missing)), true);
        assertEquals(missing + " (no inetd format here)", found.read());
    }

    @Test
    public void aFormatJarThatCannotBeLoadedIsReportedAndTheOthersStillRead() throws Exception {
        Path bundle = folder.newFolder("bundle").toPath();
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(
                Files.newOutputStream(bundle.resolve("superserver-config-broken-1.0.jar")))) {
            jar.putNextEntry(new java.util.zip.ZipEntry("META-INF/services/" + ConfigFormat.class.getName()));
            jar.write("org.superserver.config.broken.NoSuchFormat\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        Path conf = write("inetd.conf", "127.0.0.1:17021 stream tcp nowait root internal echo\n");
        // the real formats come from the test class path, the class loader's parent, as the API does at start
        ConfiguredSockets.Found found = ConfiguredSockets.of(bundle, Map.of("superserver.inetd", conf.toString())::get);
        assertEquals(List.of("stream 127.0.0.1:17021 128"), described(found));
        assertTrue(found.read(), found.read().startsWith(conf + "; a format could not be loaded: ")
                && found.read().contains("NoSuchFormat"));
    }

    @Test
    public void formatsThatCannotBeLoadedAtAllLeaveTheConfigurationNotReadAndTheStartSaysSo() throws Exception {
        Path conf = write("inetd.conf", "127.0.0.1:17022 stream tcp nowait root internal echo\n");
        Path bundle = folder.getRoot().toPath().resolve("no-bundle-directory");
        ConfiguredSockets.Found found = ConfiguredSockets.of(bundle, Map.of("superserver.inetd", conf.toString())::get);
        assertEquals(List.of(), found.sockets());
        assertTrue(found.read(), found.wasNotRead());
        String line = EarlySockets.bind(folder.newFolder("data").toPath(), (int) ProcSelf.effectiveUid().orElseThrow(),
                null, "k", () -> found);
        assertTrue(line, line.startsWith("Bound nothing early: the configuration was not read: the config formats of "
                + bundle + " could not be loaded (java.nio.file.NoSuchFileException: " + bundle + "); the services"));
        assertTrue(found.read(), !ConfiguredSockets.read(formats(),
                List.of(new ConfiguredSockets.Source("inetd", conf)), true).wasNotRead());
    }
}
