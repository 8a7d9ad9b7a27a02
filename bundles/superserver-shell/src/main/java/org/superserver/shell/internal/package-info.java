/**
 * Gogo commands in scope {@code inetd}: {@code inetd:list}, {@code inetd:info NAME} and
 * {@code inetd:reload}, reading the core's {@code ServerStatus} and asking every
 * {@code ConfigSource} to read its files again; {@code inetd:tcpdmatch DAEMON CLIENT} and
 * {@code inetd:tcpdchk}, asking the {@code PolicyInspector} of the tcpd policy. Nothing here is
 * exported.
 */
package org.superserver.shell.internal;
