package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assume.assumeTrue;
import static org.superserver.itests.Clients.connect;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.superserver.api.InheritedEnvironment;
import org.superserver.api.Protocol;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * What a started server gets from its definition, whichever format wrote it (here: definitions
 * published as OSGi services), seen from inside the child: nice value, umask, supplementary groups,
 * resource limits, environment ({@code env}, {@code passenv}), and the socket options of the
 * connection it is handed ({@code KEEPALIVE}, {@code NODELAY}) or of the listening socket of a
 * {@code wait} service ({@code v6only}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ChildAttributesIT extends ItestSupport {

    /** Prints what the child can see of its process attributes: one {@code key=value} per line. */
    static final String PROBE = String.join("\n",
            "echo \"nice=$(awk '{print $19}' /proc/$$/stat)\"",
            "echo \"umask=$(umask)\"",
            "echo \"groups=$(sed -n 's/^Groups:[[:space:]]*//p' /proc/$$/status | tr -s ' \\t' ' ' | sed 's/ $//')\"",
            "echo \"uid=$(id -u)\"",
            "sed -n 's/^Max \\(cpu time\\|data size\\|stack size\\|resident set\\|open files\\|address space\\)"
                    + " *\\([^ ]*\\) *\\([^ ]*\\).*/limit.\\1=\\2:\\3/p' /proc/$$/limits | tr -d ' ' "
                    + "| sed 's/limit\\.\\([a-z]*\\)/limit.\\1/'",
            "env | sed 's/^/env./'",
            "");

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    private ServiceDefinition.Builder exec(String id, Path server) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).server(server.toString()).argv(List.of(server.toString()))
                .user(USER).origin("itest " + id);
    }

    private Map<String, String> probe(ServiceDefinition definition) throws Exception {
        define(definition);
        InetSocketAddress address = awaitListening(definition.id());
        try (Socket socket = connect(address)) {
            return ExecServicesIT.report(socket);
        }
    }

    private static int ownNice() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]); // field 19 of stat(5), counted after "pid (comm) "
    }

    private static String ownUmask() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Umask:"))
                .map(l -> l.substring("Umask:".length()).trim()).findFirst().orElseThrow();
    }

    // ---- nice and umask ------------------------------------------------------------------------

    @Test
    public void theChildRunsWithTheDefinitionsNiceIncrementAndUmask() throws Exception {
        Path probe = scratch().script("probe.sh", PROBE);
        Map<String, String> plain = probe(exec("attr-plain", probe).build());
        int mask = "0027".equals(ownUmask()) ? 0077 : 0027;
        Map<String, String> tuned = probe(exec("attr-tuned", probe).nice(5).umask(mask).build());

        int own = ownNice();
        assertEquals("without nice the child has the server's nice value " + plain, String.valueOf(own),
                plain.get("nice"));
        assertEquals("nice = 5 adds 5 to the server's (at most 19) " + tuned, String.valueOf(Math.min(19, own + 5)),
                tuned.get("nice"));
        assertEquals("umask = " + Integer.toOctalString(mask) + " " + tuned, String.format("%04o", mask),
                tuned.get("umask"));
        assertEquals("without umask the child keeps the server's " + plain, ownUmask(), plain.get("umask"));
    }

    // ---- supplementary groups ------------------------------------------------------------------

    @Test
    public void groupsNoGivesAChildRunAsAnotherUserNoSupplementaryGroupAtAll() throws Exception {
        assumeRoot("running a program as nobody");
        Path probe = scratch().script("probe.sh", PROBE);
        Files.setPosixFilePermissions(scratch().dir(), java.nio.file.attribute.PosixFilePermissions.fromString(
                "rwxr-xr-x"));
        Map<String, String> withGroups = probe(exec("attr-groups-yes", probe).user("nobody").build());
        Map<String, String> without = probe(exec("attr-groups-no", probe).user("nobody")
                .supplementaryGroups(false).build());

        assertFalse("groups = yes: nobody's group list from getgrouplist " + withGroups,
                withGroups.get("groups").isEmpty());
        assertEquals("groups = no: no supplementary group " + without, "", without.get("groups"));
        assertEquals("still nobody " + without, withGroups.get("uid"), without.get("uid"));
    }

    @Test
    public void groupsNoAlsoClearsTheGroupsOfAChildThatRunsAsTheServersOwnRootUser() throws Exception {
        assumeRoot("a root server's own supplementary groups");
        Path probe = scratch().script("probe.sh", PROBE);
        Map<String, String> without = probe(exec("attr-root-groups-no", probe).supplementaryGroups(false).build());
        assertEquals("groups = no " + without, "", without.get("groups"));
        assertEquals("root " + without, "0", without.get("uid"));
    }

    // ---- resource limits -----------------------------------------------------------------------

    private static ServiceDefinition.Builder limited(ServiceDefinition.Builder b) {
        return b.resourceLimit(ResourceLimit.AS, 1L << 30).resourceLimit(ResourceLimit.CPU, 100)
                .resourceLimit(ResourceLimit.DATA, 512L << 20).resourceLimit(ResourceLimit.RSS, 256L << 20)
                .resourceLimit(ResourceLimit.STACK, 8L << 20).resourceLimit(ResourceLimit.NOFILE, 64);
    }

    private static void assertLimits(Map<String, String> seen) {
        assertEquals("rlimit_as " + seen, "1073741824:1073741824", seen.get("limit.addressspace"));
        assertEquals("rlimit_cpu " + seen, "100:100", seen.get("limit.cputime"));
        assertEquals("rlimit_data " + seen, "536870912:536870912", seen.get("limit.datasize"));
        assertEquals("rlimit_rss " + seen, "268435456:268435456", seen.get("limit.residentset"));
        assertEquals("rlimit_stack " + seen, "8388608:8388608", seen.get("limit.stacksize"));
        assertEquals("rlimit_files (over the server's own open-file limit for children) " + seen, "64:64",
                seen.get("limit.openfiles"));
    }

    @Test
    public void aChildRunAsAnotherUserHasEveryResourceLimitSoftAndHardFromItsFirstInstruction() throws Exception {
        assumeRoot("running a program as nobody");
        Path probe = scratch().script("probe.sh", PROBE);
        Files.setPosixFilePermissions(scratch().dir(), java.nio.file.attribute.PosixFilePermissions.fromString(
                "rwxr-xr-x"));
        Map<String, String> seen = probe(limited(exec("attr-limits-nobody", probe).user("nobody")).build());
        assertLimits(seen);
    }

    @Test
    public void aChildOfTheServersOwnUserHasEveryResourceLimitSoftAndHard() throws Exception {
        Path probe = scratch().script("probe.sh", PROBE);
        Map<String, String> seen = probe(limited(exec("attr-limits-own", probe)).build());
        assertLimits(seen);
        Map<String, String> plain = probe(exec("attr-limits-none", probe).build());
        assertFalse("without rlimit_cpu no CPU limit " + plain, "100:100".equals(plain.get("limit.cputime")));
    }

    // ---- env and passenv -----------------------------------------------------------------------

    @Test
    public void envAddsAndOverridesVariablesAndPassenvPassesTheServersOwn() throws Exception {
        String passed = System.getenv().keySet().stream()
                .filter(n -> !InheritedEnvironment.always(n) && !List.of("PATH", "HOME", "SHELL", "USER", "LOGNAME")
                        .contains(n) && n.matches("[A-Za-z_][A-Za-z0-9_]*") && !System.getenv(n).contains("\n"))
                .sorted().findFirst().orElse(null);
        assumeTrue("the server has an environment variable of its own to pass", passed != null);
        Path probe = scratch().script("probe.sh", PROBE);
        Map<String, String> plain = probe(exec("attr-env-plain", probe).build());
        Map<String, String> seen = probe(exec("attr-env", probe).env("ITEST_ADDED", "added value")
                .env("PATH", "/usr/bin:/bin:/itest").passenv(List.of(passed)).build());

        assertEquals("env adds " + seen, "added value", seen.get("env.ITEST_ADDED"));
        assertEquals("env overrides what the server sets " + seen, "/usr/bin:/bin:/itest", seen.get("env.PATH"));
        assertEquals("passenv passes the server's " + passed + " " + seen, System.getenv(passed),
                seen.get("env." + passed));
        assertEquals("without passenv the server's " + passed + " stays with the server " + plain, null,
                plain.get("env." + passed));
    }

    // ---- socket options ------------------------------------------------------------------------

    /** Reads SO_KEEPALIVE and TCP_NODELAY from the connection the child got as fd 0. */
    static final String SOCKET_OPTIONS = String.join("\n",
            "import socket",
            "s = socket.socket(fileno=0)",
            "print('keepalive=%d' % (1 if s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) else 0))",
            "print('nodelay=%d' % (1 if s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) else 0))",
            "s.detach()",
            "");

    @Test
    public void keepaliveAndNodelayAreSetOnTheConnectionTheChildGetsAndOnlyThen() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(ExecServicesIT.PYTHON)));
        Path script = scratch().write("options.py", SOCKET_OPTIONS);
        ServiceDefinition.Builder base = ServiceDefinition.builder().socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(0).server(ExecServicesIT.PYTHON)
                .argv(List.of("python3", script.toString())).user(USER);
        Map<String, String> plain = probe(base.id("attr-sock-plain").name("attr-sock-plain")
                .origin("itest plain").build());
        Map<String, String> flagged = probe(base.id("attr-sock-flags").name("attr-sock-flags").keepAlive(true)
                .noDelay(true).origin("itest flags").build());

        assertEquals("KEEPALIVE " + flagged, "1", flagged.get("keepalive"));
        assertEquals("NODELAY " + flagged, "1", flagged.get("nodelay"));
        assertEquals("no KEEPALIVE flag: the kernel's default " + plain, "0", plain.get("keepalive"));
        assertEquals("no NODELAY flag: Nagle's algorithm on, as inetd and xinetd leave it " + plain, "0",
                plain.get("nodelay"));
    }

    /** A stream wait server on ::1: reads IPV6_V6ONLY of the listening socket it got, answers one client. */
    static final String V6ONLY = String.join("\n",
            "import socket",
            "s = socket.socket(fileno=0)",
            "v = s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)",
            "c, peer = s.accept()",
            "c.sendall(b'v6only=%d\\n' % (1 if v else 0))",
            "c.close()",
            "s.detach()",
            "");

    /**
     * On a specific address such as {@code ::1} Linux sets {@code IPV6_V6ONLY} itself at bind, so
     * only the wildcard would tell the flag from the default, and the tests bind loopback only: here
     * a {@code tcp6} listener with {@code v6only} binds and serves on {@code ::1}, its server sees
     * the option set; {@code SocketOptionsTest} reads the flag on unbound sockets, with and without
     * it.
     */
    @Test
    public void aTcp6ListenerWithV6onlyBindsAndItsWaitServerSeesTheOption() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(ExecServicesIT.PYTHON)));
        Path script = scratch().write("v6only.py", V6ONLY);
        Map<String, String> only = probe(ServiceDefinition.builder().id("attr-v6-only").name("attr-v6-only")
                .socketType(SocketType.STREAM).protocol(Protocol.TCP6).bindAddress("::1").port(0).wait(true)
                .server(ExecServicesIT.PYTHON).argv(List.of("python3", script.toString())).user(USER).v6Only(true)
                .origin("itest v6only").build());
        assertEquals("v6only = yes " + only, "1", only.get("v6only"));
    }
}
