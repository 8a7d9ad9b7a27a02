package org.superserver.config.cm.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.Test;
import org.superserver.api.ServiceDefinition;

/** The sample configuration shipped in the distribution's etc/samples/ is valid and means what it says. */
public class ShippedConfigTest {

    private static Map<String, Object> read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        properties.forEach((k, v) -> map.put((String) k, v));
        map.put("service.pid", "org.superserver.service~example");
        map.put("felix.fileinstall.filename", file.toUri().toString());
        return map;
    }

    @Test
    public void theSampleServiceConfigurationDefinesALoopbackEchoService() throws IOException {
        MappingResult result = ServiceConfigMapper.map(read(Path.of("src/main/config/org.superserver.service-example.cfg")));
        ServiceDefinition definition = result.definition();
        assertNotNull(result.toString(), definition);
        assertEquals("example", definition.name());
        assertEquals("echo", definition.handler());
        assertEquals("127.0.0.1", definition.bindAddress());
        assertEquals(20007, definition.port());
    }

    /** Each Metatype property of {@link ServiceConfig}, by the name the annotation maps its method to. */
    private static List<String> metatypeProperties() {
        List<String> names = new ArrayList<>();
        for (Method m : ServiceConfig.class.getDeclaredMethods()) {
            names.add(m.getName().replace("__", "_").replace("$", ""));
        }
        return names;
    }

    @Test
    public void theSampleShowsEveryMetatypePropertyAndTheMapperKnowsEachOne() throws IOException {
        String sample = Files.readString(Path.of("src/main/config/org.superserver.service-example.cfg"));
        for (String name : metatypeProperties()) {
            assertTrue("the sample shows " + name,
                    Pattern.compile("(?m)^#?" + Pattern.quote(name) + " =").matcher(sample).find());
            assertTrue("the mapper interprets " + name,
                    ServiceConfigMapper.KNOWN.contains(name) || ServiceConfigMapper.ACCESS.contains(name));
        }
        assertTrue(metatypeProperties().contains("passenv"));
        assertTrue(metatypeProperties().contains("log_on_success"));
    }

    @Test
    public void everyPropertyTheMapperInterpretsIsAMetatypeProperty() {
        List<String> metatype = metatypeProperties();
        for (String name : ServiceConfigMapper.KNOWN) {
            assertTrue("Metatype describes " + name, metatype.contains(name));
        }
        for (String name : ServiceConfigMapper.ACCESS) {
            assertTrue("Metatype describes " + name, metatype.contains(name));
        }
    }

    @Test
    public void passenvDefaultsToEmptyInTheSample() throws IOException {
        Map<String, Object> sample = read(Path.of("src/main/config/org.superserver.service-example.cfg"));
        assertFalse(sample.containsKey("passenv"));
        assertEquals(List.of(), ServiceConfigMapper.map(sample).definition().passenv());
    }
}
