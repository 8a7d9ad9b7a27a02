package org.superserver.api;

/** Which address family a listener uses. */
public enum AddressFamily {
    /** IPv4 and IPv6 where the system allows both (plain {@code tcp}, {@code udp}). */
    ANY,
    /** IPv4 only ({@code tcp4}, {@code udp4}). */
    INET,
    /** IPv6 only ({@code tcp6}, {@code udp6}). */
    INET6,
    /**
     * A Unix-domain socket at a path in the file system ({@code unix}); no address, no port.
     *
     * @since 1.7
     */
    UNIX
}
