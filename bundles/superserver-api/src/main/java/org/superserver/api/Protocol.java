package org.superserver.api;

import java.util.Locale;

/**
 * The protocol field of an inetd.conf line: transport plus address family. A Unix-domain socket
 * is {@code unix} in every config format, of either socket type: {@link #UNIX} for {@code stream},
 * {@link #UNIX_DGRAM} for {@code dgram} ({@link #parse(String, SocketType)} picks the right one).
 */
public enum Protocol {
    TCP(SocketType.STREAM, AddressFamily.ANY),
    TCP4(SocketType.STREAM, AddressFamily.INET),
    TCP6(SocketType.STREAM, AddressFamily.INET6),
    UDP(SocketType.DGRAM, AddressFamily.ANY),
    UDP4(SocketType.DGRAM, AddressFamily.INET),
    UDP6(SocketType.DGRAM, AddressFamily.INET6),
    /**
     * A Unix-domain stream socket ({@code unix} with {@code stream}).
     *
     * @since 1.7
     */
    UNIX(SocketType.STREAM, AddressFamily.UNIX),
    /**
     * A Unix-domain datagram socket ({@code unix} with {@code dgram}).
     *
     * @since 1.7
     */
    UNIX_DGRAM(SocketType.DGRAM, AddressFamily.UNIX);

    private final SocketType socketType;
    private final AddressFamily family;

    Protocol(SocketType socketType, AddressFamily family) {
        this.socketType = socketType;
        this.family = family;
    }

    /** The socket type this protocol carries: {@code STREAM} for TCP, {@code DGRAM} for UDP. */
    public SocketType socketType() {
        return socketType;
    }

    public AddressFamily family() {
        return family;
    }

    /** True for the TCP variants (and, since 1.7, for {@link #UNIX}: true for every stream protocol). */
    public boolean isTcp() {
        return socketType == SocketType.STREAM;
    }

    /**
     * True for the Unix-domain protocols.
     *
     * @since 1.7
     */
    public boolean isUnix() {
        return family == AddressFamily.UNIX;
    }

    /** The lower-case name used in config files ({@code tcp}, {@code udp6}, ..., {@code unix} for both Unix ones). */
    public String configName() {
        return isUnix() ? "unix" : name().toLowerCase(Locale.ROOT);
    }

    /**
     * The Unix-domain protocol of {@code type}.
     *
     * @since 1.7
     */
    public static Protocol unix(SocketType type) {
        return type == SocketType.DGRAM ? UNIX_DGRAM : UNIX;
    }

    /**
     * Parses a protocol name as {@link #parse(String)} does, choosing the Unix-domain protocol
     * that fits {@code type} for {@code unix}.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
     * @since 1.7
     */
    public static Protocol parse(String text, SocketType type) {
        Protocol protocol = parse(text);
        return protocol.isUnix() ? unix(type) : protocol;
    }

    /**
     * Parses a protocol name as config files write it (any case).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
     */
    public static Protocol parse(String text) {
        for (Protocol protocol : values()) {
            if (protocol.configName().equalsIgnoreCase(text)) {
                return protocol;
            }
        }
        throw new IllegalArgumentException(
                "unknown protocol '" + text + "' (expected tcp, tcp4, tcp6, udp, udp4, udp6 or unix)");
    }
}
