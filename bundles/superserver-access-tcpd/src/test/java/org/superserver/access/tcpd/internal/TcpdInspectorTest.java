package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import java.time.Instant;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Diagnostic;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.PolicyInspector.Explanation;

/**
 * tcpdmatch and tcpdchk over real files: each expected report was first produced by Debian's
 * {@code tcpdmatch -d} (7.6.q-32) over the same rules in a scratch directory, its syslog lines
 * ({@code matched:}, {@code option:}, warnings) on stderr.
 */
public class TcpdInspectorTest {

    @org.junit.Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final List<String> started = Collections.synchronizedList(new ArrayList<>());
    private Hosts hosts;
    private TcpdPolicy policy;
    private TcpdInspector inspector;

    @Before
    public void setUp() throws IOException {
        hosts = new Hosts(tmp.getRoot().toPath()).name("127.0.0.1", "localhost");
        hosts.files("", "");
        load();
    }

    @After
    public void tearDown() {
        executor.shutdownNow();
    }

    private void load() {
        NameCache names = new NameCache(hosts, executor, 30_000, 100, System::nanoTime);
        // A shell that records and then really runs the command: anything started would leave a trace.
        policy = new TcpdPolicy(hosts.allow, hosts.deny, 1000, false, names, executor, null,
                (l, r, t) -> Request.UNKNOWN, (command, env) -> {
                    started.add(command);
                    return TcpdPolicy.SH.start(command, env);
                }, 0);
        policy.reload();
        inspector = new TcpdInspector(policy, executor, hosts, null, 1000);
    }

    private String allow(int line) {
        return "matched:  " + hosts.allow + " line " + line;
    }

    private String deny(int line) {
        return "matched:  " + hosts.deny + " line " + line;
    }

    @Test
    public void anAddressIsCheckedAsIfItsNameLookupFailedAndTheDecidingRuleIsNamed() throws IOException {
        // tcpdmatch -d in.fingerd 127.0.0.1, hosts.deny "in.fingerd: localhost\nin.fingerd: ALL"
        hosts.files("", "in.fingerd: localhost\nin.fingerd: ALL\n");
        load();
        Explanation e = inspector.explain("in.fingerd", "127.0.0.1");
        assertEquals(List.of(
                "client:   address  127.0.0.1",
                "server:   process  in.fingerd",
                deny(2),
                "access:   denied"), e.report());
        assertFalse(e.allowed());
        assertEquals(hosts.deny + ":2", e.rule());
        assertEquals("no name lookup for a client given by address", 0, hosts.lookups.get());
    }

    @Test
    public void aContinuedRuleIsNamedByItsLastLine() throws IOException {
        // tcpdmatch -d in.fingerd 127.0.0.2, hosts.allow "in.fingerd: \\\n 127.0.0.2 \\\n : bogus":
        // "matched:  hosts.allow line 3", "error: hosts.allow, line 3: bad option name: "bogus"", denied
        hosts.files("in.fingerd: \\\n 127.0.0.2 \\\n : bogus\n", "");
        load();
        Explanation e = inspector.explain("in.fingerd", "127.0.0.2");
        assertEquals(allow(3), e.report().get(2));
        assertTrue(e.report().get(3), e.report().get(3).startsWith("error: " + hosts.allow + ", line 3: bad option name"));
        assertEquals("access:   denied", e.report().get(4));
        assertEquals(hosts.allow + ":3", e.rule());
    }

    @Test
    public void withoutAMatchingRuleAccessIsGrantedAndNoRuleIsNamed() throws IOException {
        hosts.files("in.ftpd: ALL\n", "in.ftpd: ALL\n");
        load();
        Explanation e = inspector.explain("in.fingerd", "::1");
        assertEquals(List.of(
                "client:   address  ::1",
                "server:   process  in.fingerd",
                "access:   granted"), e.report());
        assertTrue(e.allowed());
        assertNull(e.rule());
    }

    @Test(timeout = 20_000)
    public void optionsAreShownExpandedAndNothingRuns() throws Exception {
        Path spawned = tmp.getRoot().toPath().resolve("spawned");
        Path acl = tmp.getRoot().toPath().resolve("aclexec");
        Path banners = tmp.newFolder("banners").toPath();
        Files.writeString(banners.resolve("in.fingerd"), "hello %a\n");
        hosts.files("in.fingerd: 127.0.0.2: aclexec touch " + acl + ": spawn touch " + spawned + " %a %d"
                + ": banners " + banners + ": setenv WHO %a: user nobody.nogroup: keepalive: allow\n", "");
        load();
        Explanation e = inspector.explain("in.fingerd", "127.0.0.2");
        assertEquals(List.of(
                "client:   address  127.0.0.2",
                "server:   process  in.fingerd",
                allow(1),
                "option:   aclexec touch " + acl,
                "option:   spawn touch " + spawned + " 127.0.0.2 in.fingerd",
                "option:   banners " + banners,
                "option:   setenv WHO 127.0.0.2",
                "option:   user nobody.nogroup",
                "option:   keepalive",
                "option:   allow",
                "access:   granted"), e.report());
        assertTrue(e.allowed());
        Thread.sleep(300);
        assertEquals(List.of(), started);
        assertFalse(Files.exists(spawned));
        assertFalse(Files.exists(acl));
    }

    @Test(timeout = 20_000)
    public void twistIsShownAsDelegatedAndNotRun() throws Exception {
        // tcpdmatch -d in.telnetd 10.0.0.1, hosts.allow "ALL: 10.0.0.1: twist touch /tmp/x"
        Path x = tmp.getRoot().toPath().resolve("x");
        hosts.files("ALL: 10.0.0.1: twist touch " + x + "\n", "ALL: ALL\n");
        load();
        Explanation e = inspector.explain("in.telnetd", "10.0.0.1");
        assertEquals(List.of(
                "client:   address  10.0.0.1",
                "server:   process  in.telnetd",
                allow(1),
                "option:   twist touch " + x,
                "access:   delegated"), e.report());
        assertFalse("a twisted client does not reach the server", e.allowed());
        assertEquals(hosts.allow + ":1", e.rule());
        Thread.sleep(300);
        assertEquals(List.of(), started);
        assertFalse(Files.exists(x));
    }

    @Test
    public void aHostNameIsCheckedOncePerAddressWithTheVerifiedNameOfEach() throws IOException {
        // tcpdmatch: "When a client host name is specified, tcpdmatch gives a prediction for each address"
        hosts.name("127.0.0.2", "multi.foobar.edu").name("127.0.0.3", "multi.foobar.edu");
        hosts.files("in.fingerd: .foobar.edu EXCEPT 127.0.0.3: spawn echo %h\n", "in.fingerd: ALL\n");
        load();
        Explanation e = inspector.explain("in.fingerd", "multi.foobar.edu");
        List<String> report = new ArrayList<>(e.report());
        int blank = report.indexOf("");
        assertTrue(report.toString(), blank > 0);
        List<String> first = report.subList(0, blank);
        List<String> second = report.subList(blank + 1, report.size());
        String firstAddress = first.get(1).substring("client:   address  ".length());
        List<String> allowed = List.of(
                "client:   hostname multi.foobar.edu",
                "client:   address  127.0.0.2",
                "server:   process  in.fingerd",
                allow(1),
                "option:   spawn echo multi.foobar.edu",
                "access:   granted");
        List<String> denied = List.of(
                "client:   hostname multi.foobar.edu",
                "client:   address  127.0.0.3",
                "server:   process  in.fingerd",
                deny(1),
                "access:   denied");
        assertEquals(firstAddress.equals("127.0.0.2") ? allowed : denied, first);
        assertEquals(firstAddress.equals("127.0.0.2") ? denied : allowed, second);
        assertFalse("one address denied: the name is not let in everywhere", e.allowed());
        assertEquals(hosts.deny + ":1", e.rule());
    }

    @Test
    public void anAddressWithoutANameIsWarnedAboutWhenTheNameWasGiven() throws IOException {
        // tcpdmatch: "warning: host address 10.1.1.1->name lookup failed" for a server given as an address
        hosts.files("", "in.ftpd@UNKNOWN: ALL\n");
        load();
        Explanation e = inspector.explain("in.ftpd@10.1.1.1", "127.0.0.1");
        assertEquals(List.of(
                "warning: host address 10.1.1.1->name lookup failed",
                "client:   address  127.0.0.1",
                "server:   address  10.1.1.1",
                "server:   process  in.ftpd",
                deny(1),
                "access:   denied"), e.report());
    }

    @Test
    public void theUserAndTheServerAreShownAndMatchedAsTcpdmatchDoes() throws IOException {
        // tcpdmatch -d in.ftpd@127.0.0.1 joe@10.1.1.1
        hosts.files("", "in.ftpd@localhost: joe@ALL: spawn echo %c %s %u %h\n");
        load();
        Explanation e = inspector.explain("in.ftpd@127.0.0.1", "joe@10.1.1.1");
        assertEquals(List.of(
                "client:   address  10.1.1.1",
                "client:   username joe",
                "server:   hostname localhost",
                "server:   address  127.0.0.1",
                "server:   process  in.ftpd",
                deny(1),
                "option:   spawn echo joe@10.1.1.1 in.ftpd@localhost joe 10.1.1.1",
                "access:   denied"), e.report());
        assertEquals("another user does not match", List.of("client:   address  10.1.1.1", "client:   username ann",
                "server:   hostname localhost", "server:   address  127.0.0.1", "server:   process  in.ftpd",
                "access:   granted"), inspector.explain("in.ftpd@localhost", "ann@10.1.1.1").report());
    }

    @Test
    public void unknownAndParanoidStandForAClientWithoutAnAddress() throws IOException {
        // tcpdmatch -d sshd paranoid / sshd unknown
        hosts.files("", "sshd: PARANOID\nALL: UNKNOWN: spawn echo %a %h %n\n");
        load();
        assertEquals(List.of(
                "client:   hostname paranoid",
                "server:   process  sshd",
                deny(1),
                "access:   denied"), inspector.explain("sshd", "paranoid").report());
        assertEquals(List.of(
                "server:   process  sshd",
                deny(2),
                "option:   spawn echo unknown unknown unknown",
                "access:   denied"), inspector.explain("sshd", "unknown").report());
    }

    @Test
    public void aBadOptionIsAnErrorAfterTheOptionsBeforeItAndDenies() throws IOException {
        // tcpdmatch: "error: hosts.allow, line 2: bad option name: "bogus"", access denied
        hosts.files("# options\nftpd: ALL: setenv A b: bogus x\n", "");
        load();
        List<String> report = inspector.explain("ftpd", "10.1.1.1").report();
        assertEquals(List.of(
                "client:   address  10.1.1.1",
                "server:   process  ftpd",
                allow(2),
                "option:   setenv A b"), report.subList(0, 4));
        assertTrue(report.get(4), report.get(4).startsWith("error: " + hosts.allow + ", line 2: bad option name \"bogus\";"));
        assertEquals("access:   denied", report.get(5));
        assertEquals(6, report.size());
    }

    @Test
    public void problemsOfTheLinesReadOnTheWayAreReportedBeforeTheMatch() throws IOException {
        // tcpdmatch: "warning: hosts.allow, line 1: missing ":" separator" before "matched:  hosts.allow line 2"
        hosts.files("bad line\nALL: 10.0.0.1: allow\nlater line\n", "");
        load();
        List<String> report = inspector.explain("x", "10.0.0.1").report();
        assertTrue(report.get(2), report.get(2).startsWith("error: " + hosts.allow + ", line 1: missing \":\" separator"));
        assertEquals(List.of(allow(2), "option:   allow", "access:   granted"), report.subList(3, report.size()));
    }

    @Test
    public void anUnreadableFileDeniesAndSaysWhy() throws IOException {
        Files.delete(hosts.deny);
        Files.createDirectory(hosts.deny);
        load();
        Explanation e = inspector.explain("x", "10.0.0.1");
        String error = e.report().get(2);
        assertTrue(error, error.startsWith("error: " + hosts.deny + " cannot be read") && error.endsWith("(fail closed)"));
        assertEquals("access:   denied", e.report().get(3));
        assertFalse(e.allowed());
        assertNull(e.rule());
    }

    @Test
    public void argumentsThatCannotBeUnderstoodAreRefusedWithWhatWouldBeRight() {
        hosts.name("127.0.0.2", "twice.foobar.edu").name("127.0.0.3", "twice.foobar.edu");
        String[][] bad = {
            {"", "10.0.0.1", "no daemon name"},
            {"@10.0.0.1", "10.0.0.1", "no daemon name"},
            {"in.ftpd@", "10.0.0.1", "no server"},
            {"in.ftpd", "", "no client host"},
            {"in.ftpd", "joe@", "no client host"},
            {"in.ftpd", "@10.0.0.1", "no user"},
            {"in.ftpd", "10.0.0", "client '10.0.0' is not an address"},
            {"in.ftpd", "nosuch.foobar.edu", "nosuch.foobar.edu: host not found"},
            {"in.ftpd@twice.foobar.edu", "10.0.0.1", "twice.foobar.edu has more than one address"},
        };
        for (String[] b : bad) {
            try {
                inspector.explain(b[0], b[1]);
                fail(b[0] + " " + b[1]);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith(b[2]));
            }
        }
    }

    @Test
    public void checkReadsTheFilesAsTheyAreNowAndLeavesTheRulesInEffect() throws IOException {
        hosts.files("ALL: 10.0.0.1\n", "");
        load();
        RuleSet inEffect = policy.rules();
        // tcpdchk -d over the same files: missing ":" separator (1), bad option (2), "10.0.0" (host not
        // found), FAIL, "daemon list is empty or ends in EXCEPT", "client list is empty or ends in EXCEPT"
        hosts.files("bad line\nx: ALL: umask 999\n", "ALL: 10.0.0 FAIL\nEXCEPT x: ALL\nin.ftpd: ALL EXCEPT\n");
        List<String> found = inspector.check().stream().map(Diagnostic::toString).collect(Collectors.toList());
        String a = hosts.allow.toString();
        String d = hosts.deny.toString();
        assertEquals(List.of(
                a + ":1: error: missing \":\" separator, rule skipped; expected daemon_list : client_list [: option : ...]",
                a + ":2: error: option: bad umask value \"999\"; expected an octal number up to 777, e.g. 022; the rule"
                        + " denies when it matches, as tcpd does",
                d + ":1: warning: client list: '10.0.0' is neither an IPv4 address (n.n.n.n) nor a network prefix that"
                        + " ends in a dot (n.n.n.), so it never matches",
                d + ":1: warning: client list: FAIL is no longer recognized and matches only a host named FAIL; "
                        + "expected EXCEPT, or the deny option",
                d + ":2: warning: daemon list: begins with EXCEPT, the rule never matches; expected patterns before "
                        + "EXCEPT",
                d + ":3: warning: client list: ends in EXCEPT, which excepts nothing: the list matches what the "
                        + "patterns before EXCEPT match; expected patterns after EXCEPT"), found);
        assertSame("the rules in effect stay", inEffect, policy.rules());
        Explanation e = inspector.explain("x", "10.0.0.1");
        assertTrue(e.report().get(0), e.report().get(0).startsWith("warning: " + a + " or " + d));
        assertTrue(e.report().get(0), e.report().get(0).endsWith("changed on disk after it was read; this is what "
                + "the rules in effect decide"));
        assertEquals(allow(1), e.report().get(3));
        hosts.files("", "");
        assertEquals(List.of(), inspector.check());
    }

    @Test
    public void explainingKeepsNoIndexViewsForTheDaemonNamesTyped() throws IOException {
        hosts.files("", "sshd: 10.0.0.1\n");
        load();
        RuleSet rules = policy.rules();
        Matcher.decide(rules, hosts.request("sshd", "10.0.0.1", "127.0.0.1", 22));
        assertTrue(rules.deny.index.hasView("sshd", 22));
        // More names than the index keeps views for: none of them may push the connections' view out.
        for (int i = 0; i < 2000; i++) {
            assertTrue(inspector.explain("daemon" + i, "10.0.0.1").allowed());
        }
        assertFalse(inspector.explain("sshd", "10.0.0.1").allowed());
        assertFalse(rules.deny.index.hasView("daemon0", 0));
        assertFalse(rules.deny.index.hasView("daemon1999", 0));
        assertFalse(rules.deny.index.hasView("sshd", 0));
        assertTrue(rules.deny.index.hasView("sshd", 22));
        hosts.files("", "sshd: 10.0.0.2\n");
        RuleSet next = policy.reload();
        assertTrue(next.deny.index.hasView("sshd", 22));
        assertFalse(next.deny.index.hasView("daemon0", 0));
    }

    @Test
    public void theShellsLookupsRunOnTheirOwnExecutorAndAreNotKeptForConnections() throws Exception {
        hosts.files("", "in.fingerd: localhost\n");
        load();
        AtomicInteger ran = new AtomicInteger();
        ExecutorService own = Executors.newSingleThreadExecutor();
        try {
            TcpdInspector apart = new TcpdInspector(policy, task -> {
                ran.incrementAndGet();
                own.execute(task);
            }, hosts, null, 1000);
            assertFalse(apart.explain("in.fingerd", "localhost").allowed());
            assertTrue("the inspector's lookups ran on its executor", ran.get() > 0);
            int lookups = hosts.lookups.get();
            ConnectionInfo c = new ConnectionInfo("id", "finger", Protocol.TCP, Hosts.endpoint("127.0.0.1", 79),
                    Hosts.endpoint("127.0.0.1", 40001), Instant.now());
            ServiceDefinition finger = ServiceDefinition.builder().name("finger").socketType(SocketType.STREAM)
                    .protocol(Protocol.TCP).port(79).server("/usr/sbin/tcpd").argv(List.of("in.fingerd")).build();
            assertFalse(policy.check(c, finger).toCompletableFuture().get(10, TimeUnit.SECONDS).isAllowed());
            assertTrue("the connection looked the name up itself", hosts.lookups.get() > lookups);
        } finally {
            own.shutdownNow();
        }
    }
}
