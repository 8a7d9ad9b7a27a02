/**
 * Gogo commands in scope {@code inetd}, one class each: {@code list}, {@code info}, {@code reload},
 * {@code connections}, {@code stats},
 * {@code kill}, {@code enable}, {@code disable}, {@code check}, {@code dump}, {@code convert},
 * {@code tcpdmatch} and {@code tcpdchk}, over the core's {@code ServerStatus} and {@code
 * ServerControl}, the {@code ConfigSource}s and the {@code PolicyInspector}s; and the {@code
 * Converter} that prints what they return as tables. Nothing here is exported.
 */
package org.superserver.shell.internal;
