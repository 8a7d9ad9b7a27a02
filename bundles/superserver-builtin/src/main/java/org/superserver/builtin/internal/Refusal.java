package org.superserver.builtin.internal;

/** Why a datagram to a UDP built-in went unanswered; the word is what the DROP log line says. */
enum Refusal {

    /** The source is a broadcast, multicast or unspecified address: a reply would reach many hosts or none. */
    GROUP_ADDRESS("group-address"),
    /** The source port is a UDP built-in's well-known port (7, 9, 13, 19, 37): another small service. */
    BUILTIN_PORT("builtin-port"),
    /** The source port is the port of one of this server's own UDP built-in sockets: answering starts a loop. */
    OWN_PORT("own-port"),
    /** The source port is privileged (below 1024): another system service may answer back. */
    PRIVILEGED_PORT("privileged-port"),
    /** The source port is NFS's (2049), which inetd also refuses to answer. */
    NFS_PORT("nfs-port"),
    /** The source address has spent its reply budget. */
    OVER_BUDGET("over-budget");

    private final String word;

    Refusal(String word) {
        this.word = word;
    }

    /** The reason as the log line writes it. */
    String word() {
        return word;
    }
}
