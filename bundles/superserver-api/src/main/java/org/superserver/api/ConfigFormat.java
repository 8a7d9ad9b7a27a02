package org.superserver.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A config format as a converter sees it: reads a file into definitions, and writes definitions
 * as its own text. Registered by a config-format bundle as an OSGi service with the property
 * {@value #NAME_PROPERTY} ({@code inetd}, {@code xinetd}, {@code cfg}); {@code inetd:convert} and
 * {@code bin/superserver convert} find formats by that name. Implementations are pure (no
 * listeners, no published services) so that they also run outside a framework, found through
 * {@link java.util.ServiceLoader}.
 */
@ConsumerType
public interface ConfigFormat {

    /** The service property that names a format, e.g. {@code superserver.format=xinetd}. */
    String NAME_PROPERTY = "superserver.format";

    /** The format's name: {@code inetd}, {@code xinetd}, {@code cfg}. */
    String name();

    /**
     * Reads a file, and whatever it includes, into definitions. Problems go to {@code problems},
     * each with file, line and field; an entry in error is left out and the others are returned.
     *
     * @throws IOException when the file itself cannot be read
     */
    List<ServiceDefinition> read(Path file, Consumer<Diagnostic> problems) throws IOException;

    /** Whether {@link #write} is supported. */
    default boolean canWrite() {
        return false;
    }

    /**
     * Writes definitions as this format's text: a map from file name (relative, one per file the
     * format would have, e.g. one xinetd.d file per service) to its contents. What the format cannot
     * express is reported to {@code problems} as a warning naming the definition's origin and the
     * field, and written as a comment where the format has comments.
     *
     * @throws UnsupportedOperationException when {@link #canWrite()} is false
     */
    default Map<String, String> write(List<ServiceDefinition> definitions, Consumer<Diagnostic> problems) {
        throw new UnsupportedOperationException(name() + " cannot be written");
    }
}
