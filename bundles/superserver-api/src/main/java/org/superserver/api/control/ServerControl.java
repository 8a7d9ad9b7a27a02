package org.superserver.api.control;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What an administrator may do to the running server beyond its configuration, published by the
 * core as an OSGi service for the shell and consoles. Each method acts on what the server itself
 * started or accepted, never on anything else.
 */
@ProviderType
public interface ServerControl {

    /**
     * Ends a live connection: closes it, and terminates its server if one runs for it (SIGTERM,
     * then SIGKILL after a grace period), as a reload that no longer allows its client does.
     *
     * @param connectionId a {@code ConnectionStatus.id()}
     * @return false when no such connection is live
     */
    boolean close(long connectionId);

    /**
     * Terminates a server this superserver started (SIGTERM, then SIGKILL after a grace period).
     *
     * @param pid the server's process id
     * @return false when no running server of this superserver has that pid (nothing is signalled)
     */
    boolean terminate(int pid);
}
