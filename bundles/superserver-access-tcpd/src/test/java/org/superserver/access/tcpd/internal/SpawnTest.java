package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * A real spawn command, started by the real shell runner from this JVM, whose environment has
 * variables a child must not inherit (the pom's surefire {@code environmentVariables}:
 * {@code SUPERSERVER_TEST_SECRET}, {@code BASH_ENV}, {@code LD_LIBRARY_PATH}): the command writes its
 * environment, its descriptors and its session to a file.
 */
public class SpawnTest {

    @org.junit.Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @After
    public void tearDown() {
        executor.shutdownNow();
    }

    @Test(timeout = 30_000)
    public void aSpawnedCommandGetsALaunderedEnvironmentNoServerDescriptorAndASessionOfItsOwn() throws Exception {
        assumeTrue("the surefire configuration of this module sets SUPERSERVER_TEST_SECRET",
                System.getenv("SUPERSERVER_TEST_SECRET") != null);
        assumeTrue("needs setsid(1)", TcpdPolicy.SETSID != null);
        Hosts hosts = new Hosts(tmp.getRoot().toPath());
        Path out = tmp.getRoot().toPath().resolve("spawned");
        hosts.files("echo: ALL: setenv RULEVAR from-the-rule: spawn (env; echo FD0 $(readlink /proc/self/fd/0); "
                + "echo FD2 $(readlink /proc/self/fd/2); echo FDS $(ls /proc/self/fd); "
                + "echo SESSION $$ $(cut -d' ' -f6 /proc/self/stat)) > " + out + ".tmp; mv " + out + ".tmp " + out
                + "\n", "");
        TcpdPolicy p = new TcpdPolicy(hosts.allow, hosts.deny, 1000, false,
                new NameCache(hosts, executor, 30_000, 100, System::nanoTime), executor, null,
                (l, r, t) -> Request.UNKNOWN, TcpdPolicy.SH, 0);
        p.reload();
        ServiceDefinition echo = ServiceDefinition.builder().name("echo").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).port(10007).handler("echo").passenv(List.of("SUPERSERVER_TEST_PASSED"))
                .build();
        ConnectionInfo c = new ConnectionInfo("id", "echo", Protocol.TCP, Hosts.endpoint("127.0.0.1", 10007),
                Hosts.endpoint("127.0.0.2", 40001), Instant.now());
        // a descriptor of the server that the command must not get
        try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertTrue(p.check(c, echo).toCompletableFuture().get(10, TimeUnit.SECONDS).isAllowed());
            while (!Files.exists(out)) {
                Thread.sleep(20);
            }
        }
        List<String> lines = Files.readAllLines(out);
        String all = String.join("\n", lines);
        assertFalse(all, all.contains("SUPERSERVER_TEST_SECRET"));
        assertFalse(all, all.contains("BASH_ENV"));
        assertFalse(all, all.contains("LD_LIBRARY_PATH"));
        assertTrue(all, lines.contains("SUPERSERVER_TEST_PASSED=passed-by-passenv"));
        assertTrue(all, lines.contains("RULEVAR=from-the-rule"));
        assertTrue(all, lines.contains("PATH=" + SpawnEnvironment.PATH));
        assertTrue(all, lines.contains("REMOTE_ADDR=127.0.0.2"));
        for (String line : lines) {
            String name = line.contains("=") ? line.substring(0, line.indexOf('=')) : "";
            assertFalse("inherited " + line, name.startsWith("LD_") || name.startsWith("JAVA_") || name.equals("MAVEN_OPTS"));
        }
        assertTrue(all, lines.contains("FD0 /dev/null"));
        assertTrue(all, lines.contains("FD2 /dev/null"));
        String fds = lines.stream().filter(l -> l.startsWith("FDS ")).findFirst().orElseThrow();
        // 0, 1 (the file), 2, and ls's own open directory
        assertEquals(all, List.of("FDS", "0", "1", "2", "3"), Arrays.asList(fds.split(" ")));
        String[] session = lines.stream().filter(l -> l.startsWith("SESSION ")).findFirst().orElseThrow().split(" ");
        assertEquals("the shell leads a session of its own: " + all, session[1], session[2]);
        String jvm = Files.readString(Path.of("/proc/self/stat"));
        String jvmSession = jvm.substring(jvm.lastIndexOf(')') + 2).split(" ")[3];
        assertNotEquals(jvmSession, session[2]);
    }
}
