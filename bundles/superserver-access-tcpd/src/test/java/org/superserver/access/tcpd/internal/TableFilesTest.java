package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Diagnostic;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;

/**
 * hosts.allow and hosts.deny that are absent, dangling links, FIFOs, directories or unreadable:
 * only a file that does not exist at all is an empty table (as in tcpd); every other one that
 * cannot be read denies, with an error that names the file and says why, and nothing is opened
 * that could wait for a writer.
 */
public class TableFilesTest {

    @org.junit.Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private Hosts hosts;

    @Before
    public void setUp() throws IOException {
        hosts = new Hosts(tmp.getRoot().toPath());
    }

    @After
    public void tearDown() {
        executor.shutdownNow();
    }

    private TcpdPolicy policy() {
        TcpdPolicy p = new TcpdPolicy(hosts.allow, hosts.deny, 1000, false,
                new NameCache(hosts, executor, 30_000, 100, System::nanoTime), executor, null,
                (l, r, t) -> Request.UNKNOWN, TcpdPolicy.SH, 0);
        p.reload();
        return p;
    }

    private static Decision decide(TcpdPolicy p, String client) throws Exception {
        ServiceDefinition echo = ServiceDefinition.builder().name("echo").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).port(10007).handler("echo").build();
        ConnectionInfo c = new ConnectionInfo("id", "echo", Protocol.TCP, Hosts.endpoint("127.0.0.1", 10007),
                Hosts.endpoint(client, 40001), Instant.now());
        return p.check(c, echo).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static List<String> errors(RuleSet rules) {
        return rules.diagnostics.stream().filter(Diagnostic::isError).map(Diagnostic::toString)
                .collect(Collectors.toList());
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertEquals("mkfifo " + path, 0, p.waitFor());
    }

    @Test
    public void missingFilesAreEmptyTablesAsInTcpd() throws Exception {
        TcpdPolicy p = policy();
        assertEquals(RuleSet.Status.MISSING, p.rules().allow.status);
        assertEquals(RuleSet.Status.MISSING, p.rules().deny.status);
        assertEquals(List.of(), errors(p.rules()));
        Decision d = decide(p, "127.0.0.2");
        assertTrue(d.isAllowed());
        assertEquals("no rule matched", d.reason());
    }

    @Test
    public void aDanglingHostsAllowDeniesEveryoneAndTheErrorNamesIt() throws Exception {
        Files.createSymbolicLink(hosts.allow, tmp.getRoot().toPath().resolve("gone"));
        Hosts.write(hosts.deny, "");
        TcpdPolicy p = policy();
        assertEquals(RuleSet.Status.UNREADABLE, p.rules().allow.status);
        List<String> errors = errors(p.rules());
        assertEquals(1, errors.size());
        assertTrue(errors.get(0), errors.get(0).startsWith(hosts.allow + ": error: cannot be read: is a dangling "
                + "symbolic link (to " + tmp.getRoot().toPath().resolve("gone") + ", which does not exist)"));
        assertTrue(errors.get(0), errors.get(0).contains("fail closed"));
        Decision d = decide(p, "127.0.0.2");
        assertFalse(d.isAllowed());
        assertTrue(d.reason(), d.reason().startsWith(hosts.allow + " cannot be read (is a dangling symbolic link")
                && d.reason().endsWith("denied (fail closed)"));
    }

    @Test
    public void aDanglingHostsDenyDeniesWhomHostsAllowDoesNotLetIn() throws Exception {
        Hosts.write(hosts.allow, "echo: 127.0.0.3\n");
        Files.createSymbolicLink(hosts.deny, Path.of("/nonexistent/superserver-test"));
        TcpdPolicy p = policy();
        assertEquals(RuleSet.Status.UNREADABLE, p.rules().deny.status);
        assertTrue(decide(p, "127.0.0.3").isAllowed());
        Decision d = decide(p, "127.0.0.2");
        assertFalse(d.isAllowed());
        assertTrue(d.reason(), d.reason().contains("dangling symbolic link (to /nonexistent/superserver-test"));
    }

    @Test
    public void aLinkedDirectoryThatPointsNowhereIsNotAMissingFile() throws Exception {
        Path etc = tmp.getRoot().toPath().resolve("etc");
        Files.createSymbolicLink(etc, tmp.getRoot().toPath().resolve("no-such-dir"));
        hosts = new Hosts(etc);
        TcpdPolicy p = policy();
        assertEquals(RuleSet.Status.UNREADABLE, p.rules().allow.status);
        assertTrue(errors(p.rules()).get(0), errors(p.rules()).get(0).contains("is reached through " + etc
                + ", a dangling symbolic link"));
        assertFalse(decide(p, "127.0.0.2").isAllowed());
    }

    @Test(timeout = 30_000)
    public void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        Hosts.write(hosts.allow, "");
        mkfifo(hosts.deny);
        TcpdPolicy p = policy();
        assertEquals(RuleSet.Status.UNREADABLE, p.rules().deny.status);
        assertEquals(List.of(hosts.deny + ": error: cannot be read: is a FIFO, not a regular file; every client "
                + "that it could decide about is denied until it can be read (fail closed); expected a readable "
                + "regular file in hosts_access(5) format, or no file at all"), errors(p.rules()));
        Decision d = decide(p, "127.0.0.2");
        assertFalse(d.isAllowed());
        assertEquals(hosts.deny + " cannot be read (is a FIFO, not a regular file), denied (fail closed)", d.reason());
    }

    @Test(timeout = 30_000)
    public void aFifoAsPatternFileMatchesNothingWithoutOpeningIt() throws Exception {
        Path list = tmp.getRoot().toPath().resolve("list");
        mkfifo(list);
        Hosts.write(hosts.allow, "");
        Hosts.write(hosts.deny, "echo: " + list + "\n");
        TcpdPolicy p = policy();
        assertTrue(p.rules().diagnostics.toString(), p.rules().diagnostics.toString()
                .contains(list + ": warning: pattern file cannot be read: is a FIFO, not a regular file"));
        assertTrue(decide(p, "127.0.0.2").isAllowed());
    }

    @Test
    public void aDirectoryIsRefused() throws Exception {
        Files.createDirectory(hosts.allow);
        TcpdPolicy p = policy();
        assertTrue(errors(p.rules()).get(0), errors(p.rules()).get(0)
                .startsWith(hosts.allow + ": error: cannot be read: is a directory, not a regular file"));
        assertFalse(decide(p, "127.0.0.2").isAllowed());
    }

    @Test
    public void aDeviceIsRefused() throws Exception {
        TcpdPolicy p = new TcpdPolicy(hosts.allow, Path.of("/dev/zero"), 1000, false,
                new NameCache(hosts, executor, 30_000, 100, System::nanoTime), executor, null,
                (l, r, t) -> Request.UNKNOWN, TcpdPolicy.SH, 0);
        p.reload();
        assertEquals(List.of("/dev/zero: error: cannot be read: is a character device, not a regular file; every "
                + "client that it could decide about is denied until it can be read (fail closed); expected a "
                + "readable regular file in hosts_access(5) format, or no file at all"), errors(p.rules()));
        assertFalse(decide(p, "127.0.0.2").isAllowed());
    }

    @Test
    public void aFileWithoutReadPermissionDenies() throws Exception {
        assumeFalse("root reads a file of mode 000, so this needs a user other than root",
                "root".equals(System.getProperty("user.name")));
        Hosts.write(hosts.allow, "");
        Hosts.write(hosts.deny, "");
        Files.setPosixFilePermissions(hosts.deny, PosixFilePermissions.fromString("---------"));
        TcpdPolicy p = policy();
        assertEquals(RuleSet.Status.UNREADABLE, p.rules().deny.status);
        assertTrue(errors(p.rules()).get(0), errors(p.rules()).get(0).contains("Permission denied"));
        assertFalse(decide(p, "127.0.0.2").isAllowed());
    }

    @Test
    public void aDanglingLinkThatGetsATargetIsReadAtTheNextDecision() throws Exception {
        Path target = tmp.getRoot().toPath().resolve("real.deny");
        Files.createSymbolicLink(hosts.deny, target);
        TcpdPolicy p = policy();
        assertFalse(decide(p, "127.0.0.2").isAllowed());
        Hosts.write(target, "echo: 127.0.0.3\n");
        assertTrue(decide(p, "127.0.0.2").isAllowed());
        assertFalse(decide(p, "127.0.0.3").isAllowed());
    }
}
