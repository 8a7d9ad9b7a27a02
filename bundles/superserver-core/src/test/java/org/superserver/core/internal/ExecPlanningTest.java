package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
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

    private static Optional<Account> users(String name) {
        return List.of(ROOT, ALICE, NOBODY).stream().filter(a -> a.name().equals(name)).findFirst();
    }

    private static Optional<Integer> groups(String name) {
        return Map.of("root", 0, "staff", 50, "nogroup", 65534).entrySet().stream()
                .filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst();
    }

    private static Identity decide(Account server, String user, String group) {
        return Identity.decide(server, user, group, ExecPlanningTest::users, ExecPlanningTest::groups);
    }

    @Test
    public void rootServerSwitchesToTheNamedUserAndItsPrimaryGroup() {
        Identity id = decide(ROOT, "nobody", null);
        assertTrue(id.switched());
        assertEquals(NOBODY, id.account());
        assertEquals(65534, id.gid());
    }

    @Test
    public void rootServerRunsRootLinesWithoutASwitchButSwitchesForAnotherGroup() {
        assertFalse(decide(ROOT, "root", null).switched());
        assertFalse(decide(ROOT, null, null).switched());
        Identity staff = decide(ROOT, "root", "staff");
        assertTrue(staff.switched());
        assertEquals(50, staff.gid());
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
        assertEquals(List.of("setpriv", "--reuid=65534", "--regid=65534", "--init-groups", "--", Program.PERL, "-e",
                Program.ARGV0_SCRIPT, "/usr/sbin/in.fingerd", "in.fingerd", "-w"), c.argv());
        Program.Command same = Program.command("/bin/cat", List.of("/bin/cat"), decide(ROOT, "nobody", null));
        assertEquals(List.of("setpriv", "--reuid=65534", "--regid=65534", "--init-groups", "--", "/bin/cat"),
                same.argv());
    }

    @Test
    public void environmentIsLaunderedThenGetsTheAccountTheClientAndTheExtras() {
        Map<String, String> server = Map.of("LD_PRELOAD", "/evil.so", "PATH", "/opt/bin", "HOME", "/root",
                "TERM", "xterm", "TMPDIR", "/tmp/x", "TCPREMOTEIP", "6.6.6.6", "LANG", "C.UTF-8", "USER", "root");
        Map<String, String> base = ChildEnvironment.base(server, NOBODY, Map.of());
        assertEquals(Map.of("LANG", "C.UTF-8", "PATH", ChildEnvironment.PATH, "HOME", "/nonexistent", "SHELL",
                "/usr/sbin/nologin", "USER", "nobody", "LOGNAME", "nobody"), base);
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
    public void aTunedCommandRunsPerlFirstSoThatASwitchedServerGetsTheUmaskAndNiceValueToo() {
        Program.Command switched = Program.command("/usr/sbin/in.fingerd", List.of("in.fingerd", "-w"),
                decide(ROOT, "nobody", null));
        Program.Command tuned = Program.tuned(switched, 027, 10);
        assertEquals(Program.PERL, tuned.path());
        assertEquals(List.of("perl", "-e", Program.TUNING_SCRIPT, "27", "10", Program.SETPRIV), tuned.argv().subList(0, 6));
        assertEquals(switched.argv(), tuned.argv().subList(6, tuned.argv().size()));
        assertEquals("-", Program.tuned(switched, -1, 5).argv().get(3));
    }
}
