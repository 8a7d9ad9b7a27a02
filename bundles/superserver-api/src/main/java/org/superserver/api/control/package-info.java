/**
 * Actions on the running server for administrators' tools: ending a connection or a server.
 * Configuration changes go through the config sources ({@link org.superserver.api.ConfigSource}).
 */
@Export
@Version("1.0.0")
package org.superserver.api.control;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
