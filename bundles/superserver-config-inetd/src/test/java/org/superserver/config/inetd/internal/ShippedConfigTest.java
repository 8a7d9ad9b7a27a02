package org.superserver.config.inetd.internal;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.Test;

/** The commented sample configuration lists every Metatype property with its default. */
public class ShippedConfigTest {

    @Test
    public void theSampleListsEveryPropertyWithItsDefault() throws IOException {
        Properties sample = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/config/org.superserver.config.inetd.cfg"))) {
            sample.load(reader);
        }
        Map<String, String> expected = new TreeMap<>();
        for (Method m : InetdConfig.class.getDeclaredMethods()) {
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
