/**
 * What the core knows about its listeners, published read-only for the shell, tools and tests.
 */
@Export
@Version("1.5.0")
package org.superserver.api.status;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
