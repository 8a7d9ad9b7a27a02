package org.superserver.access.tcpd.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * One connection as tcpd's {@code request_info} sees it: the daemon name, the client and the server
 * endpoints, and the client's user. Names and the user are evaluated lazily, on first use, through
 * {@link Lookups}; whether a name has been looked up is part of the state, because {@code %h}
 * expands to the name only once something needed it (tcpd's {@code eval_hostinfo}). Not thread-safe:
 * one request is evaluated by one thread.
 */
final class Request {

    /** tcpd's name for a missing name, address or user. */
    static final String UNKNOWN = "unknown";
    /** tcpd's name for a host whose name does not map back to its address. */
    static final String PARANOID = "paranoid";

    /** Where names, users and netgroup memberships come from. */
    interface Lookups {
        /**
         * The verified name of an address: its name, {@link #UNKNOWN} or {@link #PARANOID}.
         *
         * @throws WouldBlock when the answer is not at hand and the caller must not wait
         */
        String hostName(InetAddress address);

        /**
         * The client's user by RFC 1413, or {@link #UNKNOWN}.
         *
         * @param timeoutMillis how long to wait for the client's ident server; 0 for the default
         * @throws WouldBlock when the caller must not wait
         */
        String user(InetSocketAddress local, InetSocketAddress remote, long timeoutMillis);

        /**
         * Whether {@code host} is a host member of {@code netgroup}; false where netgroups are not supported.
         *
         * @throws WouldBlock when the caller must not wait
         */
        boolean inNetgroup(String netgroup, String host);

        /**
         * Runs an {@code aclexec} command and tells whether it exited with status 0.
         *
         * @throws WouldBlock when the caller must not wait
         */
        boolean aclexec(String command, Map<String, String> env);
    }

    /** Thrown by {@link Lookups} that must not block: the evaluation is run again where it may. */
    static final class WouldBlock extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final WouldBlock INSTANCE = new WouldBlock();

        private WouldBlock() {
            super("a lookup is needed", null, false, false);
        }
    }

    /** One endpoint: the client or the server. */
    final class Host {
        final InetSocketAddress endpoint;
        /** The address as text, as inet_ntop writes it. */
        final String addr;
        /** Which {@code /file} patterns were tried on this host, and their result. */
        final Map<String, Boolean> fileMatches = new java.util.HashMap<>();
        private String name;
        /** 4 or 6 once the address's bits are known, 0 for no address, -1 before they are needed. */
        private int family = -1;
        private long high;
        private long low;

        /** @param endpoint the endpoint; an unresolved one (no address) stands for an unknown address */
        Host(InetSocketAddress endpoint) {
            this.endpoint = endpoint;
            this.addr = endpoint.getAddress() == null ? UNKNOWN : format(endpoint.getAddress());
        }

        /**
         * 4 for an {@link Inet4Address}, 6 for an {@link Inet6Address} (an IPv4-mapped one too: IPv4
         * net/mask patterns and the index see it as IPv6), 0 when the address is unknown. Reads the
         * address's bits once, for {@link #high()} and {@link #low()}.
         */
        int family() {
            if (family < 0) {
                InetAddress a = endpoint.getAddress();
                byte[] b = a == null ? null : a.getAddress();
                if (a instanceof Inet4Address) {
                    low = bits(b, 0, 4);
                    family = 4;
                } else if (a instanceof Inet6Address) {
                    high = bits(b, 0, 8);
                    low = bits(b, 8, 16);
                    family = 6;
                } else {
                    family = 0;
                }
            }
            return family;
        }

        /** The first 64 bits of an IPv6 address; 0 for IPv4. Only after {@link #family()}. */
        long high() {
            return high;
        }

        /** The last 64 bits of an IPv6 address, or the 32 bits of an IPv4 one. Only after {@link #family()}. */
        long low() {
            return low;
        }

        /**
         * Takes {@code name} as this host's name without a lookup, as tcpdmatch does for what it was
         * told: {@code unknown} for an address given alone, the verified name for a host name.
         */
        void assumeName(String name) {
            this.name = name;
        }

        /** tcpd's {@code eval_hostname}: the name, {@code unknown} or {@code paranoid}; looks it up. */
        String name() {
            if (name == null) {
                name = lookups.hostName(endpoint.getAddress());
            }
            return name;
        }

        /** Whether something already needed the name. */
        boolean nameLookedUp() {
            return name != null;
        }

        /** tcpd's {@code eval_hostinfo}: the name if it was looked up and is known, else the address. */
        String info() {
            return name != null && known(name) ? name : addr;
        }

        int port() {
            return endpoint.getPort();
        }
    }

    final String daemon;
    final Host client;
    final Host server;
    final boolean tcp;
    final boolean ident;
    final long identTimeoutMillis;
    final Lookups lookups;
    final long pid;
    /** The patterns of each {@code /file} the rules name, by path as written; set by the matcher. */
    Map<String, java.util.List<HostPattern>> patternFiles = Map.of();
    private String user;
    /** Whether the client's ident server was asked, or the user was given. */
    private boolean asked;

    /**
     * @param daemon  the daemon process name
     * @param local   the server's endpoint of the connection
     * @param remote  the client's endpoint
     * @param tcp     whether this is a stream connection (ident works only there)
     * @param ident   whether RFC 1413 lookups are enabled for {@code user@host} patterns and {@code %u}
     *                (the {@code rfc931} option asks whatever this says)
     */
    Request(String daemon, InetSocketAddress local, InetSocketAddress remote, boolean tcp, boolean ident,
            long identTimeoutMillis, Lookups lookups, long pid) {
        this.daemon = daemon;
        this.lookups = lookups;
        this.client = new Host(remote);
        this.server = new Host(local);
        this.tcp = tcp;
        this.ident = ident;
        this.identTimeoutMillis = identTimeoutMillis;
        this.pid = pid;
    }

    /**
     * tcpd's {@code eval_user} for {@code user@host} patterns and {@code %u}: the client's user; an
     * ident query when ident is enabled, else {@code unknown}.
     */
    String user() {
        if (user == null) {
            if (ident && tcp) {
                user = lookups.user(server.endpoint, client.endpoint, identTimeoutMillis);
                asked = true;
            } else {
                user = UNKNOWN;
            }
        }
        return user;
    }

    /**
     * The {@code rfc931} option: asks the client's ident server now, whether or not ident is
     * enabled, unless it was asked already; over stream connections only (else the user stays
     * {@code unknown}, as in tcpd).
     *
     * @param timeoutMillis how long to wait for the answer; 0 for the lookup timeout
     */
    String askUser(long timeoutMillis) {
        if (!asked && tcp) {
            user = lookups.user(server.endpoint, client.endpoint, timeoutMillis > 0 ? timeoutMillis : identTimeoutMillis);
            asked = true;
        }
        return user();
    }

    /** Takes {@code user} as the client's user without an ident query, as tcpdmatch does for {@code user@host}. */
    void assumeUser(String user) {
        this.user = user;
        this.asked = true;
    }

    /** The user if something already looked it up, else {@code null} (for {@code %c}). */
    String userIfKnown() {
        return user;
    }

    private static long bits(byte[] b, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = (v << 8) | (b[i] & 0xffL);
        }
        return v;
    }

    /** tcpd's {@code HOSTNAME_KNOWN}. */
    static boolean known(String name) {
        return !name.equalsIgnoreCase(UNKNOWN) && !name.equalsIgnoreCase(PARANOID);
    }

    /** An address as inet_ntop writes it: dotted quad, or compressed IPv6 (RFC 5952) without zone. */
    static String format(InetAddress address) {
        if (address instanceof Inet4Address || !(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        boolean mapped = bestStart == 0 && bestLen == 5 && words[5] == 0xffff;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                if (mapped) {
                    s.append("ffff:").append(b[12] & 0xff).append('.').append(b[13] & 0xff).append('.')
                            .append(b[14] & 0xff).append('.').append(b[15] & 0xff);
                    return s.toString();
                }
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(words[i]));
        }
        return s.toString();
    }
}
