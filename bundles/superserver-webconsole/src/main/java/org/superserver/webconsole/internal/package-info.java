/**
 * The "Superserver" page of the Apache Felix Web Console: {@link SuperserverPage} reads the
 * core's {@code ServerStatus} and drives the {@code ConfigSource} services; it knows no servlet
 * API. {@link JakartaPluginServlet} (Web Console 5) and {@link JavaxPluginServlet} (Web Console
 * 4, as in Karaf 4.4) are thin adapters registered as console plugins; {@link ServletApiSelector}
 * enables the one whose servlet API this bundle is wired to. Nothing here is exported.
 */
package org.superserver.webconsole.internal;
