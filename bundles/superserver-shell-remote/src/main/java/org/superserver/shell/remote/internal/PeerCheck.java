package org.superserver.shell.remote.internal;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;

/**
 * Who is at the other end of an accepted connection, from the kernel's SO_PEERCRED, and whether
 * that user may use the shell: the server's own user, and root unless {@code allow.root} is
 * false. It is a second lock behind the socket's mode 0600: where the JDK cannot read the peer's
 * credentials ({@code jdk.net} not available to the bundle), the mode alone keeps others out.
 */
final class PeerCheck {

    /** The outcome for one connection: allowed or not, and the uid or name to log. */
    record Verdict(boolean allowed, String who) {
    }

    private final UserPrincipal owner;
    private final int ownerUid;
    private final UserPrincipal root;

    PeerCheck(UserPrincipal owner, int ownerUid, boolean allowRoot) throws IOException {
        this.owner = owner;
        this.ownerUid = ownerUid;
        this.root = allowRoot ? FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("root")
                : null;
    }

    /** Whether the peers' credentials can be read at all here. */
    static boolean available() {
        try {
            return PeerCredentials.supported();
        } catch (LinkageError noJdkNet) {
            return false;
        }
    }

    Verdict check(SocketChannel channel) throws IOException {
        Optional<UserPrincipal> peer;
        try {
            peer = PeerCredentials.user(channel);
        } catch (LinkageError noJdkNet) {
            peer = Optional.empty();
        }
        if (peer.isEmpty()) {
            return new Verdict(true, "-");
        }
        if (peer.get().equals(owner)) {
            return new Verdict(true, Integer.toString(ownerUid));
        }
        if (root != null && peer.get().equals(root)) {
            return new Verdict(true, "0");
        }
        return new Verdict(false, peer.get().getName());
    }

    /** The only class that names {@code jdk.net}, an optional import: loaded on first use. */
    private static final class PeerCredentials {
        static boolean supported() {
            return jdk.net.ExtendedSocketOptions.SO_PEERCRED != null;
        }

        static Optional<UserPrincipal> user(SocketChannel channel) throws IOException {
            if (!channel.supportedOptions().contains(jdk.net.ExtendedSocketOptions.SO_PEERCRED)) {
                return Optional.empty();
            }
            return Optional.of(channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user());
        }
    }
}
