package org.superserver.shell.remote.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;

/**
 * Where the socket goes, and the commented sample {@code src/main/config/org.superserver.shell.remote.cfg}
 * (shipped as {@code etc/samples/}), which lists every Metatype property of
 * {@link RemoteShellConfig} with its default.
 */
public class RemoteShellTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private static final Path SAMPLE = Path.of("src/main/config/org.superserver.shell.remote.cfg");

    @Test
    public void theSocketIsShellSockInTheDataDirectory() {
        Map<String, String> properties = Map.of("superserver.data", "/var/lib/superserver", "karaf.data", "/opt/karaf/data");
        assertEquals(Path.of("/var/lib/superserver/shell.sock"), RemoteShell.socketPath("", properties::get, null));
        assertEquals(Path.of("/var/lib/superserver/admin/s.sock"),
                RemoteShell.socketPath("admin/s.sock", properties::get, null));
        assertEquals(Path.of("/run/superserver.sock"), RemoteShell.socketPath("/run/./superserver.sock", properties::get,
                null));
    }

    @Test
    public void withoutSuperserverDataItIsKarafsDataThenTheBundlesOwnArea() {
        assertEquals(Path.of("/opt/karaf/data/shell.sock"),
                RemoteShell.socketPath("shell.sock", Map.of("karaf.data", "/opt/karaf/data")::get, Path.of("/cache/b7")));
        assertEquals(Path.of("/cache/b7/shell.sock"), RemoteShell.socketPath("shell.sock", name -> null, Path.of("/cache/b7")));
        assertNull(RemoteShell.socketPath("shell.sock", name -> null, null));
    }

    /** A bundle context with these framework properties and this data area, for activate(). */
    private static BundleContext context(Map<String, String> properties, File ownData) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "getDataFile" -> new File(ownData, (String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    public void theComponentServesWhileActiveAndRemovesTheSocketWhenDeactivated() throws IOException {
        Path data = folder.newFolder("data").toPath();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        RemoteShell shell = new RemoteShell();
        shell.processor = new CommandProcessorImpl();
        shell.activate(context(Map.of("superserver.data", data.toString()), folder.getRoot()),
                Configs.remoteShell(Map.of()));
        Path socket = data.resolve("shell.sock");
        try (RawClient client = new RawClient(socket)) {
            assertEquals("+superserver-shell 1", client.line());
        }
        shell.deactivate();
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void aSocketThatCannotBeMadeSafelyIsNotServedAndTheComponentStillActivates() throws IOException {
        Path data = folder.newFolder("open-to-all").toPath();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        RemoteShell shell = new RemoteShell();
        shell.processor = new CommandProcessorImpl();
        shell.activate(context(Map.of("superserver.data", data.toString()), folder.getRoot()),
                Configs.remoteShell(Map.of()));
        try (java.util.stream.Stream<Path> created = Files.list(data)) {
            assertTrue("nothing created in " + data, created.findAny().isEmpty());
        }
        shell.deactivate();
    }

    @Test
    public void theSampleListsEveryPropertyWithItsDefault() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        for (Method method : RemoteShellConfig.class.getDeclaredMethods()) {
            expected.put(Configs.property(method), String.valueOf(method.getDefaultValue()));
        }
        StringBuilder settings = new StringBuilder();
        for (String line : Files.readAllLines(SAMPLE)) {
            if (line.matches("#[a-z][a-z.]* = .*")) {
                settings.append(line.substring(1)).append('\n');
            }
        }
        Properties properties = new Properties();
        properties.load(new StringReader(settings.toString()));
        Map<String, String> sample = new TreeMap<>();
        properties.forEach((k, v) -> sample.put((String) k, (String) v));
        assertEquals(expected, sample);
    }
}
