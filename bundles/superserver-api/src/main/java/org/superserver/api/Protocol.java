package org.superserver.api;

import java.util.Locale;

/** The protocol field of an inetd.conf line: transport plus address family. */
public enum Protocol {
    TCP(SocketType.STREAM, AddressFamily.ANY),
    TCP4(SocketType.STREAM, AddressFamily.INET),
    TCP6(SocketType.STREAM, AddressFamily.INET6),
    UDP(SocketType.DGRAM, AddressFamily.ANY),
    UDP4(SocketType.DGRAM, AddressFamily.INET),
    UDP6(SocketType.DGRAM, AddressFamily.INET6);

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

    /** True for the TCP variants. */
    public boolean isTcp() {
        return socketType == SocketType.STREAM;
    }

    /** The lower-case name used in config files ({@code tcp}, {@code udp6}, ...). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
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
                "unknown protocol '" + text + "' (expected tcp, tcp4, tcp6, udp, udp4 or udp6)");
    }
}
