/**
 * An access policy as a Superserver plugin: {@code denyfile} denies the clients whose address is
 * listed in a file. One {@link org.superserver.api.access.AccessPolicy} component,
 * {@link org.superserver.examples.denyfile.DenyFileComponent}; the list is a pure value
 * ({@link org.superserver.examples.denyfile.DenyList}) read by a thread of the component's own.
 */
package org.superserver.examples.denyfile;
