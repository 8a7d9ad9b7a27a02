package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.freePort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;
import org.superserver.api.ConfigSource;
import org.superserver.api.status.ListenerState;

/**
 * {@code no_new_privs}, {@code capabilities} and {@code private_tmp} from an xinetd.d file and from
 * Configuration Admin, seen from inside the started child: {@code /proc/self/status}, a file it
 * writes to {@code /tmp} that the host's {@code /tmp} never gets, and the tmpfs in its mountinfo.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SandboxIT extends ItestSupport {

    /** What the child sees; {@code $1} names the file it writes to /tmp. */
    static final String PROBE = String.join("\n",
            "echo \"$1\" > \"/tmp/$1\" && echo written=yes",
            "echo \"tmp=$(ls -A /tmp | tr '\\n' ' ')\"",
            "echo \"mount=$(grep ' /tmp ' /proc/self/mountinfo | sed 's/.* - //')\"",
            "echo \"user=$(id -un)\"",
            "grep -E '^(NoNewPrivs|CapBnd|CapEff):' /proc/self/status | tr -d ' \\t' | tr ':' '='",
            "");

    private final String marker = "sandbox-it-" + UUID.randomUUID();

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    private Map<String, String> probe(InetSocketAddress address) throws IOException {
        try (Socket socket = connect(address)) {
            return ExecServicesIT.report(socket);
        }
    }

    /** Skips unless this server can make a mount namespace for its children (root, or user namespaces). */
    private static void assumePrivateTmp() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        List<String> probe = uid == 0 ? List.of("/usr/bin/unshare", "--mount", "/bin/true")
                : List.of("/usr/bin/unshare", "--map-root-user", "--mount", "/bin/true");
        Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
        assumeTrue("this kernel gives user " + USER + " no mount namespace for a private /tmp",
                p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0);
    }

    private static String ownBoundingSet() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapBnd:"))
                .map(l -> l.substring(7).trim()).findFirst().orElseThrow();
    }

    /**
     * The bounding set a child with a private /tmp and no capabilities property has: the server's
     * own when the server is root; when it is not, the full set of the user namespace the child's
     * mount namespace lives in (which grants nothing outside that namespace: CapEff stays 0).
     */
    private static String privateTmpBoundingSet() throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid == 0) {
            return ownBoundingSet();
        }
        int last = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/kernel/cap_last_cap")).get(0).trim());
        return String.format("%016x", (1L << (last + 1)) - 1);
    }

    private void removeMarkerAfterTest() {
        afterTest(() -> Files.deleteIfExists(Path.of("/tmp", marker)));
    }

    @Test
    public void anXinetdServiceAndItsDefaultsSandboxTheChildAndAnUnknownCapabilityIsReportedAndSkipped()
            throws Exception {
        assumeRoot("emptying a child's capability bounding set");
        assumePrivateTmp();
        removeMarkerAfterTest();
        // the script must live outside /tmp, which the sandboxed child no longer sees
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "superserver-sandbox-it-");
        afterTest(() -> {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        });
        Path script = Files.writeString(dir.resolve("probe.sh"), "#!/bin/sh\n" + PROBE);
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String common = "\ttype = UNLISTED\n\tsocket_type = stream\n\twait = no\n\tbind = 127.0.0.1\n\tuser = " + USER
                + "\n\tserver = " + script + "\n\tserver_args = " + marker + "\n\tflags = NOLIBWRAP\n";
        Path conf = scratch().write("xinetd.conf", "defaults\n{\n\tno_new_privs = yes\n\tcapabilities = none\n}\n"
                + "service boxed\n{\n" + common + "\tport = " + freePort() + "\n\tprivate_tmp = yes\n}\n"
                + "service plain\n{\n" + common + "\tport = " + freePort() + "\n\tno_new_privs = no\n}\n"
                + "service flying\n{\n" + common + "\tport = " + freePort() + "\n\tcapabilities = CAP_FLY\n}\n");
        LogCapture log = log();
        org.osgi.service.cm.Configuration xinetd = service(ConfigurationAdmin.class)
                .getConfiguration(XinetdConfIT.XINETD_PID, "?");
        xinetd.update(properties("file", new String[] {conf.toString()}, "services",
                scratch().write("services", "").toString(), "poll_interval_ms", 0L));
        afterTest(() -> xinetd.update(properties("file", new String[0], "poll_interval_ms", 0L)));
        awaitServiceWith(ConfigSource.class, "(" + CONFIG_FILES_PROPERTY + "=" + conf + ")");

        Map<String, String> boxed = probe(awaitListening(XinetdConfIT.xinetdId(conf, "boxed")));
        assertEquals("no_new_privs from the defaults " + boxed, "1", boxed.get("NoNewPrivs"));
        assertEquals("capabilities = none from the defaults " + boxed, "0000000000000000", boxed.get("CapBnd"));
        assertEquals("a root child without capabilities " + boxed, "0000000000000000", boxed.get("CapEff"));
        assertEquals("private_tmp: its own file only " + boxed, marker, boxed.get("tmp"));
        assertTrue("private_tmp: a tmpfs on /tmp " + boxed, boxed.get("mount").startsWith("tmpfs "));
        assertFalse("the host's /tmp did not get the child's file", Files.exists(Path.of("/tmp", marker)));

        Map<String, String> plain = probe(awaitListening(XinetdConfIT.xinetdId(conf, "plain")));
        assertEquals("the service's no_new_privs = no replaces the default " + plain, "0", plain.get("NoNewPrivs"));
        assertEquals("capabilities from the defaults " + plain, "0000000000000000", plain.get("CapBnd"));
        assertTrue("without private_tmp the file is in the host's /tmp " + plain,
                Files.exists(Path.of("/tmp", marker)));

        log.await(TIMEOUT, conf + ":", "capabilities", "'CAP_FLY' is not a capability");
        assertTrue(serverStatus().listeners().stream()
                .noneMatch(l -> l.definition().id().equals(XinetdConfIT.xinetdId(conf, "flying"))));
    }

    @Test
    public void aConfigurationAdminServiceSandboxesItsChildAndWithoutThePropertiesTheChildHasTheDefaults()
            throws Exception {
        assumePrivateTmp();
        removeMarkerAfterTest();
        String script = PROBE;
        org.osgi.service.cm.Configuration boxed = factoryConfiguration("org.superserver.service", properties(
                "service", "sandboxed", "type", "UNLISTED", "socket_type", "stream", "bind", "127.0.0.1", "port", "0",
                "wait", "no", "user", USER, "server", "/bin/sh",
                "server_args", new String[] {"-c", script, "probe", marker},
                "no_new_privs", "yes", "private_tmp", "yes"));
        org.osgi.service.cm.Configuration plain = factoryConfiguration("org.superserver.service", properties(
                "service", "unsandboxed", "type", "UNLISTED", "socket_type", "stream", "bind", "127.0.0.1",
                "port", "0", "wait", "no", "user", USER, "server", "/bin/sh",
                "server_args", new String[] {"-c", script, "probe", marker + "-plain"}));
        afterTest(() -> Files.deleteIfExists(Path.of("/tmp", marker + "-plain")));

        Map<String, String> seen = probe(awaitListening("cm:" + boxed.getPid()));
        assertEquals("no_new_privs = yes " + seen, "1", seen.get("NoNewPrivs"));
        assertEquals("capabilities unset: the server's bounding set, or, where an ordinary user's server gave the"
                + " child its /tmp in a user namespace, that namespace's full set " + seen,
                privateTmpBoundingSet(), seen.get("CapBnd"));
        if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") != 0) {
            assertEquals("an ordinary user's child holds no capability " + seen, "0000000000000000", seen.get("CapEff"));
        }
        assertEquals("private_tmp = yes " + seen, marker, seen.get("tmp"));
        assertTrue(seen.get("mount"), seen.get("mount").startsWith("tmpfs "));
        assertEquals(USER, seen.get("user"));
        assertFalse(Files.exists(Path.of("/tmp", marker)));

        Map<String, String> defaults = probe(awaitListening("cm:" + plain.getPid()));
        assertEquals("the default: no no_new_privs " + defaults, "0", defaults.get("NoNewPrivs"));
        assertEquals(ownBoundingSet(), defaults.get("CapBnd"));
        assertTrue("the default: the host's /tmp", Files.exists(Path.of("/tmp", marker + "-plain")));
    }

    @Test
    public void aConfigurationAdminServiceWithAnUnknownCapabilityIsInvalidAndNamesTheProperty() throws Exception {
        LogCapture log = log();
        org.osgi.service.cm.Configuration bad = factoryConfiguration("org.superserver.service", properties(
                "service", "badcaps", "type", "UNLISTED", "socket_type", "stream", "bind", "127.0.0.1", "port", "0",
                "wait", "no", "user", USER, "server", "/bin/cat", "capabilities", "CAP_NET_RAW CAP_FLY"));
        log.await(TIMEOUT, "pid " + bad.getPid(), "property capabilities", "'CAP_FLY' is not a capability",
                "nothing is registered");
    }

    @Test
    public void aRootChildKeepsOnlyTheCapabilitiesItNames() throws Exception {
        assumeRoot("a root child's capabilities");
        removeMarkerAfterTest();
        org.osgi.service.cm.Configuration keep = factoryConfiguration("org.superserver.service", properties(
                "service", "keeper", "type", "UNLISTED", "socket_type", "stream", "bind", "127.0.0.1", "port", "0",
                "wait", "no", "user", "root", "server", "/bin/sh",
                "server_args", new String[] {"-c", PROBE, "probe", marker},
                "capabilities", "CAP_NET_BIND_SERVICE"));
        Map<String, String> seen = probe(awaitListening("cm:" + keep.getPid()));
        assertEquals("CAP_NET_BIND_SERVICE alone " + seen, "0000000000000400", seen.get("CapBnd"));
        assertEquals("CAP_NET_BIND_SERVICE alone " + seen, "0000000000000400", seen.get("CapEff"));
        assertEquals(ListenerState.LISTENING, awaitState("cm:" + keep.getPid(), ListenerState.LISTENING).state());
    }
}
