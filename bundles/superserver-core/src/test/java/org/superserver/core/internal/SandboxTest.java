package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ListenerState;
import org.superserver.core.internal.Accounts.Account;

/**
 * The sandbox of exec'd services seen from inside real children, through the registry: their
 * {@code /proc/self/status} (NoNewPrivs, CapBnd, CapEff), and a {@code /tmp} of their own that the
 * host does not see, with the tmpfs in their mountinfo.
 */
public class SandboxTest extends CoreFixture {

    /** Prints the child's status lines, /tmp and /tmp's mount, after writing a file there. */
    private static final String REPORT = "echo \"$1\" > /tmp/$1 && echo written=yes\n"
            + "echo \"tmp=$(ls -A /tmp | tr '\\n' ' ')\"\n"
            + "echo \"mount=$(grep ' /tmp ' /proc/self/mountinfo | sed 's/.* - //')\"\n"
            + "echo \"user=$(id -un)\"\n"
            + "grep -E '^(NoNewPrivs|CapBnd|CapEff|CapInh):' /proc/self/status | tr -d ' \\t' | tr ':' '='\n"
            + "echo end\n";

    private static final Account NOBODY = new Account("nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin");

    private final String marker = "sandbox-" + UUID.randomUUID();

    @Before
    public void startCore() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        start(SETTINGS);
    }

    private static boolean root() {
        return Accounts.current().uid() == 0;
    }

    private ServiceDefinition.Builder reporter(String id) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).server("/bin/sh")
                .argv(List.of("/bin/sh", "-c", REPORT, "report", marker)).origin("test:" + id);
    }

    /** What the child printed, as name=value pairs, once it has closed the connection. */
    private Map<String, String> report(String id) throws Exception {
        Socket socket = connect(port(id));
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            int eq = line.indexOf('=');
            lines.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
        }
        assertTrue("the report was cut short: " + lines, lines.containsKey("end"));
        return lines;
    }

    /** This process's own CapBnd, as the child would inherit it unchanged. */
    private static String ownBoundingSet() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapBnd:"))
                .map(l -> l.substring(7).trim()).findFirst().orElseThrow();
    }

    @Test
    public void withoutTheAttributesTheChildHasTheDefaults() throws Exception {
        registry.addDefinition("d", reporter("plain").build());
        Map<String, String> seen = report("plain");
        try {
            assertEquals("0", seen.get("NoNewPrivs"));
            assertEquals(ownBoundingSet(), seen.get("CapBnd"));
            assertTrue("the host's /tmp: " + seen, Files.exists(Path.of("/tmp", marker)));
        } finally {
            Files.deleteIfExists(Path.of("/tmp", marker));
        }
    }

    @Test
    public void noNewPrivsAndAnEmptyBoundingSetAreSeenInsideASwitchedChild() throws Exception {
        assumeTrue("switching a child to user nobody needs the test to run as root", root());
        registry.addDefinition("d", reporter("boxed").user("nobody").noNewPrivs(true).capabilities(Set.of())
                .build());
        Map<String, String> seen = report("boxed");
        try {
            assertEquals("nobody", seen.get("user"));
            assertEquals("1", seen.get("NoNewPrivs"));
            assertEquals("0000000000000000", seen.get("CapBnd"));
            assertEquals("0000000000000000", seen.get("CapEff"));
        } finally {
            Files.deleteIfExists(Path.of("/tmp", marker));
        }
    }

    @Test
    public void aRootChildKeepsExactlyTheCapabilitiesItNames() throws Exception {
        assumeTrue("a root child needs the test to run as root", root());
        registry.addDefinition("d", reporter("keep").capabilities(Set.of("CAP_NET_BIND_SERVICE", "CAP_NET_RAW"))
                .build());
        registry.addDefinition("e", reporter("none").capabilities(Set.of()).build());
        // CAP_NET_BIND_SERVICE is bit 10, CAP_NET_RAW bit 13
        String kept = String.format("%016x", (1L << 10) | (1L << 13));
        try {
            Map<String, String> seen = report("keep");
            assertEquals("root", seen.get("user"));
            assertEquals("0", seen.get("NoNewPrivs"));
            assertEquals(kept, seen.get("CapBnd"));
            assertEquals(kept, seen.get("CapEff"));
            assertEquals("0000000000000000", seen.get("CapInh"));
            Files.deleteIfExists(Path.of("/tmp", marker));
            Map<String, String> none = report("none");
            assertEquals("0000000000000000", none.get("CapBnd"));
            assertEquals("a root without capabilities", "0000000000000000", none.get("CapEff"));
        } finally {
            Files.deleteIfExists(Path.of("/tmp", marker));
        }
    }

    @Test
    public void aPrivateTmpIsAnEmptyTmpfsTheHostDoesNotSee() throws Exception {
        String problem = Sandbox.privateTmpProblem(Accounts.current());
        assumeTrue("this kernel gives the test's user no mount namespace: " + problem, problem == null);
        registry.addDefinition("d", reporter("tmp").privateTmp(true).noNewPrivs(true).build());
        Map<String, String> seen = report("tmp");
        assertEquals("yes", seen.get("written"));
        assertEquals("only the child's own file: " + seen, marker + " ", seen.get("tmp"));
        assertTrue(seen.get("mount"), seen.get("mount").startsWith("tmpfs "));
        assertEquals("1", seen.get("NoNewPrivs"));
        assertEquals(Accounts.current().name(), seen.get("user"));
        assertFalse("the file stayed in the child's /tmp", Files.exists(Path.of("/tmp", marker)));
        // a second child gets a new, empty one
        Map<String, String> again = report("tmp");
        assertEquals(marker + " ", again.get("tmp"));
    }

    @Test
    public void aSwitchedChildWithAPrivateTmpWritesItsFilesAsItsUser() throws Exception {
        assumeTrue("switching a child to user nobody needs the test to run as root", root());
        assumeTrue(Sandbox.privateTmpProblem(Accounts.current()), Sandbox.privateTmpProblem(Accounts.current()) == null);
        registry.addDefinition("d", reporter("tmpnobody").user("nobody").privateTmp(true)
                .capabilities(Set.of()).build());
        Map<String, String> seen = report("tmpnobody");
        assertEquals("nobody", seen.get("user"));
        assertEquals("yes", seen.get("written"));
        assertEquals(marker + " ", seen.get("tmp"));
        assertEquals("0000000000000000", seen.get("CapBnd"));
        assertFalse(Files.exists(Path.of("/tmp", marker)));
    }

    @Test
    public void aServerThatIsNotRootGivesAPrivateTmpThroughUserNamespacesAndKeepsItsOwnUser() throws Exception {
        assumeTrue("running the command line as user nobody needs the test to run as root", root());
        List<String> asNobody = List.of(Program.SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", "--");
        List<String> probe = new ArrayList<>(asNobody);
        probe.addAll(List.of(Sandbox.UNSHARE, "--map-root-user", "--mount", "/bin/true"));
        Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
        assumeTrue("this kernel does not allow unprivileged user namespaces", p.waitFor(10, TimeUnit.SECONDS)
                && p.exitValue() == 0);
        ServiceDefinition d = reporter("userns").privateTmp(true).noNewPrivs(true).build();
        Identity self = Identity.decide(NOBODY, null, null, ExecPlanningTest.ACCOUNTS);
        Program.Command c = Program.command(d.server(), d.argv(), self, false, Map.of(), d, NOBODY);
        assertEquals(Sandbox.UNSHARE, c.path());
        List<String> line = new ArrayList<>(asNobody);
        line.add(c.path());
        line.addAll(c.argv().subList(1, c.argv().size()));
        Process child = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        assertTrue(out, out.contains("user=nobody\n"));
        assertTrue(out, out.contains("tmp=" + marker + " \n"));
        assertTrue(out, out.contains("mount=tmpfs "));
        assertTrue(out, out.contains("NoNewPrivs=1\n"));
        assertFalse(Files.exists(Path.of("/tmp", marker)));
    }

    @Test
    public void aServerThatIsNotRootRefusesABoundingSetItCannotChange() {
        ServiceDefinition d = reporter("caps").capabilities(Set.of()).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Program.prepare(d, NOBODY, false, Map.of(), ExecPlanningTest.ACCOUNTS));
        assertTrue(e.getMessage(), e.getMessage().contains("capabilities needs the superserver to run as root"));
        assertNull(Sandbox.problem(reporter("nnp").noNewPrivs(true).build(), NOBODY));
    }

    @Test
    public void aServiceWhoseSandboxCannotBeHadIsNotServed() throws Exception {
        assumeTrue("the refusal shown here is that of a server that is not root", !root());
        registry.addDefinition("d", reporter("refused").capabilities(Set.of()).build());
        waitForState("refused", ListenerState.FAILED);
    }

    @Test
    public void whereTheKernelRefusesAMountNamespaceThePrivateTmpServiceIsNotServedAndItsClientIsRefused()
            throws Exception {
        // a user namespace of the test's own in which no mount namespace may be made
        List<String> probe = List.of(Sandbox.UNSHARE, "--map-root-user", "--", Sandbox.SH, "-c",
                "echo 0 > /proc/sys/user/max_mnt_namespaces && exec \"$@\"", "sh");
        Process p = new ProcessBuilder(concat(probe, List.of("/bin/true"))).redirectErrorStream(true).start();
        assumeTrue("this kernel gives the test's user no user namespace to limit", p.waitFor(10, TimeUnit.SECONDS)
                && p.exitValue() == 0);
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process core = new ProcessBuilder(concat(probe, List.of(java, "-cp", System.getProperty("java.class.path"),
                PrivateTmpRefusal.class.getName(), String.valueOf(port)))).redirectErrorStream(true).start();
        core.getOutputStream().close();
        String out = new String(core.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out, core.waitFor(30, TimeUnit.SECONDS));
        assertTrue(out, out.contains("state=FAILED\n"));
        assertTrue(out, out.contains("client=refused\n"));
        assertTrue(out, out.lines().anyMatch(l -> l.contains("ERROR") && l.contains("FAIL service=boxed")
                && l.contains("private_tmp: this kernel does not let the superserver make a mount namespace")
                && l.contains("not served")));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    public void theSandboxOptionsOfSetprivAndTheHeadOfAPrivateTmp() {
        ServiceDefinition d = reporter("x").noNewPrivs(true).capabilities(Set.of("CAP_NET_RAW",
                "CAP_NET_BIND_SERVICE")).privateTmp(true).build();
        assertEquals(List.of("--no-new-privs", "--bounding-set", "-all,+net_bind_service,+net_raw", "--inh-caps",
                "-all"), Sandbox.setprivOptions(d));
        Account root = new Account("root", 0, 0, "/root", "/bin/bash");
        Identity asRoot = new Identity(root, 0, List.of(), false, null, false);
        Program.Command c = Program.command("/bin/cat", List.of("/bin/cat"), asRoot, false, Map.of(), d, root);
        assertEquals(List.of("unshare", "--mount", "--propagation", "private", "--", Sandbox.SH, "-c",
                Sandbox.MOUNT_SCRIPT, "sh", Program.SETPRIV, "--no-new-privs", "--bounding-set",
                "-all,+net_bind_service,+net_raw", "--inh-caps", "-all", "--", "/bin/cat"), c.argv());
        assertNotNull(c.path());
    }
}
