package org.superserver.shell.remote.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.Test;

/**
 * Where the socket goes, and the commented sample {@code src/main/config/org.superserver.shell.remote.cfg}
 * (shipped as {@code etc/samples/}), which lists every Metatype property of
 * {@link RemoteShellConfig} with its default.
 */
public class RemoteShellTest {

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
