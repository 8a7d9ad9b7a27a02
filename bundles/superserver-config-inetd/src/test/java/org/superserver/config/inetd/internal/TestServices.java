package org.superserver.config.inetd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.superserver.api.config.ServicesTable;

/** The services(5) table of the tests, {@code src/test/resources/services}. */
final class TestServices {

    private TestServices() {
    }

    static ServicesTable table() {
        try {
            return ServicesTable.parse(Files.readString(Path.of("src/test/resources/services"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
