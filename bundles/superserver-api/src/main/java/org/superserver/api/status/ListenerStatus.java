package org.superserver.api.status;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.superserver.api.ServiceDefinition;

/** One service's listener at one moment: an immutable snapshot. */
public final class ListenerStatus {

    private final ServiceDefinition definition;
    private final ListenerState state;
    private final InetSocketAddress boundAddress;
    private final String detail;
    private final long accepted;
    private final int activeConnections;
    private final int passedFd;
    private final String passedName;
    private final String tlsSubject;
    private final java.time.Instant tlsExpires;

    /** A listener on a socket the core bound itself. */
    public ListenerStatus(ServiceDefinition definition, ListenerState state, InetSocketAddress boundAddress,
                          String detail, long accepted, int activeConnections) {
        this(definition, state, boundAddress, detail, accepted, activeConnections, -1, "");
    }

    /**
     * A listener that may serve a socket passed by the service manager (systemd's socket activation).
     *
     * @param passedFd the passed descriptor the listener adopted, or -1 when the core bound the socket
     * @param passedName that descriptor's name ({@code FileDescriptorName}), or {@code ""} when none was given
     * @since 1.4
     */
    public ListenerStatus(ServiceDefinition definition, ListenerState state, InetSocketAddress boundAddress,
                          String detail, long accepted, int activeConnections, int passedFd, String passedName) {
        this(definition, state, boundAddress, detail, accepted, activeConnections, passedFd, passedName, "", null);
    }

    private ListenerStatus(ServiceDefinition definition, ListenerState state, InetSocketAddress boundAddress,
                           String detail, long accepted, int activeConnections, int passedFd, String passedName,
                           String tlsSubject, java.time.Instant tlsExpires) {
        this.tlsSubject = tlsSubject == null ? "" : tlsSubject;
        this.tlsExpires = tlsExpires;
        this.passedFd = passedFd < 0 ? -1 : passedFd;
        this.passedName = passedName == null ? "" : passedName;
        this.definition = Objects.requireNonNull(definition, "definition");
        this.state = Objects.requireNonNull(state, "state");
        this.boundAddress = boundAddress;
        this.detail = detail == null ? "" : detail;
        this.accepted = accepted;
        this.activeConnections = activeConnections;
    }

    /**
     * This status with the certificate a {@code tls = yes} listener serves.
     *
     * @param subject the leaf certificate's subject (RFC 2253)
     * @param expires the leaf certificate's end of validity
     * @since 1.5
     */
    public ListenerStatus withTls(String subject, java.time.Instant expires) {
        return new ListenerStatus(definition, state, boundAddress, detail, accepted, activeConnections, passedFd,
                passedName, subject, expires);
    }

    /** The subject of the certificate in use when the listener terminates TLS, else {@code ""}. @since 1.5 */
    public String tlsSubject() {
        return tlsSubject;
    }

    /** The end of validity of the certificate in use, or {@code null} without TLS. @since 1.5 */
    public java.time.Instant tlsExpires() {
        return tlsExpires;
    }

    /** The definition this listener serves. */
    public ServiceDefinition definition() {
        return definition;
    }

    public ListenerState state() {
        return state;
    }

    /** The address and port actually bound (the real port when the definition asked for 0), or {@code null}. */
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** Why the listener is in its state (the bind error, the missing handler's name), or {@code ""}. */
    public String detail() {
        return detail;
    }

    /** Connections accepted (stream) or datagrams received (dgram) since the listener was bound. */
    public long accepted() {
        return accepted;
    }

    /** Stream connections currently open. */
    public int activeConnections() {
        return activeConnections;
    }

    /** Whether the socket was adopted from the service manager (systemd) rather than bound by the core. @since 1.4 */
    public boolean adopted() {
        return passedFd >= 0;
    }

    /** The descriptor number the service manager passed the socket as, or -1 when the core bound it. @since 1.4 */
    public int passedFd() {
        return passedFd;
    }

    /** The passed socket's name ({@code LISTEN_FDNAMES}), or {@code ""}. @since 1.4 */
    public String passedName() {
        return passedName;
    }

    @Override
    public String toString() {
        return definition.name() + "/" + definition.protocol().configName() + " " + state
                + (boundAddress == null ? "" : " " + boundAddress)
                + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
