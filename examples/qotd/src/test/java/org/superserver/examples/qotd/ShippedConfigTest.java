package org.superserver.examples.qotd;

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

/** The commented sample {@code src/main/config/org.superserver.examples.qotd.cfg} lists every Metatype property with its default. */
public class ShippedConfigTest {

    @Test
    public void theSampleListsEveryPropertyWithItsDefault() throws IOException {
        StringBuilder settings = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("src/main/config/org.superserver.examples.qotd.cfg"))) {
            if (line.matches("#[a-z][a-z_.]* = ?.*")) {
                settings.append(line.substring(1)).append('\n');
            }
        }
        Properties sample = new Properties();
        sample.load(new StringReader(settings.toString()));
        Map<String, String> documented = new TreeMap<>();
        sample.forEach((k, v) -> documented.put((String) k, (String) v));

        Map<String, String> expected = new TreeMap<>();
        for (Method method : QotdConfig.class.getDeclaredMethods()) {
            expected.put(Configs.property(method), String.valueOf(method.getDefaultValue()));
        }
        expected.put("quotes_file", "/etc/superserver/quotes");  // the sample shows an example path for the one without a default value
        assertEquals(expected, documented);
    }
}
