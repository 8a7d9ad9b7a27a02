package org.superserver.api;

/**
 * Who is at the other end of a Unix-domain connection, as the kernel saw it when the client
 * connected ({@code SO_PEERCRED}): its process id, user id and group id.
 *
 * @param pid the client's process id (0 when the kernel did not say)
 * @param uid the client's effective user id
 * @param gid the client's effective group id
 * @since 1.7
 */
public record PeerCredentials(int pid, int uid, int gid) {

    /** How logs and {@link ConnectionInfo#remote()} name a Unix peer: {@code unix:uid=1000,gid=1000,pid=4242}. */
    public String label() {
        return "unix:uid=" + uid + ",gid=" + gid + ",pid=" + pid;
    }

    @Override
    public String toString() {
        return label();
    }
}
