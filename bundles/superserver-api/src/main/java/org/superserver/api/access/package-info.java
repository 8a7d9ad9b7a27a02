/**
 * Access policies: services that decide, per connection, whether a client may use a service and
 * what happens when it does (banners, replacement and side commands, environment); and
 * inspectors that explain a policy's decisions and check its files for administrators.
 */
@Export
@Version("1.2.0")
package org.superserver.api.access;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
