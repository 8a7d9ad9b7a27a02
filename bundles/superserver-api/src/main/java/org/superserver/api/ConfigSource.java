package org.superserver.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A config-format bundle's source of definitions (an inetd.conf file, an xinetd.conf tree, ...),
 * registered as an OSGi service so that the server can ask it to read its files again: on SIGHUP,
 * from the shell ({@code inetd:reload}), or from any tool.
 */
@ConsumerType
public interface ConfigSource {

    /** What this source reads, for messages: e.g. {@code inetd.conf /etc/inetd.conf}. */
    String description();

    /**
     * Reads the source again and republishes its definitions: unchanged ones stay as they are,
     * changed ones are replaced, removed ones withdrawn. Problems are logged with file and line;
     * a reload never throws for bad input.
     */
    void reload();

    /**
     * Every problem of this source's files (or configurations) as they are now, in the order
     * found, without changing what is served: what {@code inetd:check} lists. The default, for a
     * source that keeps none, is none.
     *
     * @since 1.5
     */
    default List<Diagnostic> check() {
        return List.of();
    }

    /** Whether the definition with this {@code ServiceDefinition.id()} is one this source publishes. @since 1.5 */
    default boolean publishes(String serviceId) {
        return false;
    }

    /**
     * Turns one of this source's services off (as {@code disable = yes}) or on again, persistently
     * where the source can write its configuration (Configuration Admin). A source whose files
     * decide refuses, saying which file and line to edit.
     *
     * @param serviceId a {@code ServiceDefinition.id()} this source {@link #publishes}
     * @param disabled  true to turn it off
     * @return what was done, for the administrator
     * @throws UnsupportedOperationException with the reason, when this source cannot do it
     * @throws IllegalArgumentException when the service is not one of this source's
     * @since 1.5
     */
    default String setDisabled(String serviceId, boolean disabled) {
        throw new UnsupportedOperationException(description() + " cannot turn a service on or off: its files decide;"
                + " edit them and reload");
    }
}
