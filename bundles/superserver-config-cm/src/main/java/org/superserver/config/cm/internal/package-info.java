/**
 * Service definitions from Configuration Admin: one factory configuration of PID
 * {@code org.superserver.service} per service, with xinetd's attribute names as property names.
 */
package org.superserver.config.cm.internal;
