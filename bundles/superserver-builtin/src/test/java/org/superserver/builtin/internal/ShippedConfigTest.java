package org.superserver.builtin.internal;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.Test;

/**
 * The commented sample {@code src/main/config/org.superserver.builtin.cfg} (shipped as
 * {@code etc/samples/}) lists every Metatype property of {@link BuiltinConfig} with its default,
 * and means, uncommented, what the component does without a configuration.
 */
public class ShippedConfigTest {

    private static final Path SAMPLE = Path.of("src/main/config/org.superserver.builtin.cfg");

    /** The sample's settings, with their comment sign removed. */
    private static Map<String, String> uncommentedSample() throws IOException {
        StringBuilder settings = new StringBuilder();
        for (String line : Files.readAllLines(SAMPLE)) {
            if (line.matches("#[a-z][a-z.]* = .*")) {
                settings.append(line.substring(1)).append('\n');
            }
        }
        Properties properties = new Properties();
        properties.load(new StringReader(settings.toString()));
        Map<String, String> map = new TreeMap<>();
        properties.forEach((k, v) -> map.put((String) k, (String) v));
        return map;
    }

    @Test
    public void theSampleListsEveryPropertyWithItsDefault() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        for (Method method : BuiltinConfig.class.getDeclaredMethods()) {
            expected.put(Configs.property(method), String.valueOf(method.getDefaultValue()));
        }
        assertEquals(expected, uncommentedSample());
    }

    @Test
    public void theSampleUncommentedIsTheDefaultBudget() throws IOException {
        assertEquals(BudgetSettings.DEFAULTS, BudgetSettings.from(Configs.builtin(uncommentedSample())));
        assertEquals(BudgetSettings.DEFAULTS, BudgetSettings.from(Configs.builtin(new HashMap<>())));
    }
}
