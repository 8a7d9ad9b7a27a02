package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** hosts_options(5): what each option does to the outcome, and the % expansions. */
public class OptionsTest {

    @org.junit.Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private Hosts hosts;

    @Before
    public void setUp() {
        hosts = new Hosts(tmp.getRoot().toPath())
                .name("127.0.0.1", "localhost")
                .name("127.0.0.2", "host2.foobar.edu");
    }

    @Test
    public void allowAndDenyOptionsOverrideTheTable() throws IOException {
        // hosts_options(5): everything in one file
        hosts.files("ALL: .foobar.edu: ALLOW\nALL: ALL: DENY\n", "");
        assertEquals("allow hosts.allow:1", hosts.verdict("d", "127.0.0.2"));
        assertEquals("deny hosts.allow:2", hosts.verdict("d", "127.0.0.9"));
        hosts.files("", "ALL: 127.0.0.2: allow\n");
        assertEquals("allow hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
    }

    @Test
    public void aBadOptionDeniesAfterTheOptionsBeforeIt() throws IOException {
        // tcpdmatch: "ALL: ALL: bogus" in hosts.allow denies
        hosts.files("ALL: ALL: setenv A 1: spawn echo hi: bogus\n", "");
        Outcome o = hosts.decide("d", "127.0.0.2");
        assertFalse(o.allowed);
        assertTrue(o.error, o.error.contains("bad option name \"bogus\""));
        assertEquals(1, o.spawns.size());
        assertEquals(Map.of("A", "1"), o.env);
    }

    @Test
    public void twistReplacesTheServerWithAnExpandedCommand() throws IOException {
        // tcpdmatch: twist reports "access: delegated"
        hosts.files("in.ftpd: ALL: twist /bin/echo 421 %d says no to %a\n", "");
        Outcome o = hosts.decide("in.ftpd", "127.0.0.2");
        assertTrue(o.allowed);
        assertEquals("/bin/echo 421 in.ftpd says no to 127.0.0.2", o.twist);
    }

    @Test
    public void setenvUserAndGroup() throws IOException {
        hosts.files("d: ALL: setenv GREETING  hello %d world  : setenv=EMPTY: user nobody.kmem\n"
                + "e: ALL: user daemon: group adm\n", "");
        Outcome o = hosts.decide("d", "127.0.0.2");
        assertEquals("hello d world", o.env.get("GREETING"));
        assertEquals("", o.env.get("EMPTY"));
        assertEquals("nobody", o.user);
        assertEquals("kmem", o.group);
        o = hosts.decide("e", "127.0.0.2");
        assertEquals("daemon", o.user);
        assertEquals("adm", o.group);
    }

    @Test
    public void socketAndProcessOptionsAreCarriedInTheOutcome() throws IOException {
        // hosts_options(5): umask is octal, nice without a value is 10, linger is seconds
        hosts.files("a: ALL: umask 022: keepalive: linger 10: nice: severity mail.notice\n"
                + "b: ALL: nice 5: nice -2: umask 7: umask 0077: linger 0\n"
                + "c: ALL: allow\n", "");
        Outcome o = hosts.decide("a", "127.0.0.2");
        assertTrue(o.allowed);
        assertNull(o.error);
        assertEquals("mail.notice", o.severity);
        assertEquals(0022, o.umask);
        assertTrue(o.keepAlive);
        assertEquals(10, o.lingerSeconds);
        assertEquals(10, o.nice);
        o = hosts.decide("b", "127.0.0.2");
        assertEquals("each nice adds, as each calls nice(2) in tcpd", 3, o.nice);
        assertEquals("the last umask wins", 0077, o.umask);
        assertEquals(0, o.lingerSeconds);
        assertFalse(o.keepAlive);
        o = hosts.decide("c", "127.0.0.2");
        assertEquals(-1, o.umask);
        assertEquals(-1, o.lingerSeconds);
        assertEquals(0, o.nice);
        assertFalse(o.keepAlive);
    }

    @Test
    public void badSocketAndProcessOptionValuesAreErrorsWithTheirLine() {
        // tcpdmatch -d denies each (and grants "nice", "nice -5", "umask 0077")
        HostsParser parser = new HostsParser(true);
        for (String option : new String[] {"umask 999", "umask 08", "umask 1000", "umask -1", "linger -1", "linger x",
            "linger 1.5", "nice x", "nice 1.5", "keepalive 1"}) {
            HostsParser.Result r = parser.parse("hosts.allow", "# c\nALL: ALL: " + option + ": allow\n");
            assertTrue(option, r.rules.get(0).optionError != null);
            assertEquals(option, 2, r.diagnostics.get(0).line());
            assertTrue(option, r.diagnostics.get(0).isError());
        }
    }

    @Test
    public void rfc931AsksIdentForItsRuleEvenWithIdentOff() throws IOException {
        // tcpd: the option runs eval_user, an RFC 1413 query with the given timeout in seconds
        hosts.identUser = "joe";
        hosts.files("a: ALL: setenv BEFORE %u: rfc931 3: setenv WHO %u: twist echo %u %c\n"
                + "b: ALL: rfc931: twist echo %u\n"
                + "c: ALL: twist echo %u\n"
                + "d: joe@ALL: allow\n", "");
        Outcome o = hosts.decide("a", "127.0.0.2");
        assertEquals("unknown", o.env.get("BEFORE"));
        assertEquals("joe", o.env.get("WHO"));
        assertEquals("echo joe joe@127.0.0.2", o.twist);
        assertEquals(List.of(3000L), hosts.identTimeouts);
        assertEquals("echo joe", hosts.decide("b", "127.0.0.2").twist);
        assertEquals("without a timeout: the lookup timeout", List.of(3000L, 1000L), hosts.identTimeouts);
        assertEquals("without rfc931, ident off: no query", "echo unknown", hosts.decide("c", "127.0.0.2").twist);
        assertNull("user@host patterns still follow the ident setting", hosts.decide("d", "127.0.0.2").rule);
        assertEquals(2, hosts.identQueries.size());
    }

    @Test
    public void rfc931AsksOnceAndNotOverDatagrams() throws IOException {
        hosts.ident = true;
        hosts.identUser = "joe";
        hosts.files("ALL: joe@ALL: rfc931 3: rfc931: twist echo %u\n", "");
        assertEquals("echo joe", hosts.decide("d", "127.0.0.2").twist);
        assertEquals("the pattern's query is the rule's query", 1, hosts.identQueries.size());
        Request udp = new Request("d", Hosts.endpoint("127.0.0.1", 79), Hosts.endpoint("127.0.0.2", 40000), false,
                false, 1000, hosts, 4242);
        hosts.files("ALL: ALL: rfc931 3: twist echo %u\n", "");
        assertEquals("echo unknown", Matcher.decide(hosts.rules(), udp).twist);
        assertEquals(1, hosts.identQueries.size());
    }

    @Test
    public void everyPercentExpansion() throws IOException {
        hosts.files("ALL: ALL: spawn %a %A %c %d %h %H %p %r %R %s %u %% %x %n %N %h %H %c %s %\n", "");
        Outcome o = hosts.decide("in.fingerd", "127.0.0.2");
        // %h, %c and %s give the address until something looked the name up (here %n and %N did)
        assertEquals("127.0.0.2 127.0.0.1 127.0.0.2 in.fingerd 127.0.0.2 127.0.0.1 4242 40000 79 in.fingerd@127.0.0.1"
                + " unknown %  host2.foobar.edu localhost host2.foobar.edu localhost host2.foobar.edu"
                + " in.fingerd@localhost %", o.spawns.get(0).command);
    }

    @Test
    public void aRuleThatMatchedOnANameExpandsPercentHToTheName() throws IOException {
        hosts.files("ALL: .foobar.edu: twist echo %h %c\n", "");
        assertEquals("echo host2.foobar.edu host2.foobar.edu", hosts.decide("d", "127.0.0.2").twist);
        hosts.files("ALL: 127.0.0.2: twist echo %h\n", "");
        assertEquals("echo 127.0.0.2", hosts.decide("d", "127.0.0.2").twist);
    }

    @Test
    public void namesWithoutAValueExpandToUnknownOrParanoid() throws IOException {
        hosts.name("127.0.0.8", "liar.example.com");
        hosts.liars.add("127.0.0.8");
        hosts.files("ALL: ALL: twist echo %n %h\n", "");
        assertEquals("echo unknown 127.0.0.9", hosts.decide("d", "127.0.0.9").twist);
        assertEquals("echo paranoid 127.0.0.8", hosts.decide("d", "127.0.0.8").twist);
    }

    @Test
    public void userAppearsInPercentCOnceKnown() throws IOException {
        hosts.ident = true;
        hosts.identUser = "joe";
        hosts.files("ALL: ALL: twist echo %c %u %c\n", "");
        assertEquals("echo 127.0.0.2 joe joe@127.0.0.2", hosts.decide("d", "127.0.0.2").twist);
    }

    @Test
    public void oddCharactersInExpansionsBecomeUnderscores() throws IOException {
        // percent_x: only letters, digits and !@%-_=+:,./ pass
        hosts.name("127.0.0.3", "evil;rm -rf $(x)`y`|z&.example.com");
        hosts.files("ALL: ALL: twist echo '%n' \"%d\"\n", "");
        assertEquals("echo 'evil_rm_-rf___x__y__z_.example.com' \"d_x\"", hosts.decide("d x", "127.0.0.3").twist);
        assertEquals("!@%-_=+:,./", Expander.expand("%d", hosts.request("!@%-_=+:,./", "127.0.0.2", "127.0.0.1", 1)));
    }

    @Test
    public void aclexecDeniesOnANonZeroExit() throws IOException {
        hosts.files("ALL: ALL: aclexec /bin/true: setenv A b\nALL: ALL: aclexec /bin/false\n", "");
        Outcome o = hosts.decide("d", "127.0.0.2");
        assertTrue(o.allowed);
        assertEquals("b", o.env.get("A"));
        hosts.files("ALL: ALL: aclexec /bin/false: allow\n", "");
        assertFalse(hosts.decide("d", "127.0.0.2").allowed);
    }
}
