package org.superserver.examples.denyfile;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.Test;

/** The sample {@code src/main/config/org.superserver.examples.denyfile.cfg} documents every Metatype property. */
public class ShippedConfigTest {

    @Test
    public void theSampleListsEveryPropertyWithItsDefault() throws IOException {
        StringBuilder settings = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("src/main/config/org.superserver.examples.denyfile.cfg"))) {
            if (line.matches("#?[a-z][a-z_.]* = .*")) {
                settings.append(line.startsWith("#") ? line.substring(1) : line).append('\n');
            }
        }
        Properties sample = new Properties();
        sample.load(new StringReader(settings.toString()));
        Map<String, String> documented = new TreeMap<>();
        sample.forEach((k, v) -> documented.put((String) k, (String) v));

        Map<String, String> expected = new TreeMap<>();
        for (Method method : DenyFileConfig.class.getDeclaredMethods()) {
            String property = method.getName().replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
            expected.put(property, method.getDefaultValue() == null ? "/etc/superserver/deny"
                    : String.valueOf(method.getDefaultValue()));
        }
        assertEquals(expected, documented);
    }
}
