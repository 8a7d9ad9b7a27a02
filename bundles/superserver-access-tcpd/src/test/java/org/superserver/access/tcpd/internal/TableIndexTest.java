package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.Before;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The index finds exactly the rule that trying every rule in order finds, with the same lookups on the way. */
public class TableIndexTest {

    @org.junit.Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private static final String[] DAEMONS = {"ALL", "in.fingerd", "in.ftpd", "in.*", "79", "ALL EXCEPT in.ftpd",
        "in.fingerd@127.0.0.1", "echo", "in.fingerd@localhost", "ALL@.foobar.edu"};
    private static final String[] CLIENTS = {"ALL", "10.0.0.1", "10.0.", "10.0.0.0/255.255.255.0", "10.1.0.0/16",
        "10.0.0.4/30", "10.0.0.1/8", "010.0.0.1", "10.0.0.?", ".foobar.edu", "LOCAL", "UNKNOWN", "KNOWN",
        "ALL EXCEPT 10.0.0.1", "10.0.0.2 10.0.0.3", "[::1]", "10.", "10.0.0.0/0", "host2.", "ALL@10.0.0.5",
        "[2001:db8::]/32", "[2001:db8:0:1::]/64", "[2001:db8::5]", "[2001:db8::1]/127", "[::]/0", "[::]/80",
        "[::ffff:10.0.0.1]", "[zz::1]", "[2001:db8::]/129", "10.0. EXCEPT 10.0.0.1", "10.0. EXCEPT .foobar.edu",
        "[2001:db8::]/32 EXCEPT [2001:db8::5]", "[2001:db8::]/48 EXCEPT KNOWN", "joe@10.0.0.0/24",
        "KNOWN@[2001:db8::]/32", "10.0.0.2 EXCEPT", "EXCEPT 10.0.0.2", "joe@ALL", "ALL EXCEPT [::1]",
        "10.0.0.3 EXCEPT 10.0.0.0/8 EXCEPT 10.0.0.3", "10.0.0.9 @grp", "[2001:db8::9] loc", "0.0.0.0/0",
        "10.0.0.1/32 EXCEPT [::1]", "[::a00:1]/128", "0.0.0.1", "0.0.0.0/0.0.0.0", "10.0.0.1/255.255.255.255",
        "012.0.0.0/8", "10.0.0.0/8x", "[2001:db8::]/abc", "255.255.255.255/255.255.255.0"};
    private static final String[] ADDRESSES = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.5", "10.1.2.3",
        "11.0.0.1", "10.0.0.9", "0.0.0.1", "::1", "2001:db8::5", "2001:db8::1", "2001:db8:0:1::7", "2001:db8:1::1",
        "fe80::1", "::a00:1", "2001:db8::a00:5"};

    private Hosts hosts;

    @Before
    public void setUp() {
        hosts = new Hosts(tmp.getRoot().toPath()).name("10.0.0.2", "host2.foobar.edu").name("10.0.0.3", "loc")
                .name("2001:db8::5", "v6.foobar.edu").name("2001:db8::1", "loc");
        hosts.netgroups.put("grp", java.util.Set.of("loc"));
        hosts.ident = true;
        hosts.identUser = "joe";
    }

    @Test
    public void indexedAndScannedDecisionsAgree() throws IOException {
        Random random = new Random(7);
        List<InetAddress> clients = new ArrayList<>();
        for (String a : ADDRESSES) {
            clients.add(Hosts.endpoint(a, 0).getAddress());
        }
        clients.add(mapped(10, 0, 0, 1));
        clients.add(mapped(10, 0, 0, 5));
        clients.add(null);
        for (int round = 0; round < 200; round++) {
            hosts.files(table(random, 1 + random.nextInt(12)), table(random, 1 + random.nextInt(30)));
            RuleSet rules = hosts.rules();
            for (String daemon : new String[] {"in.fingerd", "in.ftpd", "echo"}) {
                for (InetAddress client : clients) {
                    for (int port : new int[] {79, 7}) {
                        String what = "allow:\n" + text(rules.allow) + "deny:\n" + text(rules.deny) + daemon + " "
                                + client + " " + port;
                        Recording indexed = new Recording();
                        Recording scanned = new Recording();
                        String viaIndex = decide(rules, request(daemon, client, port, indexed), true);
                        String oneByOne = decide(rules, request(daemon, client, port, scanned), false);
                        assertEquals(what, oneByOne, viaIndex);
                        assertEquals(what, scanned.calls, indexed.calls);
                    }
                }
            }
        }
    }

    @Test
    public void ipv6RulesAreHashedAndDecideInOrder() throws IOException {
        hosts.files("", "in.ftpd: [2001:db8::]/32\nin.fingerd: [2001:db8::]/32\nin.fingerd: [2001:db8:0:1::]/64\n"
                + "in.fingerd: [2001:db8::5]\nin.fingerd: [::]/0\n");
        RuleSet rules = hosts.rules();
        assertEquals(List.of(), rules.deny.index.triedInOrder("in.fingerd", 79));
        assertEquals("deny hosts.deny:2", hosts.verdict("in.fingerd", "2001:db8::5"));
        assertEquals("deny hosts.deny:2", hosts.verdict("in.fingerd", "2001:db8:0:1::7"));
        assertEquals("deny hosts.deny:5", hosts.verdict("in.fingerd", "2001:db9::1"));
        assertEquals("deny hosts.deny:1", hosts.verdict("in.ftpd", "2001:db8::5"));
        assertEquals("allow no rule matched", hosts.verdict("in.ftpd", "2001:db9::1"));
        assertEquals(0, hosts.lookups.get());
    }

    @Test
    public void anIpv4ClientNeverMatchesAnIpv6RangeNorTheReverse() throws IOException {
        hosts.files("", "ALL: [::]/0\nALL: [::]/96\nALL: 0.0.0.0/0.0.0.0\n");
        assertEquals("deny hosts.deny:3", hosts.verdict("d", "10.0.0.1"));
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "::1"));
        hosts.files("", "ALL: 0.0.0.0/0.0.0.0 10. 10.0.0.1\n");
        assertEquals("allow no rule matched", hosts.verdict("d", "::a00:1"));
        hosts.files("", "ALL: [::]/0 [::a00:1]\n");
        assertEquals("allow no rule matched", hosts.verdict("d", "10.0.0.1"));
    }

    @Test
    public void aMappedAddressIsMatchedAsItArrives() throws IOException {
        // An IPv4-mapped Inet6Address is an IPv6 client (IPv6 patterns only); Java makes the same
        // address an Inet4Address when it is built from the 16 bytes, and IPv4 patterns match that.
        hosts.files("", "ALL: 10.0.0.1\nALL: 10.0.0.0/8\nALL: 10.0.\nALL: [::]/80\n");
        Outcome o = Matcher.decide(hosts.rules(), request("d", mapped(10, 0, 0, 1), 79, hosts));
        assertEquals(4, o.rule.line);
        o = Matcher.decide(hosts.rules(), request("d", InetAddress.getByAddress(mappedBytes(10, 0, 0, 1)), 79, hosts));
        assertEquals(1, o.rule.line);
        hosts.files("", "ALL: [::ffff:10.0.0.1]\nALL: [::ffff:0:0]/96\n");
        o = Matcher.decide(hosts.rules(), request("d", mapped(10, 0, 0, 1), 79, hosts));
        assertNull("a mapped literal is IPv4 to Java, so not a valid [v6] pattern", o.rule);
    }

    @Test
    public void anExceptHeadedRuleIsACandidateAndALaterRuleDecidesWhatItExcepts() throws IOException {
        hosts.files("", "sshd: 10.0.0. EXCEPT 10.0.0.5\nsshd: 10.0.0.0/24\n"
                + "sshd: [2001:db8::]/32 EXCEPT [2001:db8::5]\nsshd: [2001:db8::5]\n");
        RuleSet rules = hosts.rules();
        assertEquals(List.of(), rules.deny.index.triedInOrder("sshd", 22));
        assertEquals("deny hosts.deny:1", hosts.verdict("sshd", "10.0.0.6"));
        assertEquals("deny hosts.deny:2", hosts.verdict("sshd", "10.0.0.5"));
        assertEquals("allow no rule matched", hosts.verdict("sshd", "10.0.1.5"));
        assertEquals("deny hosts.deny:3", hosts.verdict("sshd", "2001:db8::6"));
        assertEquals("deny hosts.deny:4", hosts.verdict("sshd", "2001:db8::5"));
        assertEquals(0, hosts.lookups.get());
    }

    @Test
    public void aCandidateLooksUpOnlyForClientsInItsRanges() throws IOException {
        hosts.files("", "sshd: 10.0. EXCEPT .foobar.edu\nsshd: joe@10.1.0.0/16\nsshd: 10.\n");
        assertEquals("deny hosts.deny:3", hosts.verdict("sshd", "10.2.0.1"));
        assertEquals(0, hosts.lookups.get());
        assertTrue(hosts.identQueries.isEmpty());
        assertEquals("deny hosts.deny:3", hosts.verdict("sshd", "10.0.0.2"));
        assertEquals("the EXCEPT part needed the name", 1, hosts.lookups.get());
        assertEquals("deny hosts.deny:2", hosts.verdict("sshd", "10.1.0.2"));
        assertEquals(1, hosts.identQueries.size());
        hosts.identUser = "ann";
        assertEquals("deny hosts.deny:3", hosts.verdict("sshd", "10.1.0.2"));
    }

    @Test
    public void aRuleThatNeedsANameBeforeTheHashedMatchIsStillTried() throws IOException {
        hosts.files("", "sshd: .foobar.edu\nsshd: [2001:db8::]/32\nsshd: 10.0.0.0/8\n");
        assertEquals(1, hosts.rules().deny.index.triedInOrder("sshd", 22).size());
        assertEquals("deny hosts.deny:2", hosts.verdict("sshd", "2001:db8::1"));
        assertEquals(1, hosts.lookups.get());
        assertEquals("deny hosts.deny:1", hosts.verdict("sshd", "2001:db8::5"));
        assertEquals("deny hosts.deny:3", hosts.verdict("sshd", "10.0.0.9"));
        assertEquals(3, hosts.lookups.get());
        // After the hashed match, the name rule is not reached.
        hosts.files("", "sshd: [2001:db8::]/32\nsshd: 10.0.0.0/8\nsshd: .foobar.edu\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("sshd", "2001:db8::5"));
        assertEquals("deny hosts.deny:2", hosts.verdict("sshd", "10.0.0.2"));
        assertEquals(3, hosts.lookups.get());
        // A lookup that must not block is asked for in the same place: before the hashed match only.
        hosts.files("", "sshd: .foobar.edu\nsshd: [2001:db8::]/32\n");
        Request r = new Request("sshd", Hosts.endpoint("127.0.0.1", 22), Hosts.endpoint("2001:db8::1", 4000), true,
                false, 0, new Refusing(), 1);
        try {
            Matcher.decide(hosts.rules(), r);
            throw new AssertionError("expected a lookup");
        } catch (Request.WouldBlock expected) {
            // decided again where waiting is allowed
        }
        hosts.files("", "sshd: [2001:db8::]/32\nsshd: .foobar.edu\n");
        r = new Request("sshd", Hosts.endpoint("127.0.0.1", 22), Hosts.endpoint("2001:db8::1", 4000), true, false, 0,
                new Refusing(), 1);
        assertEquals(1, Matcher.decide(hosts.rules(), r).rule.line);
    }

    @Test
    public void onlyRulesThatLookAtMoreThanTheAddressAreTriedOneByOne() throws IOException {
        hosts.files("", "sshd: 10.0.0.1\nsshd: [::1]\nvsftpd: .foobar.edu\nsshd: .foobar.edu\n"
                + "sshd@127.0.0.1: 10.0.0.2\nsshd: ALL EXCEPT 10.0.0.3\nsshd: joe@ALL\nsshd: admin@10.0.0.4\n"
                + "sshd: 10.0.0.5 EXCEPT LOCAL\nALL EXCEPT sshd: KNOWN\nsshd: ALL\nsshd: .example.com\n");
        List<Integer> lines = new ArrayList<>();
        for (Rule rule : hosts.rules().deny.index.triedInOrder("sshd", 22)) {
            lines.add(rule.line);
        }
        assertEquals("rules after the first ALL are never reached", List.of(4, 5, 6, 7), lines);
    }

    @Test
    public void theDaemonListIsTriedAgainOnlyForDaemonAtHost() throws IOException {
        hosts.name("127.0.0.1", "localhost");
        hosts.files("", "in.fingerd@127.0.0.2: ALL\nin.fingerd@localhost: 10.0.0.1\nin.fingerd: 10.0.0.1\n");
        assertEquals("deny hosts.deny:2", hosts.verdict("in.fingerd", "10.0.0.1"));
        assertEquals("server name looked up for daemon@host", 1, hosts.lookups.get());
        Outcome o = Matcher.decide(hosts.rules(), hosts.request("in.fingerd", "10.0.0.1", "127.0.0.2", 79));
        assertEquals(1, o.rule.line);
        assertEquals("allow no rule matched", hosts.verdict("in.ftpd", "10.0.0.1"));
    }

    @Test
    public void aReloadMakesTheViewsThatWereInUse() throws IOException {
        hosts.files("", "sshd: 10.0.0.1\n");
        TcpdPolicy policy = new TcpdPolicy(hosts.allow, hosts.deny, 1000, false,
                new NameCache(hosts, Runnable::run, 30_000, 100, System::nanoTime), Runnable::run, null,
                (local, remote, timeout) -> Request.UNKNOWN, TcpdPolicy.SH);
        RuleSet first = policy.reload();
        Matcher.decide(first, hosts.request("sshd", "10.0.0.1", "127.0.0.1", 22));
        assertTrue(first.deny.index.hasView("sshd", 22));
        hosts.files("", "sshd: 10.0.0.2\n");
        RuleSet second = policy.reload();
        assertTrue(second.deny.index.hasView("sshd", 22));
        assertFalse(second.deny.index.hasView("sshd", 2222));
        assertFalse(second.deny.index.hasView("in.fingerd", 22));
    }

    // ------------------------------------------------------------------ helpers

    private static String table(Random random, int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append(DAEMONS[random.nextInt(DAEMONS.length)]).append(": ")
                    .append(CLIENTS[random.nextInt(CLIENTS.length)]).append(' ')
                    .append(random.nextInt(3) == 0 ? CLIENTS[random.nextInt(CLIENTS.length)] : "").append('\n');
        }
        return text.toString();
    }

    private static String text(RuleSet.Table table) throws IOException {
        return java.nio.file.Files.readString(table.path, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The deciding rule's table and line, through the index or by trying every rule in order. */
    private static String decide(RuleSet rules, Request r, boolean indexed) {
        r.patternFiles = rules.patternFiles;
        for (RuleSet.Table table : List.of(rules.allow, rules.deny)) {
            Rule found = null;
            if (indexed) {
                found = table.index.firstMatch(r);
            } else {
                for (Rule rule : table.rules) {
                    if (rule.matches(r)) {
                        found = rule;
                        break;
                    }
                }
            }
            if (found != null) {
                return table.path.getFileName() + ":" + found.line;
            }
        }
        return "none";
    }

    /** A request from {@code client}, or from an unknown address when it is {@code null}. */
    private Request request(String daemon, InetAddress client, int port, Request.Lookups lookups) {
        InetSocketAddress remote = client == null ? InetSocketAddress.createUnresolved("unknown", 40000)
                : new InetSocketAddress(client, 40000);
        return new Request(daemon, Hosts.endpoint("127.0.0.1", port), remote, true, true, 1000, lookups, 4242);
    }

    private static byte[] mappedBytes(int a, int b, int c, int d) {
        return new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) a, (byte) b, (byte) c,
            (byte) d};
    }

    /** ::ffff:a.b.c.d as an Inet6Address (InetAddress.getByAddress would make it an Inet4Address). */
    private static InetAddress mapped(int a, int b, int c, int d) throws IOException {
        return Inet6Address.getByAddress(null, mappedBytes(a, b, c, d), -1);
    }

    /** The fixture's answers, and the list of what was asked, in order. */
    private final class Recording implements Request.Lookups {
        final List<String> calls = new ArrayList<>();

        @Override
        public String hostName(InetAddress address) {
            if (address == null) {
                calls.add("name of an unknown address");
                return Request.UNKNOWN;
            }
            calls.add("name " + Request.format(address));
            return hosts.hostName(address);
        }

        @Override
        public String user(InetSocketAddress local, InetSocketAddress remote, long timeoutMillis) {
            calls.add("user " + remote);
            return hosts.user(local, remote, timeoutMillis);
        }

        @Override
        public boolean inNetgroup(String netgroup, String host) {
            calls.add("netgroup " + netgroup + " " + host);
            return hosts.inNetgroup(netgroup, host);
        }

        @Override
        public boolean aclexec(String command, Map<String, String> env) {
            calls.add("aclexec " + command);
            return hosts.aclexec(command, env);
        }
    }

    /** Lookups as on the event loop: every one must be made elsewhere. */
    private static final class Refusing implements Request.Lookups {
        @Override
        public String hostName(InetAddress address) {
            throw Request.WouldBlock.INSTANCE;
        }

        @Override
        public String user(InetSocketAddress local, InetSocketAddress remote, long timeoutMillis) {
            throw Request.WouldBlock.INSTANCE;
        }

        @Override
        public boolean inNetgroup(String netgroup, String host) {
            throw Request.WouldBlock.INSTANCE;
        }

        @Override
        public boolean aclexec(String command, Map<String, String> env) {
            throw Request.WouldBlock.INSTANCE;
        }
    }
}
