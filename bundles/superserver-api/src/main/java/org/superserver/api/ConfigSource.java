package org.superserver.api;

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
}
