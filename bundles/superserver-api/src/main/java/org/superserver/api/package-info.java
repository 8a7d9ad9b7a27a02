/**
 * The Superserver service provider interface.
 *
 * <p>Config-format bundles publish {@link org.superserver.api.ServiceDefinition}s as OSGi services;
 * protocol bundles publish {@link org.superserver.api.Handler}s; the core binds a listener for each
 * definition and dispatches every accepted connection or bound datagram socket to its handler.
 */
@Export
@Version("1.10.0")
package org.superserver.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
