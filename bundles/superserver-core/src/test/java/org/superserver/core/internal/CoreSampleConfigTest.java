package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Test;

/** The shipped sample of the core's configuration lists every Metatype attribute with its default. */
public class CoreSampleConfigTest {

    @Test
    public void theSampleShowsEveryAttributeWithItsDefault() throws Exception {
        Map<String, String> metatype = new TreeMap<>();
        for (Method attribute : CoreConfig.class.getDeclaredMethods()) {
            metatype.put(attribute.getName().replace('_', '.'), String.valueOf(attribute.getDefaultValue()));
        }
        Map<String, String> sample = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("src/main/config/org.superserver.core.cfg"))) {
            if (line.matches("#[a-z.]+ = .*")) {
                String[] pair = line.substring(1).split(" = ", 2);
                sample.put(pair[0], pair[1]);
            }
        }
        assertEquals(metatype, sample);
        assertEquals(String.valueOf(Settings.DEFAULTS.childrenMax()), sample.get("children.max"));
    }
}
