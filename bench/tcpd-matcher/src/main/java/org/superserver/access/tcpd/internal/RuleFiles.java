package org.superserver.access.tcpd.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.superserver.api.AddressLiterals;

/**
 * A generated hosts.allow and hosts.deny of {@value #RULES} rules in all, the same every time: a
 * hosts.allow of {@value #ALLOW_RULES} rules (networks and hosts let in, per daemon) and a hosts.deny
 * of {@value #DENY_RULES} (a block list, mostly single addresses, as fail2ban or DenyHosts write
 * them). The benchmarked daemon is {@value #DAEMON} on port {@value #PORT}.
 *
 * <p>Every client the benchmark uses is decided by a fixed rule (or by none): no generated rule
 * covers 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 or 2001:db8:ffff::/48.
 *
 * <p>Mix of a generated hosts.allow rule, by line number modulo 20 (each step is 5 %):
 * <pre>
 *  0-5  sshd: 10.a.b.                              address prefix
 *  6-8  ALL: 172.a.b.c                             single address
 *  9-10 sshd, vsftpd: 100.a.b.0/255.255.255.0      net/mask
 *  11   22: a.b.0.0/16                             port number, CIDR
 *  12   ALL: 100.a.b.0/24                          CIDR
 *  13   sshd: [2001:db8:x::]/64                    IPv6 network            (*)
 *  14   in.telnetd, in.rlogind: .deptN.example.edu domain, other daemons (names: for sshd)
 *  15   ALL EXCEPT in.fingerd: 10.a. EXCEPT 10.a.b. client EXCEPT           (*)
 *  16   sshd: admin@10.a.b.                        user@host, ident off    (*)
 *  17   sshd: 172.a.b.c : severity auth.notice : allow   options
 *  18   vsftpd: 10.a.b.                            other daemon
 *  19   sshd: [2001:db8:x::y]                      IPv6 address            (*)
 * </pre>
 * and of a generated hosts.deny rule:
 * <pre>
 *  0-11 sshd: a.b.c.d  /  ALL: a.b.c.d             single address (60 %)
 *  12-13 ALL: a.b.c.                               address prefix
 *  14   ALL: a.b.0.0/255.255.0.0                   net/mask
 *  15   sshd: a.b.c.0/24                           CIDR
 *  16   sshd: [2a01:4f8:x::y]                      IPv6 address            (*)
 *  17   ALL: [2a01:4f8:x::]/64                     IPv6 network            (*)
 *  18   in.telnetd, vsftpd: .spamN.example.net     domain, other daemons (names: for sshd)
 *  19   ALL EXCEPT sshd in.fingerd: a.b.c.         daemon EXCEPT (does not apply to sshd)
 * </pre>
 * (*) patterns beyond plain IPv4 ones: IPv6, address-headed EXCEPT lists and user@host, which the
 * index also hashes (as candidates confirmed rule by rule where EXCEPT or a user is involved).
 * {@link Mix#IPV4} writes an IPv4 address or prefix instead of every (*) pattern;
 * {@link Mix#NAMES} writes the domain rules for sshd from hosts.allow rule {@value #NAMES_FROM} on (the
 * first is rule 1,015) and in all of hosts.deny, and {@code sshd: 192.0.2.0/25} as hosts.allow rule 1,000.
 */
final class RuleFiles {

    static final int RULES = 10_000;
    static final int ALLOW_RULES = 2_000;
    static final int DENY_RULES = RULES - ALLOW_RULES;
    static final String DAEMON = "sshd";
    static final int PORT = 22;
    /** In {@link Mix#NAMES}: the hosts.allow rule (1-based) from which on domain rules apply to sshd. */
    static final int NAMES_FROM = 1_001;

    /** Which variant of the files. */
    enum Mix {
        /** The mix above: 20 % of hosts.allow and 10 % of hosts.deny apply to sshd with (*) patterns. */
        MIXED,
        /** Every pattern that applies to sshd is an IPv4 address, prefix or network. */
        IPV4,
        /** {@link #MIXED}, with domain (name) patterns for sshd after an address rule. */
        NAMES;

        static Mix of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** The server's end of every connection. */
    static final InetSocketAddress LOCAL = endpoint("192.0.2.1", PORT);
    /** Allowed by hosts.allow rule 1. */
    static final InetSocketAddress ALLOW_EARLY = endpoint("10.1.2.3", 50000);
    /** Matches nothing in hosts.allow, denied by hosts.deny rule 2. */
    static final InetSocketAddress DENY_EARLY = endpoint("203.0.113.66", 50000);
    /** Denied by the last rule of hosts.deny, the 10,000th rule. */
    static final InetSocketAddress LAST_RULE = endpoint("198.51.100.77", 50000);
    /** Matches no rule: allowed by default. */
    static final InetSocketAddress NO_MATCH = endpoint("198.51.100.200", 50000);
    /** An IPv6 client that matches no rule. */
    static final InetSocketAddress NO_MATCH_V6 = endpoint("2001:db8:ffff::1234", 50000);
    /** In {@link Mix#NAMES}: allowed by hosts.allow rule {@code NAMES_FROM - 1}, before any name pattern. */
    static final InetSocketAddress BEFORE_NAMES = endpoint("192.0.2.10", 50000);
    /** In {@link Mix#NAMES}: not matched by that rule, so the name patterns after it need its name. */
    static final InetSocketAddress NEEDS_NAME = endpoint("192.0.2.200", 50000);

    final Path dir;
    final Path allow;
    final Path deny;

    private RuleFiles(Path dir) {
        this.dir = dir;
        this.allow = dir.resolve("hosts.allow");
        this.deny = dir.resolve("hosts.deny");
    }

    /** Writes both files into a new temporary folder. */
    static RuleFiles write(Mix mix) throws IOException {
        RuleFiles f = new RuleFiles(Files.createTempDirectory("tcpd-bench-"));
        Files.write(f.allow, allowText(mix).getBytes(StandardCharsets.ISO_8859_1));
        Files.write(f.deny, denyText(mix).getBytes(StandardCharsets.ISO_8859_1));
        return f;
    }

    void delete() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String allowText(Mix mix) {
        StringBuilder s = new StringBuilder(ALLOW_RULES * 40);
        s.append("# hosts.allow: ").append(ALLOW_RULES).append(" generated rules (").append(mix)
                .append("), superserver-bench-tcpd-matcher\n#\n");
        for (int i = 0; i < ALLOW_RULES; i++) {
            if (i > 0 && i % 500 == 0) {
                s.append("\n# --- block ").append(i / 500).append(" ---\n");
            }
            s.append(allowRule(mix, i)).append('\n');
        }
        return s.toString();
    }

    static String denyText(Mix mix) {
        StringBuilder s = new StringBuilder(DENY_RULES * 30);
        s.append("# hosts.deny: ").append(DENY_RULES).append(" generated rules (").append(mix)
                .append("), superserver-bench-tcpd-matcher\n#\n");
        for (int i = 0; i < DENY_RULES; i++) {
            if (i > 0 && i % 1000 == 0) {
                s.append("\n# --- blocked ").append(i / 1000).append(" ---\n");
            }
            s.append(denyRule(mix, i)).append('\n');
        }
        return s.toString();
    }

    /** Rule {@code i + 1} of hosts.allow. */
    private static String allowRule(Mix mix, int i) {
        switch (i) {
            case 0:
                return "sshd: 10.1.2.";
            case 1:
                return "ALL: 10.3.0.0/255.255.0.0";
            case 2:
                return "sshd, vsftpd: 10.4.0.0/16";
            default:
                break;
        }
        if (mix == Mix.NAMES && i == NAMES_FROM - 2) {
            return "sshd: 192.0.2.0/25";
        }
        boolean v4 = mix == Mix.IPV4;
        // 10.a.b. with a in 10..17 for these 2,000 rules: never 10.1/10.3/10.4.
        int a = 10 + (i >> 8) % 240;
        int b = i & 0xff;
        switch (i % 20) {
            case 0: case 1: case 2: case 3: case 4: case 5:
                return "sshd: 10." + a + "." + b + ".";
            case 6: case 7: case 8:
                return "ALL: 172." + (16 + i % 16) + "." + ((i >> 4) & 0xff) + "." + ((i * 7) & 0xff);
            case 9: case 10:
                return "sshd, vsftpd: 100." + (64 + (i >> 8) % 64) + "." + b + ".0/255.255.255.0";
            case 11:
                return PORT + ": " + (20 + i % 80) + "." + ((i >> 3) & 0xff) + ".0.0/16";
            case 12:
                return "ALL: 100." + (128 + (i >> 8) % 64) + "." + b + ".0/24";
            case 13:
                return v4 ? "sshd: 10." + a + "." + b + ".13"
                        : "sshd: [2001:db8:" + Integer.toHexString(i) + "::]/64";
            case 14:
                return (mix == Mix.NAMES && i + 1 >= NAMES_FROM ? "sshd" : "in.telnetd, in.rlogind")
                        + ": .dept" + i + ".example.edu";
            case 15:
                return v4 ? "ALL EXCEPT in.fingerd: 10." + (200 + i % 50) + "." + b + "."
                        : "ALL EXCEPT in.fingerd: 10." + (200 + i % 50) + ". EXCEPT 10." + (200 + i % 50) + "." + b + ".";
            case 16:
                return v4 ? "sshd: 10." + a + "." + b + ".16" : "sshd: admin@10." + a + "." + b + ".";
            case 17:
                return "sshd: 172." + (16 + i % 16) + "." + ((i >> 4) & 0xff) + "." + ((i * 11) & 0xff)
                        + " : severity auth.notice : allow";
            case 18:
                return "vsftpd: 10." + a + "." + b + ".";
            default:
                return v4 ? "sshd: 10." + a + "." + b + ".19"
                        : "sshd: [2001:db8:" + Integer.toHexString(i) + "::" + Integer.toHexString(i * 3 + 1) + "]";
        }
    }

    /** Rule {@code i + 1} of hosts.deny. */
    private static String denyRule(Mix mix, int i) {
        if (i == 0) {
            return "in.telnetd, in.rlogind, in.rshd: ALL";
        }
        if (i == 1) {
            return "sshd: 203.0.113.";
        }
        if (i == DENY_RULES - 1) {
            return "sshd: 198.51.100.77";
        }
        boolean v4 = mix == Mix.IPV4;
        // First octet 1..180: never 192.0.2, 198.51.100 or 203.0.113.
        int a = 1 + (i * 37) % 180;
        int b = (i * 13) & 0xff;
        int c = (i >> 3) & 0xff;
        int d = (i * 101 + 7) & 0xff;
        switch (i % 20) {
            case 12: case 13:
                return "ALL: " + a + "." + b + "." + c + ".";
            case 14:
                return "ALL: " + a + "." + b + ".0.0/255.255.0.0";
            case 15:
                return "sshd: " + a + "." + b + "." + c + ".0/24";
            case 16:
                return v4 ? "sshd: " + a + "." + c + "." + b + "." + d
                        : "sshd: [2a01:4f8:" + Integer.toHexString(i) + "::" + Integer.toHexString(d + 1) + "]";
            case 17:
                return v4 ? "ALL: " + a + "." + c + "." + d + "."
                        : "ALL: [2a01:4f8:" + Integer.toHexString(0x8000 + i) + "::]/64";
            case 18:
                return (mix == Mix.NAMES ? "sshd" : "in.telnetd, vsftpd") + ": .spam" + i + ".example.net";
            case 19:
                return "ALL EXCEPT sshd in.fingerd: " + a + "." + b + "." + c + ".";
            default:
                return (i % 2 == 0 ? "sshd: " : "ALL: ") + a + "." + b + "." + c + "." + d;
        }
    }

    static InetSocketAddress endpoint(String address, int port) {
        return new InetSocketAddress(AddressLiterals.parse(address).orElseThrow(), port);
    }
}
