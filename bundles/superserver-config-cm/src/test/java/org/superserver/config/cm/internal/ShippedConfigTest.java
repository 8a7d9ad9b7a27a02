package org.superserver.config.cm.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
    public void theSampleServiceConfigurationDefinesALoopbackEchoServiceChosenByItsName() throws IOException {
        MappingResult result = ServiceConfigMapper.map(read(Path.of("src/main/config/org.superserver.service-example.cfg")));
        ServiceDefinition definition = result.definition();
        assertNotNull(result.toString(), definition);
        assertEquals("echo", definition.name());
        assertEquals("echo", definition.handler());
        assertEquals(List.of(), result.notices());
        assertEquals("127.0.0.1", definition.bindAddress());
        assertEquals(20007, definition.port());
    }

    @Test
    public void passenvDefaultsToEmptyInTheSample() throws IOException {
        Map<String, Object> sample = read(Path.of("src/main/config/org.superserver.service-example.cfg"));
        assertFalse(sample.containsKey("passenv"));
        assertEquals(List.of(), ServiceConfigMapper.map(sample).definition().passenv());
    }
}
