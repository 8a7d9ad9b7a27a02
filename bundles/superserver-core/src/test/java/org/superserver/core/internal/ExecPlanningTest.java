package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;
import org.superserver.api.SocketType;
import org.superserver.core.internal.Accounts.Account;

/** The pure parts of exec'd services: identity, command line, environment, rate limit. */
public class ExecPlanningTest {

    private static final Account ROOT = new Account("root", 0, 0, "/root", "/bin/bash");
    private static final Account ALICE = new Account("alice", 1000, 1000, "/home/alice", "/bin/bash");
    private static final Account NOBODY = new Account("nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin");

    /** root, alice (a member of staff and audio), nobody; groups root, daemon, staff, audio, nogroup. */
    static final Accounts.Directory ACCOUNTS = new Accounts.Directory() {
        @Override
        public Optional<Account> user(String name) {
            return List.of(ROOT, ALICE, NOBODY).stream().filter(a -> a.name().equals(name)).findFirst();
        }

        @Override
        public Optional<Integer> group(String name) {
            return Map.of("root", 0, "daemon", 1, "staff", 50, "audio", 29, "nogroup", 65534).entrySet().stream()
                    .filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst();
        }

        @Override
        public List<Integer> groupList(String user, int gid) {
            List<Integer> list = new ArrayList<>(List.of(gid));
            if (user.equals("alice")) {
                for (int member : new int[] {50, 29}) {
                    if (member != gid) {
                        list.add(member);
                    }
                }
            }
            return list;
        }
    };

    private static Identity decide(Account server, String user, String group) {
        return Identity.decide(server, user, group, ACCOUNTS);
    }

    @Test
    public void rootServerSwitchesToTheNamedUserAndItsPrimaryGroup() {
        Identity id = decide(ROOT, "nobody", null);
        assertTrue(id.switched());
        assertEquals(NOBODY, id.account());
        assertEquals(65534, id.gid());
    }

    @Test
    public void rootServerRunsRootLinesWithoutASwitchEvenForAnotherGroupAsInetdDoes() {
        assertFalse(decide(ROOT, "root", null).switched());
        assertFalse(decide(ROOT, null, null).switched());
        // openbsd-inetd changes no id for root, whatever group the line names
        Identity staff = decide(ROOT, "root", "staff");
        assertFalse(staff.switched());
        assertEquals(0, staff.gid());
    }

    @Test
    public void ordinaryServerRefusesAnotherUserIncludingRoot() {
        Identity nobody = decide(ALICE, "nobody", null);
        assertTrue(nobody.isRefused());
        assertTrue(nobody.refusal(), nobody.refusal().contains("not root")
                && nobody.refusal().contains("user nobody"));
        assertTrue(decide(ALICE, "root", null).isRefused());
        assertTrue(decide(ALICE, "alice", "staff").isRefused());
    }

    @Test
    public void ordinaryServerRunsItsOwnUserWithoutASwitch() {
        Identity own = decide(ALICE, "alice", null);
        assertFalse(own.isRefused());
        assertFalse(own.switched());
        assertFalse(decide(ALICE, null, null).switched());
    }

    @Test
    public void unknownUserOrGroupIsRefusedByName() {
        assertEquals("user ghost does not exist (getpwnam found no entry)", decide(ROOT, "ghost", null).refusal());
        assertEquals("group ghosts does not exist (getgrnam found no entry)",
                decide(ROOT, "nobody", "ghosts").refusal());
        assertTrue(decide(ROOT, "ghost", null).unknown());
        assertTrue(decide(ALICE, "ghost", null).unknown());
        assertFalse(decide(ALICE, "nobody", null).unknown());
    }

    @Test
    public void supplementaryGroupsAreThoseOfInitgroupsWithTheNamedGroupNotThePrimaryOne() {
        assertEquals(List.of(1), decide(ROOT, "nobody", "daemon").groups());
        assertEquals(List.of(65534), decide(ROOT, "nobody", null).groups());
        assertEquals(List.of(1000, 50, 29), decide(ROOT, "alice", null).groups());
        assertEquals(List.of(1, 50, 29), decide(ROOT, "alice", "daemon").groups());
        assertEquals(List.of(), decide(ROOT, "root", "staff").groups());
        assertEquals(List.of(), decide(ROOT, "root", null).groups());
    }

    @Test
    public void anUnknownUserGivesAnUnresolvedProgramAndARefusedIdentityStillThrows() {
        Program ghost = Program.prepare(stream("/bin/cat", "cat").user("ghost").build(), ROOT, Map.of(), ACCOUNTS);
        assertFalse(ghost.resolved());
        assertEquals("user ghost does not exist (getpwnam found no entry)", ghost.unresolved());
        assertEquals("ghost", ghost.userName());
        IllegalArgumentException refused = org.junit.Assert.assertThrows(IllegalArgumentException.class,
                () -> Program.prepare(stream("/bin/cat", "cat").user("nobody").build(), ALICE, Map.of(), ACCOUNTS));
        assertTrue(refused.getMessage(), refused.getMessage().contains("not root"));
        Program nobody = Program.prepare(stream("/bin/cat", "cat").user("nobody").build(), ROOT, Map.of(), ACCOUNTS);
        assertTrue(nobody.resolved());
    }

    private static org.superserver.api.ServiceDefinition.Builder stream(String server, String... argv) {
        return org.superserver.api.ServiceDefinition.builder().id("s").name("s").socketType(SocketType.STREAM)
                .protocol(org.superserver.api.Protocol.TCP).port(0).server(server).argv(List.of(argv))
                .origin("test:1");
    }

    @Test
    public void unswitchedCommandIsTheServerWithItsOwnArgv() {
        Program.Command c = Program.command("/usr/sbin/in.fingerd", List.of("in.fingerd", "-w"),
                decide(ROOT, "root", null));
        assertEquals("/usr/sbin/in.fingerd", c.path());
        assertEquals(List.of("in.fingerd", "-w"), c.argv());
    }

    @Test
    public void switchedCommandGoesThroughSetprivAndKeepsArgv0ThroughPerl() {
        Program.Command c = Program.command("/usr/sbin/in.fingerd", List.of("in.fingerd", "-w"),
                decide(ROOT, "nobody", null));
        assertEquals(Program.SETPRIV, c.path());
        assertEquals(List.of("setpriv", "--reuid=65534", "--regid=65534", "--groups=65534", "--", Program.PERL, "-e",
                Program.ARGV0_SCRIPT, "/usr/sbin/in.fingerd", "in.fingerd", "-w"), c.argv());
        Program.Command same = Program.command("/bin/cat", List.of("/bin/cat"), decide(ROOT, "nobody", "daemon"));
        assertEquals(List.of("setpriv", "--reuid=65534", "--regid=1", "--groups=1", "--", "/bin/cat"), same.argv());
        Program.Command alice = Program.command("/bin/cat", List.of("/bin/cat"), decide(ROOT, "alice", null));
        assertEquals("--groups=1000,50,29", alice.argv().get(3));
    }

    @Test
    public void onlyAllowListedVariablesOfTheServersEnvironmentPassThenTheAccountTheClientAndTheExtras() {
        Map<String, String> server = new java.util.HashMap<>();
        for (String name : List.of("LD_PRELOAD", "BASH_ENV", "PERL5OPT", "JAVA_TOOL_OPTIONS", "GCONV_PATH",
                "MALLOC_CHECK_", "MALLOC_ARENA_MAX", "AWS_SECRET_ACCESS_KEY", "PATH", "HOME", "TERM", "TMPDIR",
                "TCPREMOTEIP", "USER", "PYTHONPATH", "IFS", "ENV", "LC", "LC_")) {
            server.put(name, "from-the-server");
        }
        server.put("LANG", "C.UTF-8");
        server.put("TZ", "Europe/Berlin");
        server.put("LC_ALL", "C");
        server.put("LC_TIME", "de_DE.UTF-8");
        server.put("ORACLE_HOME", "/opt/oracle");
        Map<String, String> base = ChildEnvironment.base(server, List.of(), NOBODY);
        assertEquals(Map.of("LANG", "C.UTF-8", "TZ", "Europe/Berlin", "LC_ALL", "C", "LC_TIME", "de_DE.UTF-8",
                "PATH", ChildEnvironment.PATH, "HOME", "/nonexistent", "SHELL", "/usr/sbin/nologin", "USER", "nobody",
                "LOGNAME", "nobody"), base);
        Map<String, String> passing = ChildEnvironment.base(server, List.of("ORACLE_HOME", "PATH", "NOT_SET"), NOBODY);
        assertEquals("/opt/oracle", passing.get("ORACLE_HOME"));
        assertEquals("a name passenv lists passes the server's value", "from-the-server", passing.get("PATH"));
        assertFalse(passing.containsKey("NOT_SET"));
        assertFalse(passing.containsKey("BASH_ENV"));
        List<String> env = ChildEnvironment.of(base, Map.of("EXTRA", "1", "PATH", "/only"), SocketType.STREAM,
                new InetSocketAddress("127.0.0.1", 79), new InetSocketAddress("10.0.0.2", 40000),
                Map.of("FROM_POLICY", "yes"));
        for (String expected : List.of("PROTO=TCP", "TCPREMOTEIP=10.0.0.2", "TCPREMOTEPORT=40000",
                "TCPLOCALIP=127.0.0.1", "TCPLOCALPORT=79", "REMOTE_HOST=10.0.0.2", "REMOTE_ADDR=10.0.0.2",
                "REMOTE_PORT=40000", "EXTRA=1", "PATH=/only", "FROM_POLICY=yes", "LANG=C.UTF-8")) {
            assertTrue(expected + " in " + env, env.contains(expected));
        }
        List<String> udp = ChildEnvironment.of(base, Map.of(), SocketType.DGRAM,
                new InetSocketAddress("::1", 69), new InetSocketAddress("::1", 5000), Map.of());
        assertTrue(udp.toString(), udp.contains("PROTO=UDP") && udp.contains("UDPREMOTEIP=0:0:0:0:0:0:0:1")
                && udp.contains("UDPLOCALPORT=69") && udp.contains("REMOTE_PORT=5000"));
        List<String> waiting = ChildEnvironment.of(base, Map.of(), SocketType.STREAM,
                new InetSocketAddress("127.0.0.1", 79), null, Map.of());
        assertTrue(waiting.toString(), waiting.stream().noneMatch(e -> e.startsWith("REMOTE_")
                || e.startsWith("TCPREMOTE")));
    }

    @Test
    public void rateLimitAllowsMaxInvocationsPerSlidingMinute() {
        RateLimit limit = new RateLimit(3);
        long t = 1_000_000_000L;
        assertTrue(limit.admit(t));
        assertTrue(limit.admit(t + 1));
        assertTrue(limit.admit(t + 2));
        assertFalse(limit.admit(t + 3));
        assertFalse(limit.admit(t + RateLimit.WINDOW_NANOS - 1));
        assertTrue(limit.admit(t + RateLimit.WINDOW_NANOS));
        assertFalse(limit.admit(t + RateLimit.WINDOW_NANOS));
        RateLimit none = new RateLimit(0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(none.admit(t));
        }
    }

    @Test
    public void exitStatusIsDescribedAsExitOrSignal() {
        assertEquals("exit 0", new Reaper.Exit(1, 0, 0).describe());
        assertEquals("exit 3", new Reaper.Exit(1, 3 << 8, 0).describe());
        assertEquals("signal 9", new Reaper.Exit(1, 9, 0).describe());
    }

    @Test
    public void aTunedProgramKeepsItsCommandSinceNoInterpreterAppliesUmaskOrNice() {
        Program nobody = Program.prepare(stream("/usr/sbin/in.fingerd", "in.fingerd", "-w").user("nobody").build(),
                ROOT, Map.of(), ACCOUNTS);
        Program tuned = nobody.tuned(new PolicyChain.Tuning(false, -1, 027, 10));
        assertEquals(nobody.command(), tuned.command());
        assertEquals(new Program.Tuning(027, 10), tuned.tuning());
        assertTrue(tuned.command().argv().stream().noneMatch(a -> a.contains("umask") || a.contains("setpriority")));
        assertTrue(nobody.tuned(PolicyChain.Tuning.NONE) == nobody);
    }

    @Test
    public void childLimitsAreSoftColonHardWithUnlimitedAndBadValuesAreNamed() {
        assertEquals(new ChildLimits(1024, 524288), ChildLimits.parse("1024:524288"));
        assertEquals(new ChildLimits(1024, Libc.RLIM_INFINITY), ChildLimits.parse("1024:unlimited"));
        assertEquals("1024:unlimited", ChildLimits.parse(" 1024:unlimited ").toString());
        for (String bad : List.of("1024", "a:b", "2048:1024", "unlimited:1024", "-1:5", "1:2:3", "")) {
            IllegalArgumentException e = org.junit.Assert.assertThrows(bad, IllegalArgumentException.class,
                    () -> ChildLimits.parse(bad));
            assertTrue(e.getMessage(), e.getMessage().startsWith(ChildLimits.PROPERTY + "='" + bad + "'"));
        }
    }
}
