package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;
import static org.superserver.itests.Clients.READ_TIMEOUT_MILLIS;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.connectFrom;
import static org.superserver.itests.Clients.freePort;
import static org.superserver.itests.Clients.readExactly;
import static org.superserver.itests.Clients.readToEnd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.superserver.api.ConfigSource;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;

/**
 * TCP wrappers (the {@code tcpd} access policy of superserver-access-tcpd) over real loopback
 * sockets: hosts.allow and hosts.deny in a scratch directory, named through the policy's
 * configuration (PID {@value ItestSupport#TCPD_PID}); clients bound to 127.0.0.1 (allowed) and
 * 127.0.0.2 (the one the rules name); built-in and exec'd services wrapped by inetd.conf's
 * {@code /usr/sbin/tcpd} lines, by its {@code wrap_all}, by a Configuration Admin service's
 * {@code policies}, or by a definition that names the policy.
 * Covers deny, {@code twist}, {@code spawn}, an edited hosts.deny taking effect without a restart,
 * and the policy's bundle stopped (wrapped services fail closed) and started again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TcpdIT extends ItestSupport {

    /** The client address no rule names. */
    static final String ALLOWED = "127.0.0.1";
    /** The client address the rules deny, twist or spawn for. */
    static final String OTHER = "127.0.0.2";

    /** The name (and so the tcpd daemon name) of the exec'd server script. */
    static final String GREETD = "in.greetd";
    static final String GREETING = "hello from in.greetd\n";

    static final String TCPD_POLICY = "tcpd";

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    // ---- 1: deny -----------------------------------------------------------------------------

    @Test
    public void aBuiltinWrappedByWrapAllDeniesTheClientHostsDenyNamesAndServesTheOthers() throws Exception {
        Rules rules = tcpdRules("", "ALL: " + OTHER + "\n");
        InetSocketAddress echo = echoByServiceName(true);

        assertEchoServes(echo, ALLOWED, "echo wrapped by wrap_all");
        assertDenied(echo, OTHER, "echo wrapped by wrap_all");

        String deny = log().await(TIMEOUT,
                "TCPD service=echo daemon=echo from=" + OTHER + " rule=" + rules.deny + ":1 deny");
        assertTrue("a deny is logged at WARN: " + deny, deny.contains(" WARN "));
        String allow = log().await(TIMEOUT,
                "TCPD service=echo daemon=echo from=" + ALLOWED + " rule=no rule matched allow");
        assertTrue("an allow is logged at INFO: " + allow, allow.contains(" INFO "));
    }

    @Test
    public void builtinsWhoseDefinitionsNameTheTcpdPolicyDenyTheClientHostsDenyNamesWhileAnUnwrappedOneServesIt()
            throws Exception {
        Rules rules = tcpdRules("", "ALL: " + OTHER + "\n");
        // through Configuration Admin (factory PID org.superserver.service), as a .cfg file gives it
        String configured = "cm:" + factoryConfiguration("org.superserver.service", properties(
                "service", "echo",
                "type", "INTERNAL",
                "socket_type", "stream",
                "protocol", "tcp",
                "port", "0",
                "bind", "127.0.0.1",
                "wait", "no",
                "policies", TCPD_POLICY)).getPid();
        // and as any other config format registers it: a ServiceDefinition whose policies() name tcpd
        define(wrapped(internal("tcpd-defined-echo", "echo", Protocol.TCP)));
        define(internal("tcpd-open-echo", "echo", Protocol.TCP));
        InetSocketAddress viaConfigAdmin = awaitListening(configured);
        InetSocketAddress defined = awaitListening("tcpd-defined-echo");
        InetSocketAddress open = awaitListening("tcpd-open-echo");

        assertEchoServes(viaConfigAdmin, ALLOWED, "echo configured with policies = tcpd");
        assertDenied(viaConfigAdmin, OTHER, "echo configured with policies = tcpd");
        assertEchoServes(defined, ALLOWED, "echo defined with policies [tcpd]");
        assertDenied(defined, OTHER, "echo defined with policies [tcpd]");
        assertEchoServes(open, OTHER, "echo defined with no policy (127.0.0.2 can connect at all)");
        log().await(TIMEOUT, 2, "TCPD service=echo daemon=echo from=" + OTHER + " rule=" + rules.deny + ":1 deny");
    }

    @Test
    public void execdServicesBehindUsrSbinTcpdDenyTheClientHostsDenyNamesWithoutStartingTheServer()
            throws Exception {
        Rules rules = tcpdRules("", "ALL: " + OTHER + "\n");
        Path greetd = greetd();
        int catPort = freePort();
        int greetPort = freePort();
        Path conf = serveInetd(false, "",
                "127.0.0.1:" + catPort + " stream tcp nowait " + USER + " /usr/sbin/tcpd /bin/cat",
                "127.0.0.1:" + greetPort + " stream tcp nowait " + USER + " /usr/sbin/tcpd " + greetd);
        InetSocketAddress cat = awaitListening(inetdId(conf, "127.0.0.1", catPort, "tcp"));
        InetSocketAddress greet = awaitListening(inetdId(conf, "127.0.0.1", greetPort, "tcp"));

        assertDenied(cat, OTHER, "/usr/sbin/tcpd /bin/cat");
        assertDenied(greet, OTHER, "/usr/sbin/tcpd " + greetd);
        assertEquals("the denied client's server program never started (pids it recorded)",
                List.of(), scratch().pids());

        assertEquals("/usr/sbin/tcpd /bin/cat serves " + ALLOWED,
                "through cat\n", sendAndReadToEnd(cat, ALLOWED, "through cat\n", "/usr/sbin/tcpd /bin/cat"));
        assertEquals("/usr/sbin/tcpd " + GREETD + " serves " + ALLOWED,
                GREETING, readAllFrom(greet, ALLOWED, "/usr/sbin/tcpd " + greetd));
        assertEquals("the allowed client's server program started once", 1, scratch().pids().size());

        log().await(TIMEOUT, "TCPD service=" + catPort + " daemon=cat from=" + OTHER
                + " rule=" + rules.deny + ":1 deny");
        log().await(TIMEOUT, "TCPD service=" + greetPort + " daemon=" + GREETD + " from=" + OTHER
                + " rule=" + rules.deny + ":1 deny");
        log().await(TIMEOUT, "TCPD service=" + greetPort + " daemon=" + GREETD + " from=" + ALLOWED
                + " rule=no rule matched allow");
    }

    @Test
    public void optionsOfTheAllowingRuleSetTheSocketsKeepaliveAndLingerAndTheServersUmaskAndNiceValue()
            throws Exception {
        assumeTrue(Files.isExecutable(Path.of(ExecServicesIT.PYTHON)));
        tcpdRules("tuned: " + ALLOWED + ": keepalive: linger 5: umask 027: nice 4\n", "");
        Path tuned = scratch().script("tuned", "umask\nnice\nexec " + ExecServicesIT.PYTHON + " -c 'import socket,"
                + " struct; s = socket.socket(fileno=0); print(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),"
                + " *struct.unpack(\"ii\", s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))); s.detach()'\n");
        int port = freePort();
        Path conf = serveInetd(false, "", "127.0.0.1:" + port + " stream tcp nowait " + USER + " /usr/sbin/tcpd " + tuned);
        InetSocketAddress service = awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));

        String[] seen = readAllFrom(service, ALLOWED, "/usr/sbin/tcpd " + tuned).split("\n");
        assertEquals("umask 027 from the rule", "0027", seen[0]);
        assertEquals("nice 4 from the rule, added to the server's own", Math.min(19, niceOfThisProcess() + 4),
                Integer.parseInt(seen[1].trim()));
        assertEquals("SO_KEEPALIVE on, SO_LINGER on with 5 s", "1 1 5", seen[2]);
    }

    // ---- 2: twist ----------------------------------------------------------------------------

    @Test
    public void twistAnswersTheClientOfABuiltinInsteadOfTheBuiltin() throws Exception {
        Rules rules = tcpdRules("", "echo: " + OTHER + ": twist /bin/echo twisted %a\n");
        InetSocketAddress echo = echoByServiceName(true);

        // the client sends nothing: the echo handler would say nothing and keep the connection open
        assertEquals("the twist command, not echo, answers " + OTHER + " (its %a expanded), then the "
                        + "connection ends", "twisted " + OTHER + "\n",
                readAllFrom(echo, OTHER, "echo twisted for " + OTHER));
        assertEchoServes(echo, ALLOWED, "echo (no rule names " + ALLOWED + ")");
        log().await(TIMEOUT, "TCPD service=echo daemon=echo from=" + OTHER + " rule=" + rules.deny + ":1 twist");
    }

    @Test
    public void twistAnswersTheClientOfAnExecdServiceAndTheRealServerNeverRuns() throws Exception {
        Rules rules = tcpdRules("", GREETD + ": " + OTHER + ": twist /bin/echo twisted %a\n");
        Path greetd = greetd();
        int port = freePort();
        Path conf = serveInetd(false, "", "127.0.0.1:" + port + " stream tcp nowait " + USER + " /usr/sbin/tcpd " + greetd);
        InetSocketAddress greet = awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));

        assertEquals("the twist command answers " + OTHER + " (its %a expanded) instead of " + GREETD,
                "twisted " + OTHER + "\n", readAllFrom(greet, OTHER, GREETD + " twisted for " + OTHER));
        assertEquals(GREETD + " never started for the twisted client (pids it recorded)", List.of(), scratch().pids());
        log().await(TIMEOUT, "TCPD service=" + port + " daemon=" + GREETD + " from=" + OTHER
                + " rule=" + rules.deny + ":1 twist");

        assertEquals(GREETD + " serves " + ALLOWED, GREETING, readAllFrom(greet, ALLOWED, GREETD));
        assertEquals(GREETD + " started for the allowed client only", 1, scratch().pids().size());
    }

    // ---- 3: spawn ----------------------------------------------------------------------------

    @Test
    public void spawnRunsItsExpandedCommandBesideTheServiceWhichStillServes() throws Exception {
        Path spawned = scratch().path("spawned-");
        Rules rules = tcpdRules("ALL: " + ALLOWED + ": spawn echo %d %a > " + spawned + "%d\n", "");
        Path greetd = greetd();
        int port = freePort();
        // wrap_all wraps the built-in and the plain program line alike
        InetSocketAddress echo = echoByServiceName(true,
                "127.0.0.1:" + port + " stream tcp nowait " + USER + " " + greetd);
        InetSocketAddress greet = awaitListening(inetdId(scratch().path("inetd.conf"), "127.0.0.1", port, "tcp"));

        assertEchoServes(echo, ALLOWED, "echo with a spawn rule for " + ALLOWED);
        assertFileSays(scratch().path("spawned-echo"), "echo " + ALLOWED + "\n", "spawn of the rule for echo");
        log().await(TIMEOUT, "TCPD service=echo daemon=echo from=" + ALLOWED + " rule=" + rules.allow + ":1 allow");

        assertEquals(GREETD + " with a spawn rule serves " + ALLOWED, GREETING, readAllFrom(greet, ALLOWED, GREETD));
        assertFileSays(scratch().path("spawned-" + GREETD), GREETD + " " + ALLOWED + "\n",
                "spawn of the rule for " + GREETD);
    }

    // ---- 4: an edited hosts.deny ---------------------------------------------------------------

    @Test
    public void anEditedHostsDenyDecidesTheNextConnectionWithoutARestart() throws Exception {
        Rules rules = tcpdRules("", "# nothing denied yet\n");
        log().await(TIMEOUT, "Read tcpd rules ", rules.deny + " (0 rules)");
        InetSocketAddress echo = echoByServiceName(true);
        ListenerStatus before = listener(inetdId(scratch().path("inetd.conf"), "127.0.0.1", "echo", "tcp"));
        assertEchoServes(echo, OTHER, "echo before hosts.deny names " + OTHER);

        // as an administrator edits it: the very next connection, with no wait between them, is decided
        // by the new rules (each decision checks the files; no poll has to see the edit first)
        scratch().write("hosts.deny", "# now it is\nALL: " + OTHER + "\n");
        assertDenied(echo, OTHER, "echo right after hosts.deny names " + OTHER);
        log().await(TIMEOUT, "Read tcpd rules ", rules.deny + " (1 rules)");
        assertEchoServes(echo, ALLOWED, "echo once hosts.deny names " + OTHER);
        log().await(TIMEOUT, "TCPD service=echo daemon=echo from=" + OTHER + " rule=" + rules.deny + ":2 deny");

        scratch().write("hosts.deny", "ALL: 127.0.0.3\n" + "in.nosuchd: ALL\n");
        assertEchoServes(echo, OTHER, "echo right after hosts.deny no longer names " + OTHER);
        log().await(TIMEOUT, "Read tcpd rules ", rules.deny + " (2 rules)");

        ListenerStatus after = listener(inetdId(scratch().path("inetd.conf"), "127.0.0.1", "echo", "tcp"));
        assertEquals("the listener was not rebound", before.boundAddress(), after.boundAddress());
        assertEquals("the listener was not restarted: it counted the 4 connections since",
                before.accepted() + 4, after.accepted());
    }

    @Test
    public void aHostsDenyThatBecomesADanglingSymlinkDeniesTheNextConnectionAndTheErrorNamesIt() throws Exception {
        Rules rules = tcpdRules("", "# nothing denied yet\n");
        InetSocketAddress echo = echoByServiceName(true);
        assertEchoServes(echo, ALLOWED, "echo before hosts.deny dangles");

        // a symlink renamed over hosts.deny, pointing nowhere: unreadable, so fail closed at once
        Path link = scratch().path("hosts.deny.link");
        java.nio.file.Files.createSymbolicLink(link, scratch().path("no-such-target"));
        java.nio.file.Files.move(link, rules.deny, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertDenied(echo, ALLOWED, "echo right after hosts.deny became a dangling symlink");
        log().await(TIMEOUT, rules.deny + ": error: cannot be read: is a dangling symbolic link");

        scratch().write("hosts.deny.new", "# readable again\n");
        java.nio.file.Files.move(scratch().path("hosts.deny.new"), rules.deny,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEchoServes(echo, ALLOWED, "echo right after hosts.deny is a readable file again");
    }

    // ---- 5: the policy's bundle stopped and started -------------------------------------------

    @Test
    public void stoppingTheTcpdBundleFailsWrappedServicesClosedAndStartingItRestoresItsRules() throws Exception {
        Rules rules = tcpdRules("", "ALL: " + OTHER + "\n");
        Path greetd = greetd();
        int wrappedGreetPort = freePort();
        int openGreetPort = freePort();
        int openEchoPort = freePort();
        Path conf = serveInetd(false, "",
                "127.0.0.1:" + wrappedGreetPort + " stream tcp nowait " + USER + " /usr/sbin/tcpd " + greetd,
                "127.0.0.1:" + openGreetPort + " stream tcp nowait " + USER + " " + greetd,
                "127.0.0.1:" + openEchoPort + " stream tcp nowait " + USER + " internal echo");
        define(wrapped(internal("tcpd-stop-echo", "echo", Protocol.TCP)));
        Map<String, InetSocketAddress> services = Map.of(
                "wrapped echo", awaitListening("tcpd-stop-echo"),
                "wrapped " + GREETD, awaitListening(inetdId(conf, "127.0.0.1", wrappedGreetPort, "tcp")),
                "open " + GREETD, awaitListening(inetdId(conf, "127.0.0.1", openGreetPort, "tcp")),
                "open echo", awaitListening(inetdId(conf, "127.0.0.1", openEchoPort, "tcp")));
        Function<String, InetSocketAddress> at = services::get;

        // the rules apply
        assertEchoServes(at.apply("wrapped echo"), ALLOWED, "wrapped echo");
        assertDenied(at.apply("wrapped echo"), OTHER, "wrapped echo");
        assertEquals(GREETING, readAllFrom(at.apply("wrapped " + GREETD), ALLOWED, "wrapped " + GREETD));
        assertDenied(at.apply("wrapped " + GREETD), OTHER, "wrapped " + GREETD);
        assertOpenServicesServeBoth(at);

        Bundle tcpd = installedBundle(ACCESS_TCPD);
        long statusServiceId = serviceId(ServerStatus.class);
        Map<String, InetSocketAddress> boundBefore = boundAddresses();
        tcpd.stop();
        try {
            assertEquals("no tcpd AccessPolicy is registered while its bundle is stopped", List.of(),
                    tcpdPolicies());
            // fail closed: every client of a wrapped service is refused, even the one no rule names
            for (String client : List.of(ALLOWED, OTHER)) {
                assertDenied(at.apply("wrapped echo"), client, "wrapped echo while the tcpd bundle is stopped");
                assertDenied(at.apply("wrapped " + GREETD), client,
                        "wrapped " + GREETD + " while the tcpd bundle is stopped");
            }
            assertOpenServicesServeBoth(at);

            for (String other : List.of(CORE, BUILTIN, CONFIG_INETD, CONFIG_CM, API)) {
                assertEquals(other + " stays active while " + ACCESS_TCPD + " is stopped", Bundle.ACTIVE,
                        installedBundle(other).getState());
            }
            assertEquals("the core's ServerStatus service was not re-registered", statusServiceId,
                    serviceId(ServerStatus.class));
            assertEquals("no listener was rebound", boundBefore, boundAddresses());
        } finally {
            tcpd.start();
        }

        awaitServiceWith(AccessPolicy.class, "(" + AccessPolicy.NAME_PROPERTY + "=" + TCPD_POLICY + ")");
        // the restarted component reads the configured files again (the first read was at tcpdRules)
        log().await(TIMEOUT, 2, "Read tcpd rules " + rules.allow + " (");
        awaitEchoServes(at.apply("wrapped echo"), ALLOWED, "wrapped echo after the tcpd bundle started again");
        assertDenied(at.apply("wrapped echo"), OTHER, "wrapped echo after the tcpd bundle started again");
        assertEquals(GREETING, readAllFrom(at.apply("wrapped " + GREETD), ALLOWED,
                "wrapped " + GREETD + " after the tcpd bundle started again"));
        assertDenied(at.apply("wrapped " + GREETD), OTHER,
                "wrapped " + GREETD + " after the tcpd bundle started again");
        assertOpenServicesServeBoth(at);
        assertEquals("the core's ServerStatus service was not re-registered", statusServiceId,
                serviceId(ServerStatus.class));
        assertEquals("no listener was rebound", boundBefore, boundAddresses());
    }

    // ---- set-up helpers ------------------------------------------------------------------------

    /** The hosts.allow and hosts.deny files a test's rules are in. */
    record Rules(Path allow, Path deny) {
    }

    /**
     * Writes hosts.allow and hosts.deny into the scratch directory and points the tcpd policy at
     * them (checked for changes every 100 ms, lookups bounded by a second); returns once the policy
     * has read them. The one configuration of the PID is updated, never deleted (as with inetd.conf's,
     * see {@link #inetdConfiguration}); after the test it names files that do not exist (no rules)
     * and polls no more.
     */
    private Rules tcpdRules(String allow, String deny) throws Exception {
        LogCapture log = log();
        Rules rules = new Rules(scratch().write("hosts.allow", allow), scratch().write("hosts.deny", deny));
        org.osgi.service.cm.Configuration configuration =
                service(ConfigurationAdmin.class).getConfiguration(TCPD_PID, "?");
        configuration.update(properties(
                "allow_file", rules.allow.toString(),
                "deny_file", rules.deny.toString(),
                "poll_interval_ms", 100L,
                "lookup_timeout_ms", 1000L));
        Path noAllow = scratch().path("no-such-hosts.allow");
        Path noDeny = scratch().path("no-such-hosts.deny");
        afterTest(() -> {
            configuration.update(properties(
                    "allow_file", noAllow.toString(),
                    "deny_file", noDeny.toString(),
                    "poll_interval_ms", 0L));
            log.await(TIMEOUT, "Read tcpd rules " + noAllow + " (");
        });
        log.await(TIMEOUT, "Read tcpd rules " + rules.allow + " (", rules.deny + " (");
        return rules;
    }

    /**
     * Serves an inetd.conf of {@code lines} (services table {@code services}, no change detection),
     * with or without {@code wrap_all}; returns the file once its ConfigSource is registered.
     */
    private Path serveInetd(boolean wrapAll, String services, String... lines) throws Exception {
        Path conf = scratch().write("inetd.conf", String.join("\n", lines) + "\n");
        inetdConfiguration(properties(
                "file", new String[] {conf.toString()},
                "services", scratch().write("services", services).toString(),
                "poll_interval_ms", 0L,
                "wrap_all", wrapAll));
        awaitServiceWith(ConfigSource.class, "(" + CONFIG_FILES_PROPERTY + "=" + conf + ")");
        return conf;
    }

    /**
     * Serves the built-in echo by its service name (so its tcpd daemon name is {@code echo}), on a
     * port from a scratch services table, plus {@code moreLines}; returns echo's address.
     */
    private InetSocketAddress echoByServiceName(boolean wrapAll, String... moreLines) throws Exception {
        String[] lines = new String[moreLines.length + 1];
        lines[0] = "127.0.0.1:echo\tstream\ttcp\tnowait\t" + USER + "\tinternal";
        System.arraycopy(moreLines, 0, lines, 1, moreLines.length);
        Path conf = serveInetd(wrapAll, "echo\t\t" + freePort() + "/tcp\n", lines);
        return awaitListening(inetdId(conf, "127.0.0.1", "echo", "tcp"));
    }

    /** The exec'd server: greets and ends (its pid recorded in the scratch directory's pids file). */
    private Path greetd() throws IOException {
        return scratch().script(GREETD, "printf '" + GREETING.replace("\n", "\\n") + "'\n");
    }

    /** The definition with the tcpd policy, as a config format that names policies would give it. */
    private static ServiceDefinition wrapped(ServiceDefinition definition) {
        return definition.toBuilder().policies(List.of(TCPD_POLICY)).build();
    }

    /** This process's nice value (field 19 of /proc/self/stat), which the server's children start from. */
    private static int niceOfThisProcess() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    // ---- clients ---------------------------------------------------------------------------------

    /** A client from {@code source} is echoed. */
    private static void assertEchoServes(InetSocketAddress echo, String source, String what) throws IOException {
        String message = "from " + source + "\n";
        try (Socket socket = connectFrom(source, echo)) {
            socket.getOutputStream().write(ascii(message));
            socket.getOutputStream().flush();
            assertEquals(what + ": echoed to the client from " + source, message,
                    ascii(readExactly(socket, message.length())));
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": the client from " + source + " got no echo within "
                    + READ_TIMEOUT_MILLIS + " ms, where it should be served (" + e + ")", e);
        } catch (IOException e) {
            throw new AssertionError(what + ": the client from " + source + " was not served (" + e
                    + "), where it should be allowed", e);
        }
    }

    /** Like {@link #assertEchoServes} but tries new connections until one is served or the timeout passes. */
    private static void awaitEchoServes(InetSocketAddress echo, String source, String what) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                assertEchoServes(echo, source, what);
                return;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(what + ": still not served after " + TIMEOUT + ": "
                            + notYet.getMessage(), notYet);
                }
            }
            Thread.sleep(50);
        }
    }

    /**
     * A client from {@code source} is denied: without sending anything, it reads end of file with no
     * data (no banner is configured).
     */
    private static void assertDenied(InetSocketAddress service, String source, String what) throws IOException {
        try (Socket socket = connectFrom(source, service)) {
            byte[] got;
            try {
                got = readToEnd(socket);
            } catch (SocketTimeoutException e) {
                throw new AssertionError(what + ": the client from " + source + " was still connected after "
                        + READ_TIMEOUT_MILLIS + " ms: served, where it should be denied", e);
            } catch (SocketException e) {
                throw new AssertionError(what + ": the client from " + source + " should read end of file "
                        + "without data, but got " + e, e);
            }
            assertEquals(what + ": the client from " + source + " is denied: the connection ends without a byte",
                    "", ascii(got));
        }
    }

    /** What a client from {@code source} that sends nothing reads until the server closes. */
    private static String readAllFrom(InetSocketAddress service, String source, String what) throws IOException {
        return sendAndReadToEnd(service, source, null, what);
    }

    /** Sends {@code text} (if any) from {@code source}, shuts its side down, reads until the server closes. */
    private static String sendAndReadToEnd(InetSocketAddress service, String source, String text, String what)
            throws IOException {
        try (Socket socket = connectFrom(source, service)) {
            if (text != null) {
                socket.getOutputStream().write(ascii(text));
                socket.shutdownOutput();
            }
            return ascii(readToEnd(socket));
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": the client from " + source + " was still connected after "
                    + READ_TIMEOUT_MILLIS + " ms (the server neither answered in full nor closed)", e);
        }
    }

    private static void assertOpenServicesServeBoth(Function<String, InetSocketAddress> at) throws IOException {
        for (String client : List.of(ALLOWED, OTHER)) {
            assertEchoServes(at.apply("open echo"), client, "unwrapped echo");
            assertEquals("unwrapped " + GREETD + " serves " + client, GREETING,
                    readAllFrom(at.apply("open " + GREETD), client, "unwrapped " + GREETD));
        }
    }

    /** Waits (bounded) until {@code file} holds exactly {@code expected}. */
    private static void assertFileSays(Path file, String expected, String what) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String last = null;
        while (true) {
            if (Files.isRegularFile(file)) {
                last = Files.readString(file, StandardCharsets.UTF_8);
                if (expected.equals(last)) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": " + file + " did not come to hold '" + expected.replace("\n", "\\n") + "' within "
                        + TIMEOUT + "; " + (last == null ? "it does not exist" : "it holds '"
                        + last.replace("\n", "\\n") + "'"));
            }
            Thread.sleep(20);
        }
    }

    // ---- framework state -------------------------------------------------------------------------

    private List<ServiceReference<AccessPolicy>> tcpdPolicies() throws Exception {
        return List.copyOf(context.getServiceReferences(AccessPolicy.class,
                "(" + AccessPolicy.NAME_PROPERTY + "=" + TCPD_POLICY + ")"));
    }

    private long serviceId(Class<?> type) {
        ServiceReference<?> reference = context.getServiceReference(type);
        assertTrue(type.getSimpleName() + " is registered", reference != null);
        return (Long) reference.getProperty(Constants.SERVICE_ID);
    }

    private ListenerStatus listener(String id) throws InterruptedException {
        return serverStatus().listener(id).orElseThrow(() -> new AssertionError("the core knows no listener " + id));
    }

    /** Every listener's bound address, by definition id. */
    private Map<String, InetSocketAddress> boundAddresses() throws InterruptedException {
        return serverStatus().listeners().stream()
                .filter(l -> l.boundAddress() != null)
                .collect(Collectors.toMap(l -> l.definition().id(), ListenerStatus::boundAddress));
    }
}
