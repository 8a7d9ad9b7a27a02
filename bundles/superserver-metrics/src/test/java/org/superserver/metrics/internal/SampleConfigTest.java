package org.superserver.metrics.internal;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Test;

/** The shipped sample configuration lists every Metatype attribute with its default. */
public class SampleConfigTest {

    @Test
    public void theSampleShowsEveryAttributeWithItsDefault() throws Exception {
        Map<String, String> metatype = new TreeMap<>();
        for (Method attribute : MetricsConfig.class.getDeclaredMethods()) {
            metatype.put(attribute.getName(), String.valueOf(attribute.getDefaultValue()));
        }
        Map<String, String> sample = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("src/main/config/org.superserver.metrics.cfg"))) {
            if (line.matches("#[a-z.]+ = .*")) {
                String[] pair = line.substring(1).split(" = ", 2);
                sample.put(pair[0], pair[1]);
            }
        }
        assertEquals(metatype, sample);
    }
}
