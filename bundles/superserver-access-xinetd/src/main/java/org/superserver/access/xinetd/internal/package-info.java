/**
 * xinetd's extended access control as the access policy {@code xinetd}: {@code only_from} and
 * {@code no_access}, {@code access_times}, {@code banner}, {@code banner_success}, and SENSOR
 * services with {@code deny_time}. Nothing here is exported.
 */
package org.superserver.access.xinetd.internal;
