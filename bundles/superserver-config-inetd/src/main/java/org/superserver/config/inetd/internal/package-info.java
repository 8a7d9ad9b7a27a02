/**
 * Service definitions from inetd.conf(5) files: a pure parser ({@link
 * org.superserver.config.inetd.internal.InetdConfParser}, with the services(5) table of {@link
 * org.superserver.api.config.ServicesTable}), the difference logic that publishes only
 * what changed ({@link org.superserver.api.config.DefinitionPublisher}), and the
 * component configured by PID {@code org.superserver.config.inetd} or the framework property
 * {@code superserver.inetd}. Nothing here is exported.
 */
package org.superserver.config.inetd.internal;
