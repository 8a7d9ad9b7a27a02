package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;

/**
 * A reload that changes a service's access rules asks the policies again about its live clients
 * and ends those no longer allowed; a removed xinetd service ends its clients, an inetd one leaves
 * them; the state dump shows services, connections, children and counters.
 */
public class ReloadRecheckTest extends CoreFixture {

    private Path dir;

    @Before
    public void startCore() throws Exception {
        dir = ScriptDir.create("superserver-recheck");
        start(SETTINGS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
        // denies the addresses its definition lists under "deny"
        registry.addPolicy("p", List.of("gate"), 0, (c, d) -> CompletableFuture.completedFuture(
                d.attribute("deny").contains(c.remote().getAddress().getHostAddress())
                        ? Decision.deny("listed") : Decision.allow("not listed")));
        registry.addPolicy("x", List.of("xinetd"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.allow("xinetd")));
    }

    @After
    public void cleanUp() throws IOException {
        stopEverything();
        ScriptDir.delete(dir);
    }

    private static ServiceDefinition gated(String id, String... denied) {
        return tcp(id).policies(List.of("gate")).attribute("deny", List.of(denied)).build();
    }

    @Test
    public void aReloadThatDeniesAConnectedClientClosesItsConnectionAndKeepsTheOthers() throws Exception {
        registry.addDefinition("d", gated("g"));
        int port = port("g");
        try (Socket denied = connectFrom("127.0.0.2", port); Socket kept = connectFrom("127.0.0.3", port)) {
            assertEchoes(denied, "before\n");
            assertEchoes(kept, "before\n");

            registry.addDefinition("d", gated("g", "127.0.0.2"));
            settle();
            assertClosedByServer(denied);
            assertEchoes(kept, "still allowed\n");
            assertEquals(1, registry.binding("g").occupancy().revoked.get());
            assertEquals("the socket stayed", port, port("g"));

            String dump = registry.dump();
            assertTrue(dump, dump.contains("Service = g\n"));
            assertTrue(dump, dump.contains("\t\tdeny = 127.0.0.2\n"));
            assertTrue(dump, dump.contains("\tended by reloads = 1\n"));
            assertTrue(dump, dump.contains("g connection\n\tfrom = 127.0.0.3:" + kept.getLocalPort() + "\n"));
            assertFalse(dump, dump.contains("from = 127.0.0.2:"));
        }
    }

    @Test
    public void aChangeThatLeavesTheAccessRulesAloneAsksNothingAgain() throws Exception {
        registry.addDefinition("d", gated("g", "127.0.0.2"));
        int port = port("g");
        try (Socket client = connectFrom("127.0.0.3", port)) {
            assertEchoes(client, "before\n");
            registry.addDefinition("d", tcp("g").policies(List.of("gate")).attribute("deny", List.of("127.0.0.2"))
                    .instances(5).build());
            settle();
            assertEchoes(client, "after\n");
            assertEquals(0, registry.binding("g").occupancy().revoked.get());
        }
    }

    @Test
    public void removingAnXinetdServiceClosesItsConnectionsAndRemovingAnInetdOneLeavesThem() throws Exception {
        registry.addDefinition("x", tcp("xs").policies(List.of("xinetd")).build());
        registry.addDefinition("i", tcp("is").build());
        try (Socket xinetdClient = connect(port("xs")); Socket inetdClient = connect(port("is"))) {
            assertEchoes(xinetdClient, "x\n");
            assertEchoes(inetdClient, "i\n");
            registry.removeDefinition("x");
            registry.removeDefinition("i");
            settle();
            assertClosedByServer(xinetdClient);
            assertEchoes(inetdClient, "left to finish, as inetd does\n");
        }
    }

    private ServiceDefinition exec(String id, List<String> policies, String... denied) throws IOException {
        Path script = ScriptDir.script(dir, "pidcat.sh", "#!/bin/sh\necho \"$$\"\nexec cat\n");
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).server(script.toString()).argv(List.of("pidcat"))
                .policies(policies).attribute("deny", List.of(denied)).origin("test:" + id).build();
    }

    private Socket served(int port, String line) throws IOException {
        Socket socket = connect(port);
        assertEchoes(socket, line);
        return socket;
    }

    private static int pid(Socket client) throws IOException {
        String line = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        assertTrue("no pid from the child: " + line, line != null && line.matches("\\d+"));
        return Integer.parseInt(line);
    }

    @Test
    public void aRunningServerWhoseClientIsNoLongerAllowedIsTerminated() throws Exception {
        Assume.assumeTrue("exec'd services need epoll", io.netty.channel.epoll.Epoll.isAvailable());
        registry.addDefinition("e", exec("ex", List.of("gate")));
        int port = port("ex");
        try (Socket denied = connectFrom("127.0.0.2", port); Socket kept = connectFrom("127.0.0.3", port)) {
            int deniedPid = pid(denied);
            int keptPid = pid(kept);
            // the child may print its pid before the core has entered it in its server table
            long deadline = System.nanoTime() + 5_000_000_000L;
            String dump = registry.dump();
            while (!dump.contains("pid = " + deniedPid + "\n") && System.nanoTime() < deadline) {
                Thread.sleep(10);
                dump = registry.dump();
            }
            assertTrue(dump, dump.contains("pid = " + deniedPid + "\n"));

            registry.addDefinition("e", exec("ex", List.of("gate"), "127.0.0.2"));
            settle();
            ExecTest.assertReaped(deniedPid);
            assertClosedByServer(denied);
            assertTrue("the allowed client's server runs on", Files.exists(Path.of("/proc/" + keptPid)));
            assertEchoes(kept, "still here\n");
        }
    }

    @Test
    public void aServerAdmittedBeforeAReloadButStartedAfterItsRecheckIsAskedAgainToo() throws Exception {
        Assume.assumeTrue("exec'd services need epoll", io.netty.channel.epoll.Epoll.isAvailable());
        // decides by the definition's deny list, but holds its first answer until the test lets it go
        AtomicReference<CompletableFuture<Decision>> held = new AtomicReference<>();
        registry.addPolicy("s", List.of("slowgate"), 0, (c, d) -> {
            if (d.attribute("deny").contains(c.remote().getAddress().getHostAddress())) {
                return CompletableFuture.completedFuture(Decision.deny("listed"));
            }
            CompletableFuture<Decision> answer = new CompletableFuture<>();
            return held.compareAndSet(null, answer) ? answer : CompletableFuture.completedFuture(Decision.allow("ok"));
        });
        registry.addDefinition("e", exec("exl", List.of("slowgate")));
        int port = port("exl");
        try (Socket client = connectFrom("127.0.0.2", port)) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (held.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue("the policy was never asked", held.get() != null);

            // the reload's recheck finds no server yet: the client is still being admitted under the old rules
            registry.addDefinition("e", exec("exl", List.of("slowgate"), "127.0.0.2"));
            settle();
            held.get().complete(Decision.allow("allowed by the rules before the reload"));

            client.setSoTimeout(10_000);
            BufferedReader lines = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII));
            try {
                while (lines.readLine() != null) {
                    // the server's pid line, if it wrote it before it was ended
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the server started under the old rules still serves a denied client");
            } catch (IOException reset) {
                // reset: closed too
            }
            assertEquals(1, registry.binding("exl").occupancy().revoked.get());
        }
    }

    @Test
    public void removingAnXinetdExecServiceKillsItsServers() throws Exception {
        Assume.assumeTrue("exec'd services need epoll", io.netty.channel.epoll.Epoll.isAvailable());
        registry.addDefinition("e", exec("exs", List.of("xinetd")));
        try (Socket client = connect(port("exs"))) {
            int pid = pid(client);
            registry.removeDefinition("e");
            settle();
            ExecTest.assertReaped(pid);
            assertClosedByServer(client);
        }
    }

    @Test
    public void theDumpFileIsWrittenWholeWithMode0600AndReplacesASymlinkWithoutFollowingIt() throws Exception {
        Path target = Files.writeString(dir.resolve("elsewhere"), "untouched");
        Path dump = dir.resolve("superserver.dump");
        Files.createSymbolicLink(dump, target);
        registry.addDefinition("d", tcp("dumped").build());
        settle();
        DumpFile.write(dump, registry.dump());
        assertEquals("untouched", Files.readString(target));
        assertFalse(Files.isSymbolicLink(dump));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dump)));
        String text = Files.readString(dump);
        assertTrue(text, text.startsWith("INTERNAL STATE DUMP: superserver\n"));
        assertTrue(text, text.contains("Service = dumped\n\tState = LISTENING\n"));
        assertTrue(text, text.endsWith("END OF DUMP\n"));
        try (var files = Files.list(dir)) {
            assertEquals("no temporary file is left", 0, files.filter(p -> p.getFileName().toString().endsWith(".tmp"))
                    .count());
        }
    }

    @Test
    public void loweringInstancesEndsTheConnectionsAcceptedLastAndKeepsTheRest() throws Exception {
        registry.addDefinition("d", tcp("many").build());
        int port = port("many");
        // each one served before the next connects: two event loops may otherwise take them in another order
        try (Socket first = served(port, "1\n"); Socket second = served(port, "2\n"); Socket third = served(port, "3\n")) {
            registry.addDefinition("d", tcp("many").instances(1).build());
            settle();
            assertClosedByServer(third);
            assertClosedByServer(second);
            assertEchoes(first, "the oldest stays\n");
        }
    }

    @Test
    public void loweringInstancesTerminatesTheServersStartedLast() throws Exception {
        Assume.assumeTrue("exec'd services need epoll", io.netty.channel.epoll.Epoll.isAvailable());
        registry.addDefinition("e", exec("exi", List.of()));
        int port = port("exi");
        try (Socket older = connect(port)) {
            int olderPid = pid(older); // running before the newer one is started
            Socket newer = connect(port);
            int newerPid = pid(newer);
            ServiceDefinition lowered = exec("exi", List.of()).toBuilder().instances(1).build();
            registry.addDefinition("e", lowered);
            settle();
            ExecTest.assertReaped(newerPid);
            assertTrue(Files.exists(Path.of("/proc/" + olderPid)));
            assertEchoes(older, "still running\n");
        }
    }
}
