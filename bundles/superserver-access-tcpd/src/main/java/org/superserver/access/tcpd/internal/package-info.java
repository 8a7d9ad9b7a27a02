/**
 * TCP wrappers as an access policy: a pure parser of hosts.allow and hosts.deny ({@link
 * org.superserver.access.tcpd.internal.HostsParser}), the compiled patterns and rules it produces,
 * the matcher that applies hosts_access(5) and hosts_options(5) to one connection ({@link
 * org.superserver.access.tcpd.internal.Matcher}), name lookups off the event loop ({@link
 * org.superserver.access.tcpd.internal.NameCache}), and the component registered as access policy
 * {@code tcpd} and as its inspector ({@link org.superserver.access.tcpd.internal.TcpdInspector}: tcpdmatch
 * and tcpdchk), configured by PID {@code org.superserver.access.tcpd} or the framework properties
 * {@code superserver.hosts.allow} and {@code superserver.hosts.deny}. Nothing here is exported.
 */
package org.superserver.access.tcpd.internal;
