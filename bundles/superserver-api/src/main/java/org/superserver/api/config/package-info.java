/**
 * What every file-based config format needs besides its parser: reading only regular files
 * ({@link org.superserver.api.config.ConfigFile}), the services(5) table ({@link
 * org.superserver.api.config.ServicesTable}), and publishing only the difference of a reload
 * ({@link org.superserver.api.config.DefinitionPublisher}). Pure code, shared by the inetd.conf and
 * xinetd.conf bundles so that both read files and apply reloads the same way.
 */
@Export
@Version("1.0.0")
package org.superserver.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
