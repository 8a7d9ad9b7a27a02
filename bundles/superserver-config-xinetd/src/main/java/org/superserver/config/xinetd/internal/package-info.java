/**
 * Service definitions from xinetd.conf(5): the {@code defaults} section, {@code service} blocks,
 * {@code include} and {@code includedir}, the {@code =}, {@code +=} and {@code -=} operators,
 * configured by PID {@code org.superserver.config.xinetd} or the framework property {@code
 * superserver.xinetd}. Nothing here is exported.
 */
package org.superserver.config.xinetd.internal;
