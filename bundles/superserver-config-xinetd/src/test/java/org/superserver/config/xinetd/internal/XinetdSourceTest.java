package org.superserver.config.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.DefinitionPublisher;

/** Reloads of a set of xinetd.conf trees: the difference only, change detection, files in error. */
public class XinetdSourceTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<String> events = new ArrayList<>();
    private final Map<String, ServiceDefinition> live = new HashMap<>();
    private Path dir;
    private Path conf;
    private Path services;
    private XinetdSource source;

    @Before
    public void setUp() throws IOException {
        dir = tmp.getRoot().toPath();
        conf = dir.resolve("xinetd.conf");
        services = dir.resolve("services");
        Files.copy(Path.of("src/test/resources/services"), services);
        DefinitionPublisher publisher = new DefinitionPublisher(d -> {
            events.add("+" + d.name());
            live.put(d.id(), d);
            return () -> {
                events.add("-" + d.name());
                live.remove(d.id(), d);
            };
        });
        source = new XinetdSource(List.of(conf), new XinetdReader(services), publisher);
    }

    private static String internal(String name, String socketType, String... more) {
        return "service " + name + "\n{\n type = INTERNAL\n socket_type = " + socketType + "\n wait = "
                + (socketType.equals("dgram") ? "yes" : "no") + "\n id = " + name + "-" + socketType + "\n"
                + String.join("\n", more) + "\n}\n";
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path next = file.resolveSibling(file.getFileName() + ".new~");
        Files.writeString(next, text);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private List<String> names() {
        return live.values().stream().map(d -> d.name() + "/" + d.socketType().configName()).sorted()
                .collect(Collectors.toList());
    }

    @Test
    public void checkListsTheProblemsOfTheFilesOnDiskWithoutRepublishing() throws IOException {
        write(conf, internal("echo", "stream"));
        source.reloadNow();
        events.clear();
        write(conf, internal("echo", "stream") + internal("nosuch", "stream"));
        List<org.superserver.api.Diagnostic> problems = source.check();
        assertFalse(problems.isEmpty());
        assertTrue(problems.toString(), problems.stream().allMatch(d -> d.file().equals(conf.toString())
                && d.line() > 0));
        assertEquals(List.of(), events);
        write(conf, internal("echo", "stream"));
        assertEquals(List.of(), source.check());
    }

    @Test
    public void aServiceIsPublishedByItsSourceWhichRefusesToDisableItNamingItsFile() throws IOException {
        write(conf, internal("echo", "stream"));
        source.reloadNow();
        String id = live.keySet().iterator().next();
        assertTrue(source.publishes(id));
        assertFalse(source.publishes("no such id"));
        try {
            source.setDisabled(id, true);
            throw new AssertionError("an xinetd file decides");
        } catch (UnsupportedOperationException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(conf.toString()));
            assertTrue(e.getMessage(), e.getMessage().contains("disable = yes"));
        }
    }

    @Test
    public void aServiceTurnedOffInItsFileIsFoundByNameAndTheAnswerSaysWhere() throws IOException {
        write(conf, internal("echo", "stream") + internal("daytime", "stream", " disable = yes"));
        source.reloadNow();
        assertEquals(1, live.size());
        try {
            source.setDisabled("daytime", false);
            throw new AssertionError("the file decides");
        } catch (UnsupportedOperationException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("service daytime (id daytime-stream) of " + conf + ":"));
            assertTrue(e.getMessage(), e.getMessage().contains("(disable = yes)"));
            assertTrue(e.getMessage(), e.getMessage().contains("edit it there (disable = no) and run inetd:reload"));
        }
        try {
            source.setDisabled("nosuch", false);
            throw new AssertionError("not this source's");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is not one of"));
        }
    }

    @Test
    public void aReloadAppliesOnlyTheDifference() throws IOException {
        write(conf, internal("echo", "stream") + internal("time", "stream"));
        assertEquals(2, source.reloadNow().changes.added);
        events.clear();
        write(conf, internal("echo", "stream") + internal("time", "stream", " instances = 3")
                + internal("daytime", "stream"));
        XinetdSource.Report r = source.reloadNow();
        assertEquals(1, r.changes.added);
        assertEquals(1, r.changes.changed);
        assertEquals(1, r.changes.unchanged);
        assertEquals(List.of("+time", "+daytime", "-time"), events);
    }

    @Test
    public void aBadBlockIsSkippedWhileTheOthersServe() throws IOException {
        write(conf, internal("echo", "stream") + internal("nosuch", "stream") + internal("time", "stream"));
        XinetdSource.Report r = source.reloadNow();
        assertEquals(1, r.errors());
        assertEquals(List.of("echo/stream", "time/stream"), names());
    }

    @Test
    public void aMissingFileKeepsItsLastGoodDefinitions() throws IOException {
        write(conf, internal("echo", "stream"));
        source.reloadNow();
        Files.delete(conf);
        XinetdSource.Report r = source.reloadNow();
        assertEquals(1, r.errors());
        assertTrue(r.diagnostics.get(0).message().contains("stay published"));
        assertEquals(List.of("echo/stream"), names());
    }

    @Test
    public void pollingSeesEditsAFileAddedToAnIncludedirAndItsRemoval() throws IOException {
        Path d = dir.resolve("xinetd.d");
        Files.createDirectories(d);
        write(conf, "includedir " + d + "\n");
        write(d.resolve("echo"), internal("echo", "stream"));
        source.reloadNow();
        assertEquals(List.of("echo/stream"), names());
        assertFalse(source.reloadIfChanged());

        write(d.resolve("time"), internal("time", "stream"));
        assertTrue(source.reloadIfChanged());
        assertEquals(List.of("echo/stream", "time/stream"), names());

        write(d.resolve("echo"), internal("echo", "stream", " disable = yes"));
        assertTrue(source.reloadIfChanged());
        assertEquals(List.of("time/stream"), names());

        Files.delete(d.resolve("time"));
        assertTrue(source.reloadIfChanged());
        assertEquals(List.of(), names());
        assertFalse(source.reloadIfChanged());
    }

    @Test
    public void touchingAFileWithoutChangingItReloadsNothing() throws IOException {
        write(conf, internal("echo", "stream"));
        source.reloadNow();
        Files.setLastModifiedTime(conf, java.nio.file.attribute.FileTime.fromMillis(0));
        assertFalse(source.reloadIfChanged());
    }

    @Test
    public void theServicesTableIsWatchedToo() throws IOException {
        write(conf, "service mine\n{\n socket_type = stream\n wait = no\n user = root\n server = /bin/cat\n}\n");
        assertEquals(1, source.reloadNow().errors());
        Files.writeString(services, Files.readString(services) + "mine 4444/tcp\n");
        assertTrue(source.reloadIfChanged());
        assertEquals(4444, live.values().iterator().next().port());
    }

    @Test
    public void aClosedSourceDoesNothing() throws IOException {
        write(conf, internal("echo", "stream"));
        source.close();
        assertEquals(null, source.reloadNow());
        assertFalse(source.reloadIfChanged());
        assertTrue(live.isEmpty());
    }

    @Test
    public void severalFilesPublishTogetherEachWithItsOwnDefaults() throws IOException {
        Path other = dir.resolve("other.conf");
        DefinitionPublisher publisher = new DefinitionPublisher(d -> {
            live.put(d.id(), d);
            return () -> live.remove(d.id(), d);
        });
        XinetdSource two = new XinetdSource(List.of(conf, other), new XinetdReader(services), publisher);
        write(conf, "defaults\n{\n instances = 5\n}\n" + internal("echo", "stream"));
        write(other, internal("echo", "dgram"));
        two.reloadNow();
        assertEquals(List.of("echo/dgram", "echo/stream"), names());
        for (ServiceDefinition d : live.values()) {
            assertEquals(d.socketType().configName().equals("stream") ? 5 : 0, d.instances());
        }
    }

    @Test
    public void theFrameworkPropertyNamesTheFilesWhenNoConfigurationDoes() {
        Map<String, String> props = Map.of("superserver.xinetd", "/a/xinetd.conf, /b/x.conf",
                "superserver.services", "/s/services");
        XinetdConfigComponent.Settings s = XinetdConfigComponent.Settings.of(config(Map.of()), props::get);
        assertEquals(List.of(Path.of("/a/xinetd.conf"), Path.of("/b/x.conf")), s.files);
        assertEquals(Path.of("/s/services"), s.services);
        s = XinetdConfigComponent.Settings.of(config(Map.of("file", new String[] {"/c/y.conf"},
                "poll__interval__ms", 5L)), props::get);
        assertEquals(List.of(Path.of("/c/y.conf")), s.files);
        assertEquals(100, s.pollMillis);
    }

    private static XinetdConfig config(Map<String, Object> values) {
        Map<String, Object> all = new HashMap<>();
        all.put("file", new String[0]);
        all.put("services", "");
        all.put("poll__interval__ms", 0L);
        all.putAll(values);
        return (XinetdConfig) Proxy.newProxyInstance(XinetdConfig.class.getClassLoader(),
                new Class<?>[] {XinetdConfig.class}, (p, m, a) -> all.get(m.getName()));
    }

    @Test
    public void theSampleConfigurationListsEveryPropertyWithItsDefault() throws IOException {
        Properties sample = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/config/org.superserver.config.xinetd.cfg"))) {
            sample.load(reader);
        }
        Map<String, String> expected = new TreeMap<>();
        for (Method m : XinetdConfig.class.getDeclaredMethods()) {
            Object value = m.getDefaultValue();
            String text;
            if (value != null && value.getClass().isArray()) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < Array.getLength(value); i++) {
                    b.append(i == 0 ? "" : ",").append(Array.get(value, i));
                }
                text = b.toString();
            } else {
                text = String.valueOf(value);
            }
            expected.put(m.getName().replace("__", "_"), text);
        }
        Map<String, String> actual = new TreeMap<>();
        sample.forEach((k, v) -> actual.put((String) k, (String) v));
        assertEquals(expected, actual);
    }
}
