package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.Set;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * hosts_access(5) matching. The names are those of a test hosts table (127.0.0.1 localhost,
 * 127.0.0.2 host2.foobar.edu, 127.0.0.3 terminalserver.foobar.edu, 127.0.0.4 nofinger.example.com,
 * 127.0.0.5 x.goodguys.example.com, 127.0.0.6 loc; 127.0.0.9 has no name). "tcpdmatch:" notes give
 * what Debian's tcpdmatch 7.6.q-32 answered for the same files (run with -d in a private mount
 * namespace whose /etc/hosts is that table); tcpdmatch given an address never looks its name up,
 * so those cases compare with an address that has no name.
 */
public class MatcherTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private Hosts hosts;

    @Before
    public void setUp() throws IOException {
        hosts = new Hosts(tmp.getRoot().toPath())
                .name("127.0.0.1", "localhost")
                .name("127.0.0.2", "host2.foobar.edu")
                .name("127.0.0.3", "terminalserver.foobar.edu")
                .name("127.0.0.4", "nofinger.example.com")
                .name("127.0.0.5", "x.goodguys.example.com")
                .name("127.0.0.6", "loc")
                .name("127.0.0.7", "pc7.example.org");
        hosts.netgroups.put("some_netgroup", Set.of("pc7.example.org"));
    }

    // --- the man page's examples ---

    @Test
    public void mostlyClosedAllowsLocalNetgroupAndDomainExceptTheTerminalServer() throws IOException {
        // tcpdmatch: loc granted, host2 granted, terminalserver denied, 127.0.0.9 denied
        hosts.files("ALL: LOCAL @some_netgroup\nALL: .foobar.edu EXCEPT terminalserver.foobar.edu\n", "ALL: ALL\n");
        assertEquals("allow hosts.allow:1", hosts.verdict("in.telnetd", "127.0.0.6"));
        assertEquals("allow hosts.allow:1", hosts.verdict("in.telnetd", "127.0.0.7"));
        assertEquals("allow hosts.allow:2", hosts.verdict("in.telnetd", "127.0.0.2"));
        assertEquals("deny hosts.deny:1", hosts.verdict("in.telnetd", "127.0.0.3"));
        assertEquals("deny hosts.deny:1", hosts.verdict("in.telnetd", "127.0.0.9"));
        assertEquals("deny hosts.deny:1", hosts.verdict("in.telnetd", "127.0.0.4"));
    }

    @Test
    public void mostlyOpenDeniesListedHostsAndStillAllowsFinger() throws IOException {
        // tcpdmatch: in.fingerd from host2 granted, in.telnetd from host2 denied
        hosts.files("", "ALL: some.host.name, .some.domain\nALL EXCEPT in.fingerd: other.host.name, .foobar.edu\n");
        assertEquals("allow no rule matched", hosts.verdict("in.fingerd", "127.0.0.2"));
        assertEquals("deny hosts.deny:2", hosts.verdict("in.telnetd", "127.0.0.2"));
        assertEquals("allow no rule matched", hosts.verdict("in.telnetd", "127.0.0.4"));
    }

    @Test
    public void badguysDomainIsDeniedEverything() throws IOException {
        hosts.name("127.0.0.8", "evil.badguys.example.com");
        hosts.files("", "ALL: .badguys.example.com\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("in.ftpd", "127.0.0.8"));
        assertEquals("allow no rule matched", hosts.verdict("in.ftpd", "127.0.0.5"));
        // the suffix must be a proper suffix: the domain's own name does not match
        hosts.name("127.0.0.8", "badguys.example.com");
        assertEquals("allow no rule matched", hosts.verdict("in.ftpd", "127.0.0.8"));
    }

    @Test
    public void nofingerIsDeniedFingerOnly() throws IOException {
        // tcpdmatch: in.fingerd denied, in.telnetd granted
        hosts.files("", "in.fingerd: nofinger.example.com\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("in.fingerd", "127.0.0.4"));
        assertEquals("allow no rule matched", hosts.verdict("in.telnetd", "127.0.0.4"));
    }

    @Test
    public void portmapOnlyForGoodguys() throws IOException {
        // tcpdmatch: portmap from goodguys granted, from nofinger denied; in.fingerd granted for both
        hosts.files("portmap: .goodguys.example.com\n", "portmap: ALL\n");
        assertEquals("allow hosts.allow:1", hosts.verdict("portmap", "127.0.0.5"));
        assertEquals("deny hosts.deny:1", hosts.verdict("portmap", "127.0.0.4"));
        assertEquals("allow no rule matched", hosts.verdict("in.fingerd", "127.0.0.4"));
    }

    // --- client patterns ---

    @Test
    public void addressPatterns() throws IOException {
        // tcpdmatch: 127.0.0.? , 127.0.0.0/8, 127.0.0.0/255.0.0.0 and 127.0.0.2/32 match 127.0.0.2;
        // 127.0.0.1/8 (bits outside the mask), 127.0.0.2/33 and 127.0.0.2/255.255.255.255 (inet_addr's
        // error value) never match.
        String[] match = {"127.0.0.", "127.", "127.0.0.2", "127.0.0.?", "127.*", "*", "127.0.0.0/8",
            "127.0.0.0/255.0.0.0", "127.0.0.2/32", "127.0.0.0/30"};
        for (String p : match) {
            hosts.files("", "ALL: " + p + "\n");
            assertEquals(p, "deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
        }
        String[] noMatch = {"127.0.0.1/8", "127.0.0.2/33", "127.0.1.", "127.0.0.3", "10.0.0.0/8", "127.0.0.4/30",
            "[::1]", "[::]/0", "127.0.0.1/abc", "127.0.0.2/255.255.255.255"};
        for (String p : noMatch) {
            hosts.files("", "ALL: " + p + "\n");
            assertEquals(p, "allow no rule matched", hosts.verdict("d", "127.0.0.2"));
        }
        assertEquals("an address pattern never needs the name", 0, hosts.lookups.get());
    }

    @Test
    public void netMaskReadsItsPartsAsTcpdDoes() throws IOException {
        // tcpdmatch, client 127.0.0.2 unless given: the mask and the net are read by inet_addr, which
        // fails on 255.255.255.255; a mask that is not a dotted quad is a prefix length read by atoi,
        // valid from 1 to 32; parts of a dotted quad may be octal or hex.
        String[][] match = {{"0.0.0.0/0.0.0.0", "10.1.2.3"}, {"0.0.0.0/1", "10.1.2.3"}, {"128.0.0.0/1", "200.1.2.3"},
            {"127.0.0.2/32", "127.0.0.2"}, {"127.0.0.0/08", "127.0.0.2"}, {"127.0.0.0/+8", "127.0.0.2"},
            {"127.0.0.0/8x", "127.0.0.2"}, {"127.0.0.0/8.0.0", "127.0.0.2"}, {"127.0.0.2/032", "127.0.0.2"},
            {"127.0.0.0/4294967304", "127.0.0.2"}, {"0177.0.0.0/255.0.0.0", "127.0.0.2"},
            {"0x7f.0.0.0/8", "127.0.0.2"}, {"127.0.0.02/32", "127.0.0.2"}, {"127.0.0.0/0377.0.0.0", "127.0.0.2"},
            {"255.255.255.0/255.255.255.0", "255.255.255.1"}, {"255.255.255.254/31", "255.255.255.254"},
            {"127.0.0.2/255.255.255.254", "127.0.0.2"}};
        for (String[] c : match) {
            hosts.files("", "ALL: " + c[0] + "\n");
            assertEquals(c[0], "deny hosts.deny:1", hosts.verdict("d", c[1]));
        }
        String[][] noMatch = {{"0.0.0.0/0", "10.1.2.3"}, {"0.0.0.0/0", "127.0.0.2"}, {"0.0.0.0/1", "200.1.2.3"},
            {"127.0.0.2/255.255.255.255", "127.0.0.2"}, {"255.255.255.255/255.255.255.0", "255.255.255.1"},
            {"255.255.255.255/32", "255.255.255.255"}, {"255.255.255.255/255.255.255.255", "255.255.255.255"},
            {"127.0.0.2/33", "127.0.0.2"}, {"127.0.0.2/abc", "127.0.0.2"}, {"127.0.0.0/", "127.0.0.2"},
            {"127.0.0.0/-8", "127.0.0.2"}, {"127.0.0.0/0x8", "127.0.0.2"}, {"127.0.0.2/4294967295", "127.0.0.2"},
            {"127.0.0.0/9223372036854775807", "127.0.0.2"}, {"127.0.0.0/255.0.0", "127.0.0.2"},
            {"127.0.0.0/255.0.0.0.0", "127.0.0.2"}, {"127.0.0.0/255.0.0.0x", "127.0.0.2"},
            {"127.0.0.0/1.0.0.0", "127.0.0.2"}, {"127.0.0.0/255.255.255.254", "127.0.0.2"}};
        for (String[] c : noMatch) {
            hosts.files("", "ALL: " + c[0] + "\n");
            assertEquals(c[0] + " " + c[1], "allow no rule matched", hosts.verdict("d", c[1]));
        }
    }

    @Test
    public void ipv6PrefixLengthsAreReadAsTcpdReadsThem() throws IOException {
        // tcpdmatch, client ::1: the length is read by atoi and must be 0 to 128 ("abc" and "" read as 0)
        for (String p : new String[] {"[::1]/128", "[::]/0", "[::1]/abc", "[::1]/", "[::1]/1x", "[::1]/0128",
            "[::1]/+128", "[::1]/4294967424", "[::1]/4294967296"}) {
            hosts.files("", "ALL: " + p + "\n");
            assertEquals(p, "deny hosts.deny:1", hosts.verdict("d", "::1"));
        }
        for (String p : new String[] {"[::1]/129", "[::1]/-1", "[::2]/127", "[::2]/128"}) {
            hosts.files("", "ALL: " + p + "\n");
            assertEquals(p, "allow no rule matched", hosts.verdict("d", "::1"));
        }
    }

    @Test
    public void ipv6Patterns() throws IOException {
        // tcpdmatch: [::1] and [::1]/128 match ::1; [::]/0 matches ::1 but not 127.0.0.2;
        // "ALL: ::1" splits at the colons and never matches.
        for (String p : new String[] {"[::1]", "[::1]/128", "[::]/0", "[::0:1]/127", "[0:0::1]"}) {
            hosts.files("", "ALL: " + p + "\n");
            assertEquals(p, "deny hosts.deny:1", hosts.verdict("d", "::1"));
        }
        hosts.files("", "ALL: [3ffe:505:2:1::]/64\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "3ffe:505:2:1:ffff:ffff:ffff:ffff"));
        assertEquals("allow no rule matched", hosts.verdict("d", "3ffe:505:2:2::1"));
        hosts.files("", "ALL: ::1\n");
        assertEquals("allow no rule matched", hosts.verdict("d", "::1"));
        hosts.files("", "ALL: [::]/0\n");
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.2"));
    }

    @Test
    public void namePatterns() throws IOException {
        // tcpdmatch: *.foobar.edu and host2. (a prefix tried on the name) match host2.foobar.edu;
        // case is ignored; the domain's own name does not match .foobar.edu
        for (String p : new String[] {".foobar.edu", ".FOOBAR.EDU", "HOST2.foobar.edu", "*.foobar.edu",
            "host?.foobar.*", "host2.", ".edu"}) {
            hosts.files("", "ALL: " + p + "\n");
            assertEquals(p, "deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
        }
        for (String p : new String[] {"foobar.edu", ".bar.edu", "host3.", "host2", "*.example.com"}) {
            hosts.files("", "ALL: " + p + "\n");
            assertEquals(p, "allow no rule matched", hosts.verdict("d", "127.0.0.2"));
        }
    }

    @Test
    public void wildcardsOnAnAddressWithoutAName() throws IOException {
        // tcpdmatch with an address (no name): UNKNOWN matches; KNOWN and LOCAL do not
        hosts.files("", "ALL: UNKNOWN\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.9"));
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.2"));
        hosts.files("", "ALL: KNOWN\n");
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.9"));
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
        hosts.files("", "ALL: LOCAL\n");
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.9"));
        // tcpdmatch: LOCAL matches "loc", not host2.foobar.edu
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.6"));
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.2"));
        hosts.files("", "ALL: ALL\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.9"));
        hosts.files("", "all: all\n");
        assertEquals("keywords ignore case (tcpdmatch: denied)", "deny hosts.deny:1", hosts.verdict("d", "127.0.0.9"));
    }

    @Test
    public void paranoidMatchesANameThatDoesNotMapBack() throws IOException {
        hosts.name("127.0.0.8", "liar.example.com");
        hosts.liars.add("127.0.0.8");
        hosts.files("", "ALL: PARANOID\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.8"));
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.2"));
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.9"));
        for (String p : new String[] {"KNOWN", "UNKNOWN", "LOCAL", ".example.com"}) {
            hosts.files("", "ALL: " + p + "\n");
            assertEquals(p, "allow no rule matched", hosts.verdict("d", "127.0.0.8"));
        }
    }

    @Test
    public void netgroupsNeverMatchWithoutSystemSupportAndSaySo() throws IOException {
        hosts.netgroupSupport = false;
        hosts.files("ALL: @some_netgroup\n", "ALL: ALL\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.7"));
        assertTrue(hosts.rules().diagnostics.stream().anyMatch(d -> d.line() == 1 && d.message().contains("netgroup")));
    }

    @Test
    public void userPatternsWithIdentOffSeeTheUserUnknown() throws IOException {
        // tcpdmatch (no user given): ALL@, UNKNOWN@ and unknown@ match; KNOWN@ and joe@ do not
        for (String p : new String[] {"ALL@127.0.0.2", "UNKNOWN@127.0.0.2", "unknown@127.0.0.2", "ALL@ALL",
            "ALL@.foobar.edu"}) {
            hosts.files("", "ALL: " + p + "\n");
            assertEquals(p, "deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
        }
        for (String p : new String[] {"KNOWN@127.0.0.2", "joe@127.0.0.2", "KNOWN@ALL"}) {
            hosts.files("", "ALL: " + p + "\n");
            assertEquals(p, "allow no rule matched", hosts.verdict("d", "127.0.0.2"));
        }
        assertTrue("no ident query with ident off", hosts.identQueries.isEmpty());
    }

    @Test
    public void userPatternsWithIdentOnAskOnlyWhenTheHostPartMatches() throws IOException {
        // tcpdmatch joe@127.0.0.2: joe@127.0.0.2 matches, KNOWN@ALL matches
        hosts.ident = true;
        hosts.identUser = "joe";
        hosts.files("", "ALL: joe@127.0.0.3\nALL: joe@127.0.0.2\n");
        assertEquals("deny hosts.deny:2", hosts.verdict("d", "127.0.0.2"));
        assertEquals("asked once, for the rule whose host part matched", 1, hosts.identQueries.size());
        hosts.files("", "ALL: KNOWN@ALL\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
        hosts.identUser = Request.UNKNOWN;
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.2"));
    }

    @Test
    public void exceptNestsInClientLists() throws IOException {
        // tcpdmatch: ALL EXCEPT 127.0.0.0/8 EXCEPT 127.0.0.2 matches 127.0.0.2, not 127.0.0.3
        hosts.files("", "ALL: ALL EXCEPT 127.0.0.0/8 EXCEPT 127.0.0.2\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.3"));
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "10.1.2.3"));
        hosts.files("", "ALL: ALL except 127.0.0.2\n");
        assertEquals("except ignores case (tcpdmatch: granted)", "allow no rule matched", hosts.verdict("d", "127.0.0.2"));
        hosts.files("", "ALL: EXCEPT 127.0.0.2\n");
        assertEquals("nothing before EXCEPT matches nothing (tcpdmatch: granted)", "allow no rule matched",
                hosts.verdict("d", "127.0.0.3"));
        hosts.files("", "ALL: 127.0.0.2 EXCEPT\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
    }

    // --- daemon patterns ---

    @Test
    public void daemonPatterns() throws IOException {
        // tcpdmatch: "in.*: ALL" matches in.fingerd; "ALL EXCEPT in.fingerd" does not;
        // "79: ALL" does not match a daemon named 79 (a number names the server port)
        hosts.files("", "in.*: ALL\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("in.fingerd", "127.0.0.2"));
        hosts.files("", "ALL EXCEPT in.fingerd: ALL\n");
        assertEquals("allow no rule matched", hosts.verdict("in.fingerd", "127.0.0.2"));
        assertEquals("deny hosts.deny:1", hosts.verdict("in.telnetd", "127.0.0.2"));
        hosts.files("", "ALL EXCEPT in.* EXCEPT in.fingerd: ALL\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("in.fingerd", "127.0.0.2"));
        assertEquals("allow no rule matched", hosts.verdict("in.telnetd", "127.0.0.2"));
        hosts.files("", "79: ALL\n");
        assertTrue(hosts.decide("in.fingerd", "127.0.0.2", 79).reason.endsWith("hosts.deny:1"));
        assertFalse(hosts.decide("in.fingerd", "127.0.0.2", 79).allowed);
        assertTrue(hosts.decide("in.fingerd", "127.0.0.2", 10079).allowed);
        assertTrue(hosts.decide("79", "127.0.0.2", 10079).allowed);
        hosts.files("", "In.FingerD: ALL\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("in.fingerd", "127.0.0.2"));
    }

    @Test
    public void daemonAtHostMatchesTheServerEndpoint() throws IOException {
        // tcpdmatch in.fingerd@127.0.0.1: in.fingerd@127.0.0.1 and in.fingerd@localhost match
        hosts.files("", "in.fingerd@127.0.0.1: ALL\n");
        assertFalse(Matcher.decide(hosts.rules(), hosts.request("in.fingerd", "127.0.0.2", "127.0.0.1", 79)).allowed);
        assertTrue(Matcher.decide(hosts.rules(), hosts.request("in.fingerd", "127.0.0.2", "127.0.0.3", 79)).allowed);
        hosts.files("", "in.fingerd@localhost: ALL\nALL@.foobar.edu: ALL\n");
        assertFalse(Matcher.decide(hosts.rules(), hosts.request("in.fingerd", "127.0.0.2", "127.0.0.1", 79)).allowed);
        Outcome o = Matcher.decide(hosts.rules(), hosts.request("x", "127.0.0.9", "127.0.0.3", 79));
        assertEquals(2, o.rule.line);
    }

    // --- /file patterns ---

    @Test
    public void patternFilesListPatternsAndMayNest() throws IOException {
        java.nio.file.Path list = tmp.newFile("blacklist").toPath();
        java.nio.file.Path inner = tmp.newFile("inner").toPath();
        Hosts.write(list, "10.0.0.1  .example.com\n\t" + inner + "\n");
        Hosts.write(inner, "127.0.0.2\n");
        hosts.files("", "ALL: " + list + "\nin.fingerd: 127.0.0.0/8 EXCEPT " + list + "\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.4"));
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.3"));
        // tcpdmatch: 127.0.0.0/8 EXCEPT /file-listing-127.0.0.2 granted
        assertEquals("deny hosts.deny:2", hosts.verdict("in.fingerd", "127.0.0.3"));
    }

    @Test(timeout = 10_000)
    public void aPatternFileThatIncludesItselfDoesNotHang() throws IOException {
        // tcpdmatch: a file listing 127.0.0.9 and itself crashes it (SIGSEGV, exit 139) for 127.0.0.2
        java.nio.file.Path self = tmp.newFile("self").toPath();
        java.nio.file.Path other = tmp.newFile("other").toPath();
        StringBuilder many = new StringBuilder("127.0.0.9\n");
        for (int i = 0; i < 50; i++) {
            many.append(self).append(' ').append(other).append('\n');
        }
        Hosts.write(self, many.toString());
        Hosts.write(other, self + "\n" + other + "\n127.0.0.3\n");
        hosts.files("", "ALL: " + self + "\n");
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.2"));
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.3"));
        assertTrue(hosts.rules().diagnostics.stream().anyMatch(d -> d.message().contains("includes itself")));
    }

    @Test
    public void aMissingPatternFileMatchesNothing() throws IOException {
        hosts.files("", "ALL: " + tmp.getRoot() + "/nonexistent 127.0.0.3\n");
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.2"));
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.3"));
    }

    // --- order and lookups ---

    @Test
    public void allowFirstThenDenyFirstMatchWinsElseAllow() throws IOException {
        hosts.files("d: 127.0.0.3\nd: 127.0.0.2\nd: ALL\n", "ALL: ALL\n");
        assertEquals("allow hosts.allow:2", hosts.verdict("d", "127.0.0.2"));
        assertEquals("deny hosts.deny:1", hosts.verdict("e", "127.0.0.2"));
        hosts.files("", "");
        assertEquals("allow no rule matched", hosts.verdict("e", "127.0.0.2"));
    }

    @Test
    public void missingFilesCountAsEmpty() {
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.2"));
        assertEquals(RuleSet.Status.MISSING, hosts.rules().allow.status);
    }

    @Test
    public void anUnreadableFileDenies() throws IOException {
        // a directory cannot be read as a file, even by root
        java.nio.file.Files.createDirectory(hosts.allow);
        Hosts.write(hosts.deny, "");
        Outcome o = hosts.decide("d", "127.0.0.2");
        assertFalse(o.allowed);
        assertTrue(o.reason, o.reason.contains("hosts.allow cannot be read"));
        assertTrue(hosts.rules().diagnostics.get(0).isError());
        java.nio.file.Files.delete(hosts.allow);
        Hosts.write(hosts.allow, "d: 127.0.0.2\n");
        java.nio.file.Files.delete(hosts.deny);
        java.nio.file.Files.createDirectory(hosts.deny);
        assertEquals("an allow rule still decides first", "allow hosts.allow:1", hosts.verdict("d", "127.0.0.2"));
        assertFalse(hosts.decide("d", "127.0.0.3").allowed);
    }

    @Test
    public void namesAreLookedUpOnlyWhenARuleNeedsThem() throws IOException {
        hosts.files("d: 127.0.0.2 .foobar.edu\n", "ALL: ALL\n");
        assertEquals("allow hosts.allow:1", hosts.verdict("d", "127.0.0.2"));
        assertEquals(0, hosts.lookups.get());
        assertEquals("allow hosts.allow:1", hosts.verdict("d", "127.0.0.3"));
        assertEquals(1, hosts.lookups.get());
        assertEquals("deny hosts.deny:1", hosts.verdict("e", "127.0.0.3"));
        assertEquals("the daemon list is checked first", 1, hosts.lookups.get());
    }
}
