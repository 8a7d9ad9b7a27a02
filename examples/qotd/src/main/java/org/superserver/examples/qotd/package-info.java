/**
 * Quote of the Day (RFC 865) as a Superserver plugin: one {@link org.superserver.api.Handler}
 * component, {@link org.superserver.examples.qotd.QotdHandler}, registered as {@code qotd}, with a
 * Netty handler per transport. Nothing is exported: the server finds the handler as an OSGi service.
 */
package org.superserver.examples.qotd;
