package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.Diagnostic;

/** The grammar of hosts_access(5) files, as Debian's tcpd reads it; "tcpdmatch:" notes the reference's answer. */
public class HostsParserTest {

    @org.junit.Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final HostsParser parser = new HostsParser(true);

    private List<Integer> lines(HostsParser.Result r) {
        return r.rules.stream().map(x -> x.line).collect(Collectors.toList());
    }

    @Test
    public void rulesCommentsBlankLinesAndContinuations() {
        HostsParser.Result r = parser.parse("hosts.allow", "# comment\n\n   \t\nALL: 127.0.0.1 \\\n  127.0.0.2\n"
                + "sshd: ALL: deny\n");
        assertEquals(List.of(5, 6), lines(r));
        assertTrue(r.diagnostics.isEmpty());
        assertEquals("hosts.allow:6", r.rules.get(1).where());
    }

    @Test
    public void aContinuedRuleAndItsProblemsAreNamedByItsLastLine() {
        // tcpdchk -v: ">>> Rule hosts.allow line 5" for a rule on lines 2-5; tcpdmatch (syslog):
        // "matched:  hosts.allow line 3", "error: hosts.allow, line 3: bad option name" for lines 1-3,
        // and tcpdchk "hosts.allow, line 5: missing ":" separator" for a line without ':' on lines 4-5
        HostsParser.Result r = parser.parse("hosts.allow", "# c\nin.fingerd: \\\n  127.0.0.2 \\\n  127.0.0.3 : \\\n"
                + "  spawn echo hi\nx: ALL\n");
        assertEquals(List.of(5, 6), lines(r));
        assertEquals("hosts.allow:5", r.rules.get(0).where());
        r = parser.parse("hosts.allow", "in.fingerd: \\\n 127.0.0.2 \\\n : bogus\nx \\\n y\n");
        assertEquals(List.of(3), lines(r));
        assertEquals(List.of(3, 5), r.diagnostics.stream().map(Diagnostic::line).collect(Collectors.toList()));
        assertTrue(r.diagnostics.get(0).message(), r.diagnostics.get(0).message().startsWith("bad option name"));
        assertTrue(r.diagnostics.get(1).message(), r.diagnostics.get(1).message().startsWith("missing \":\""));
    }

    @Test
    public void onlyAHashInTheFirstColumnStartsAComment() throws IOException {
        // tcpdmatch: "  # ALL: ALL" is a rule (daemons "#" and "ALL") and denies; "ALL: 127.0.0.1 # 127.0.0.2"
        // matches 127.0.0.2; "# comment \" continues the comment onto the next line
        Hosts hosts = new Hosts(tmp.getRoot().toPath());
        hosts.files("", "  # ALL: ALL\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
        hosts.files("", "ALL: 127.0.0.1 # 127.0.0.2\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
        hosts.files("", "# comment \\\nALL: ALL\n");
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.2"));
    }

    @Test
    public void listsAreSeparatedByBlanksAndCommas() throws IOException {
        // tcpdmatch: "a,b ,, ALL: 127.0.0.1,,127.0.0.2" matches 127.0.0.2
        assertEquals(List.of("a", "b", "ALL"), HostsParser.tokens("a,b ,,\tALL\r"));
        Hosts hosts = new Hosts(tmp.getRoot().toPath());
        hosts.files("", "a,b ,, ALL: 127.0.0.1,,127.0.0.2\r\n");
        assertEquals("deny hosts.deny:1", hosts.verdict("d", "127.0.0.2"));
    }

    @Test
    public void aLineWithoutAColonIsReportedAndTheOthersStillApply() {
        // tcpdmatch: "ALL ALL" is skipped, the next rule applies
        HostsParser.Result r = parser.parse("hosts.deny", "ALL ALL\nALL: ALL\n");
        assertEquals(List.of(2), lines(r));
        assertEquals(1, r.diagnostics.size());
        Diagnostic d = r.diagnostics.get(0);
        assertTrue(d.isError());
        assertEquals(1, d.line());
        assertTrue(d.toString(), d.toString().startsWith("hosts.deny:1: error: missing \":\" separator"));
    }

    @Test
    public void emptyListsWarnAndNeverMatch() throws IOException {
        // tcpdmatch: "ALL:" and ": ALL" grant (the rule matches nothing)
        HostsParser.Result r = parser.parse("f", "ALL:\n: ALL\n");
        assertEquals(2, r.diagnostics.size());
        assertFalse(r.diagnostics.get(0).isError());
        Hosts hosts = new Hosts(tmp.getRoot().toPath());
        hosts.files("", "ALL:\n: ALL\n");
        assertEquals("allow no rule matched", hosts.verdict("d", "127.0.0.2"));
    }

    @Test
    public void patternsThatSeldomMeanWhatTheySeemWarnAsInTcpdchk() {
        // tcpdchk -d: "daemon name begins with "@"", "... begins with "/"", "... begins with dot", "... ends in
        // dot", "FAIL is no longer recognized", "daemon name may be reserved word", "domain or host name ends in
        // dot", "network number begins with dot", "user name begins with "@"", "list is empty or ends in EXCEPT"
        HostsParser.Result r = parser.parse("f", "@ng /x .x x. FAIL KNOWN LOCAL unknown 79: 10.0.0.1\n"
                + "ALL: FAIL example.com. .1.2 0.0.0.0 10.0.0. 10.0.0 @x@y joe@ALL KNOWN@10.\n"
                + "ALL EXCEPT: ALL\n");
        assertEquals(List.of(
                "f:1: warning: daemon list: daemon pattern '@ng' begins with '@': it matches only a daemon of that "
                        + "name; expected a daemon name, a port number or ALL (the servers of a netgroup are written "
                        + "daemon@@netgroup)",
                "f:1: warning: daemon list: daemon pattern '/x' begins with '/': it matches only a daemon of that name; "
                        + "expected the process name, e.g. in.fingerd for /usr/sbin/in.fingerd",
                "f:1: warning: daemon list: daemon pattern '.x' begins with a dot: it matches daemon names that end in "
                        + "'.x'; expected a daemon name",
                "f:1: warning: daemon list: daemon pattern 'x.' ends in a dot: it matches daemon names that begin with "
                        + "'x.'; expected a daemon name",
                "f:1: warning: daemon list: FAIL is no longer recognized and matches only a daemon named FAIL; "
                        + "expected EXCEPT, or the deny option",
                "f:1: warning: daemon list: daemon pattern 'KNOWN' is a host keyword: in a daemon list it matches every"
                        + " daemon; expected ALL or a daemon name",
                "f:1: warning: daemon list: daemon pattern 'LOCAL' is a host keyword: in a daemon list it matches only "
                        + "a daemon of that name; expected a daemon name",
                "f:2: warning: client list: FAIL is no longer recognized and matches only a host named FAIL; expected "
                        + "EXCEPT, or the deny option",
                "f:2: warning: client list: 'example.com.' ends in a dot: it matches host names that begin with "
                        + "'example.com.', not the host example.com; expected the name without the final dot",
                "f:2: warning: client list: '.1.2' begins with a dot: it matches addresses that end in '.1.2'; expected"
                        + " a network prefix that ends in a dot (10.1.) or a net/mask",
                "f:2: warning: client list: '10.0.0' is neither an IPv4 address (n.n.n.n) nor a network prefix that "
                        + "ends in a dot (n.n.n.), so it never matches",
                "f:2: warning: client list: user pattern '@x' begins with '@': it matches only a user of that name; "
                        + "expected a user name, KNOWN, UNKNOWN or ALL before the '@'",
                "f:3: warning: daemon list: ends in EXCEPT, which excepts nothing: the list matches what the patterns "
                        + "before EXCEPT match; expected patterns after EXCEPT"),
                r.diagnostics.stream().map(Diagnostic::toString).collect(Collectors.toList()));
        assertEquals("every rule still applies", 3, r.rules.size());
    }

    @Test
    public void theLastLineNeedsNoNewline() throws IOException {
        // tcpdmatch: "ALL: ALL" without a newline denies
        assertEquals(1, parser.parse("f", "ALL: ALL").rules.size());
    }

    @Test
    public void colonsInsideBracketsDoNotSeparate() {
        HostsParser.Result r = parser.parse("f", "ALL: [::1] [fe80::]/10: spawn echo %a\n");
        assertEquals(1, r.rules.size());
        assertEquals(1, r.rules.get(0).options.size());
        assertEquals("spawn echo %a", r.rules.get(0).options.get(0).toString());
    }

    @Test
    public void optionsAreSplitOnColonsWithBackslashColonAsAColon() {
        Rule rule = parser.parse("f", "ALL: ALL: setenv A b\\:c : umask=022: nice : twist echo a\\:b\n").rules.get(0);
        assertNull(rule.optionError);
        assertEquals("[setenv A b:c, umask 022, nice, twist echo a:b]", rule.options.toString());
    }

    @Test
    public void badOptionsAreErrorsAndTheRuleDeniesWhenItMatches() {
        // tcpdmatch: each of these denies
        String[] bad = {"bogus", "allow: spawn x", "umask 999", "deny=x", "keepalive yes", "spawn", "linger -1",
            "nice x", "rfc931 0", "severity loud", "twist a: allow", "allow::deny", " "};
        for (String options : bad) {
            HostsParser.Result r = parser.parse("hosts.allow", "# x\nALL: ALL: " + options + "\n");
            assertEquals(options, 1, r.rules.size());
            assertTrue(options, r.rules.get(0).optionError != null);
            assertEquals(options, 2, r.diagnostics.get(0).line());
            assertTrue(options, r.diagnostics.get(0).isError());
        }
        for (String options : new String[] {"severity mail.info", "severity NOTICE", "rfc931", "rfc931 3", "nice -5",
            "linger 0", "user nobody.nogroup", "group kmem", "banners /x", "keepalive", "ALLOW", "aclexec true"}) {
            assertNull(options, parser.parse("f", "ALL: ALL: " + options + "\n").rules.get(0).optionError);
        }
    }

    @Test(timeout = 60_000)
    public void aHundredThousandLineFileParsesAndMatches() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            int a = i % 250;
            int b = i / 250;
            text.append("in.d").append(i % 7).append(", 10").append(i).append(": 10.").append(b).append('.').append(a)
                    .append(".1 .host").append(i).append(".example.com: spawn echo %a\n");
        }
        text.append("ALL: 127.0.0.2\n");
        HostsParser.Result r = parser.parse("big", text.toString());
        assertEquals(100_001, r.rules.size());
        assertTrue(r.diagnostics.isEmpty());
        Hosts hosts = new Hosts(tmp.getRoot().toPath());
        hosts.files("", text.toString());
        assertEquals("deny hosts.deny:100001", hosts.verdict("in.d1", "127.0.0.2"));
    }

    @Test
    public void netMasksTcpdRejectsAreReportedAsNeverMatchingWithTheReason() {
        // tcpdchk (syslog): "warning: hosts.deny, line N: <pattern>: bad net/mask pattern" for each of
        // these; none for 127.0.0.0/8, 0177.0.0.0/8 or [::1]/abc
        HostsParser.Result r = parser.parse("hosts.deny", "ALL: 127.0.0.2/255.255.255.255\n"
                + "ALL: 255.255.255.255/255.255.255.0\nALL: 0.0.0.0/0\nALL: 127.0.0.0/33\nALL: 127.0.0.0/abc\n"
                + "ALL: [::1]/129\nALL: foo/24\nALL: 127.0.0.0/8 0177.0.0.0/8 0.0.0.0/0.0.0.0\n");
        List<String> warnings = r.diagnostics.stream().map(d -> d.line() + " " + d.message())
                .collect(Collectors.toList());
        assertEquals(warnings.toString(), 7, warnings.size());
        assertTrue(r.diagnostics.stream().noneMatch(Diagnostic::isError));
        assertTrue(warnings.get(0), warnings.get(0).startsWith("1 bad net/mask pattern '127.0.0.2/255.255.255.255',"
                + " never matches (as in tcpd): tcpd reads the mask 255.255.255.255 with inet_addr(), which gives its"
                + " error value for it; expected the address alone or with /32, e.g. 127.0.0.2 or 127.0.0.2/32"));
        assertTrue(warnings.get(1), warnings.get(1).startsWith("2 bad net/mask pattern '255.255.255.255/255.255.255.0',"
                + " never matches (as in tcpd): tcpd reads the net 255.255.255.255"));
        assertTrue(warnings.get(2), warnings.get(2).startsWith("3 bad net/mask pattern '0.0.0.0/0', never matches (as"
                + " in tcpd): tcpd takes prefix lengths 1 to 32 only; expected 0.0.0.0/0.0.0.0 to match every IPv4"
                + " client, or ALL"));
        assertTrue(warnings.get(3), warnings.get(3).startsWith("4 bad net/mask pattern '127.0.0.0/33'"));
        assertTrue(warnings.get(4), warnings.get(4).startsWith("5 bad net/mask pattern '127.0.0.0/abc'"));
        assertTrue(warnings.get(5), warnings.get(5).startsWith("6 bad IPv6 pattern '[::1]/129'"));
        assertTrue(warnings.get(6), warnings.get(6).startsWith("7 bad net/mask pattern 'foo/24', never matches (as in"
                + " tcpd): 'foo' is not an IPv4 address"));
    }

    @Test
    public void aPrefixLengthThatIsNotADecimalNumberSaysHowItIsRead() {
        HostsParser.Result r = parser.parse("hosts.deny", "ALL: 10.0.0.0/8x [::1]/abc [2001:db8::]/32\n");
        List<String> warnings = r.diagnostics.stream().map(Diagnostic::message).collect(Collectors.toList());
        assertEquals(warnings.toString(), 2, warnings.size());
        assertTrue(warnings.get(0), warnings.get(0).startsWith("net/mask pattern '10.0.0.0/8x': tcpd reads the prefix"
                + " length '8x' as 8"));
        assertTrue(warnings.get(1), warnings.get(1).startsWith("IPv6 pattern '[::1]/abc': tcpd reads the prefix length"
                + " 'abc' as 0, so it matches every IPv6 client"));
    }

    @Test
    public void anIpv4MappedPatternIsReportedAsNeverMatchingForThatReason() {
        HostsParser.Result r = parser.parse("hosts.deny", "ALL: [::ffff:10.0.0.1] [::ffff:0:0]/96 [zz::1]\n");
        List<String> warnings = r.diagnostics.stream().map(Diagnostic::message).collect(Collectors.toList());
        assertEquals(warnings.toString(), 3, warnings.size());
        assertTrue(warnings.get(0), warnings.get(0).startsWith("IPv4-mapped pattern '[::ffff:10.0.0.1]' never matches: "
                + "Java hands a client at ::ffff:a.b.c.d over as the IPv4 address a.b.c.d"));
        assertTrue(warnings.get(1), warnings.get(1).startsWith("IPv4-mapped pattern '[::ffff:0:0]/96' never matches"));
        assertTrue(warnings.get(2), warnings.get(2).startsWith("bad IPv6 pattern '[zz::1]'"));
        assertFalse(r.diagnostics.get(0).isError());
    }
}
