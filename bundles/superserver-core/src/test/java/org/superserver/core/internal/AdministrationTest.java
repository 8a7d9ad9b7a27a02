package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;
import org.superserver.api.status.ConnectionDurations;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ServiceStats;

/**
 * What the core tells and does for an administrator, over real sockets and processes: the live
 * connections and servers ({@code connections()}), the counters of each service ({@code stats()}),
 * and ending a connection by its number or a server by its pid.
 */
public class AdministrationTest extends CoreFixture {

    private Path dir;

    @Before
    public void startCore() throws Exception {
        start(SETTINGS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
    }

    @After
    public void removeScripts() throws Exception {
        if (dir != null) {
            ScriptDir.delete(dir);
        }
    }

    @Test
    public void anEchoConnectionIsListedWithItsBytesAndClosedByItsNumber() throws Exception {
        registry.addDefinition("d", tcp("echo1").build());
        Socket client = connect(port("echo1"));
        assertEchoes(client, "hello\n");
        ConnectionStatus live = only(c -> c.serviceId().equals("echo1"));
        assertEquals(ConnectionStatus.Kind.HANDLER, live.kind());
        assertEquals("echo1", live.service());
        assertEquals(6, live.bytesIn());
        assertEquals(6, live.bytesOut());
        assertEquals(0, live.pid());
        assertEquals(client.getLocalPort(), live.remote().getPort());
        assertEquals(client.getPort(), live.local().getPort());

        assertTrue(registry.close(live.id()));
        assertClosedByServer(client);
        awaitConnections(List::isEmpty);
        assertFalse("a closed connection cannot be closed again", registry.close(live.id()));

        // a channel's bytes join the totals as its inactive event runs, just after it has left the list
        ServiceStats stats = awaitStats("echo1", st -> st.bytesIn() > 0 || st.bytesOut() > 0);
        assertEquals(1, stats.accepted());
        assertEquals(6, stats.bytesIn());
        assertEquals(6, stats.bytesOut());
        assertEquals(0, stats.childrenStarted());
    }

    @Test
    public void anInProcessDatagramServiceCountsItsDatagramsAndBytes() throws Exception {
        registry.addDefinition("u", udp("uecho").build());
        int port = port("uecho");
        java.net.DatagramSocket client = datagramSocket();
        byte[] ping = "ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        client.send(new java.net.DatagramPacket(ping, ping.length, new java.net.InetSocketAddress("127.0.0.1", port)));
        java.net.DatagramPacket answer = new java.net.DatagramPacket(new byte[16], 16);
        client.receive(answer);
        assertEquals(4, answer.getLength());
        ServiceStats stats = awaitStats("uecho", s -> s.bytesOut() == 4);
        assertEquals(1, stats.accepted());
        assertEquals(4, stats.bytesIn());
        assertTrue("a datagram is no connection", registry.connections().isEmpty());
    }

    @Test
    public void everyConnectionHasItsOwnNumber() throws Exception {
        registry.addDefinition("d", tcp("echo2").build());
        Socket first = connect(port("echo2"));
        Socket second = connect(port("echo2"));
        assertEchoes(first, "a");
        assertEchoes(second, "b");
        List<ConnectionStatus> both = awaitConnections(l -> l.size() == 2);
        assertTrue(both.get(0).id() != both.get(1).id());
        assertTrue(registry.close(both.get(1).id()));
        assertEchoes(both.get(0).remote().getPort() == first.getLocalPort() ? first : second, "still here");
    }

    @Test
    public void aRelayedConnectionIsListedWithTheRelaysBytesAndClosedByItsNumber() throws Exception {
        registry.addDefinition("e", tcp("target").build());
        int target = port("target");
        registry.addDefinition("r", ServiceDefinition.builder().id("relay").name("relay").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(0).redirect("127.0.0.1", target)
                .origin("test:relay").build());
        Socket client = connect(port("relay"));
        assertEchoes(client, "through\n");
        ConnectionStatus relayed = only(c -> c.serviceId().equals("relay"));
        assertEquals(ConnectionStatus.Kind.RELAY, relayed.kind());
        assertEquals(8, relayed.bytesIn());
        assertEquals(8, relayed.bytesOut());
        assertTrue(registry.close(relayed.id()));
        assertClosedByServer(client);
        ServiceStats stats = awaitStats("relay", s -> s.bytesIn() == 8 && s.bytesOut() == 8);
        assertEquals(1, stats.accepted());
        assertEquals("the relayed connection's duration is counted as it closes", 1,
                awaitStats("relay", s -> s.durations().count() == 1).durations().count());
    }

    @Test
    public void catChildrenAreListedWithTheirPidsAndEndedByNumberAndByPid() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        registry.addDefinition("d", exec("cat", "/bin/cat", "cat").build());
        Socket first = connect(port("cat"));
        assertEchoes(first, "one\n");
        Socket second = connect(port("cat"));
        assertEchoes(second, "two\n");
        List<ConnectionStatus> children = awaitConnections(l -> l.size() == 2);
        for (ConnectionStatus child : children) {
            assertEquals(ConnectionStatus.Kind.CHILD, child.kind());
            assertTrue(child.pid() > 0);
            assertEquals(-1, child.bytesIn());
            assertEquals(-1, child.bytesOut());
            assertNotNull(child.remote());
        }
        ConnectionStatus ofFirst = children.stream().filter(c -> c.remote().getPort() == first.getLocalPort())
                .findFirst().orElseThrow();
        ConnectionStatus ofSecond = children.stream().filter(c -> c != ofFirst).findFirst().orElseThrow();

        assertFalse("only servers this core started are signalled",
                registry.terminate((int) ProcessHandle.current().pid()));
        assertFalse(registry.terminate(1));

        assertTrue(registry.close(ofFirst.id()));
        assertClosedByServer(first);
        assertTrue(registry.terminate(ofSecond.pid()));
        assertClosedByServer(second);
        awaitConnections(List::isEmpty);
        ExecTest.assertReaped(ofFirst.pid());
        ExecTest.assertReaped(ofSecond.pid());
        assertFalse(registry.terminate(ofSecond.pid()));

        ServiceStats stats = awaitStats("cat", s -> s.childrenFailed() == 2);
        assertEquals(2, stats.accepted());
        assertEquals(2, stats.childrenStarted());
        assertEquals("a child's bytes never pass through the core", 0, stats.bytesIn());
    }

    @Test
    public void aServerThatExitsWithAnErrorCountsAsFailed() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        dir = ScriptDir.create("superserver-admin");
        Path fails = ScriptDir.script(dir, "fails.sh", "#!/bin/sh\nexit 3\n");
        Path succeeds = ScriptDir.script(dir, "ok.sh", "#!/bin/sh\nexit 0\n");
        registry.addDefinition("f", exec("fails", fails.toString(), "fails.sh").build());
        registry.addDefinition("s", exec("ok", succeeds.toString(), "ok.sh").build());
        assertClosedByServer(connect(port("fails")));
        assertClosedByServer(connect(port("ok")));
        assertEquals(1, awaitStats("fails", s -> s.childrenFailed() == 1).childrenStarted());
        ServiceStats ok = awaitStats("ok", s -> s.childrenStarted() == 1);
        awaitConnections(List::isEmpty);
        assertEquals(0, stats("ok").childrenFailed());
        assertEquals(1, ok.accepted());
    }

    @Test
    public void deniedClientsAreCountedByTheDenyingPolicy() throws Exception {
        registry.addPolicy("p", List.of("tcpd"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(false).reason("hosts.deny:1").build()));
        registry.addDefinition("d", tcp("guarded").policy("tcpd").build());
        int port = port("guarded");
        assertClosedByServer(connect(port));
        assertClosedByServer(connect(port));
        ServiceStats stats = awaitStats("guarded", s -> s.denied() == 2);
        assertEquals(Map.of("tcpd", 2L), stats.deniedBy());
        assertEquals(2, stats.accepted());
        assertEquals(0, stats.refused());
    }

    @Test
    public void refusedClientsAreCountedByTheLimitThatRefusedThem() throws Exception {
        registry.addDefinition("i", tcp("one").instances(1).build());
        registry.addDefinition("s", tcp("persource").perSource(1).build());
        Socket holding = connect(port("one"));
        assertEchoes(holding, "x");
        assertClosedByServer(connect(port("one")));
        Socket mine = connect(port("persource"));
        assertEchoes(mine, "y");
        assertClosedByServer(connect(port("persource")));

        ServiceStats one = awaitStats("one", s -> s.refused() == 1);
        assertEquals(Map.of(Admission.SERVICE_LIMIT, 1L), one.refusedBy());
        ServiceStats perSource = awaitStats("persource", s -> s.refused() == 1);
        assertEquals(Map.of(Admission.PER_SOURCE_LIMIT, 1L), perSource.refusedBy());
        assertEquals(0, perSource.denied());
    }

    @Test
    public void endedServersAreCountedByExitStatusAndBySignalName() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        dir = ScriptDir.create("superserver-admin");
        Path fails = ScriptDir.script(dir, "fails.sh", "#!/bin/sh\nexit 3\n");
        Path killed = ScriptDir.script(dir, "killed.sh", "#!/bin/sh\nkill -KILL $$\n");
        Path succeeds = ScriptDir.script(dir, "ok.sh", "#!/bin/sh\nexit 0\n");
        registry.addDefinition("m", exec("mixed", "/bin/sh", "sh", "-c",
                "read what; case $what in fail) exec " + fails + ";; kill) exec " + killed + ";; *) exec "
                        + succeeds + ";; esac").build());
        int port = port("mixed");
        for (String what : List.of("fail", "kill", "ok", "fail")) {
            Socket client = connect(port);
            client.getOutputStream().write((what + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertClosedByServer(client);
        }
        ServiceStats stats = awaitStats("mixed", s -> s.exits().values().stream().mapToLong(Long::longValue).sum() == 4);
        assertEquals(Map.of("3", 2L, "SIGKILL", 1L, "0", 1L), stats.exits());
        assertEquals(3, stats.childrenFailed());
        assertEquals("each server is one connection", 4, stats.durations().count());
    }

    @Test
    public void endedConnectionsAreCountedInTheBucketOfTheirDuration() throws Exception {
        registry.addDefinition("d", tcp("timed").build());
        int port = port("timed");
        Socket quick = connect(port);
        assertEchoes(quick, "q");
        quick.close();
        Socket slow = connect(port);
        assertEchoes(slow, "s");
        Thread.sleep(200);
        slow.close();
        Socket open = connect(port);
        assertEchoes(open, "still open");

        ServiceStats stats = awaitStats("timed", s -> s.durations().count() == 2);
        ConnectionDurations durations = stats.durations();
        assertEquals(ConnectionDurations.BOUNDS, durations.bounds());
        int upTo100ms = ConnectionDurations.BOUNDS.indexOf(0.1);
        int upTo5s = ConnectionDurations.BOUNDS.indexOf(5.0);
        assertTrue("the quick one is at most 100 ms: " + durations, durations.counts().get(upTo100ms) >= 1);
        assertEquals("the slow one is over 100 ms: " + durations, 1, durations.count() - durations.counts().get(upTo100ms));
        assertEquals(2, (long) durations.counts().get(upTo5s));
        assertTrue("the sum holds the slow one's 200 ms: " + durations, durations.sum() >= 0.2 && durations.sum() < 5);
        open.close();
    }

    private static ServiceDefinition.Builder exec(String id, String server, String... argv) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).server(server).argv(List.of(argv)).origin("test:" + id);
    }

    private ConnectionStatus only(Predicate<ConnectionStatus> which) throws Exception {
        List<ConnectionStatus> found = awaitConnections(l -> l.stream().filter(which).count() == 1);
        return found.stream().filter(which).findFirst().orElseThrow();
    }

    /** The connections once {@code wanted} holds for them (up to 10 s), else fails with what there was. */
    private List<ConnectionStatus> awaitConnections(Predicate<List<ConnectionStatus>> wanted) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        List<ConnectionStatus> now = registry.connections();
        while (!wanted.test(now) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            now = registry.connections();
        }
        assertTrue("unexpected connections: " + now, wanted.test(now));
        return now;
    }

    private ServiceStats stats(String id) throws Exception {
        settle();
        return registry.stats().stream().filter(s -> s.serviceId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no stats for " + id + ": " + registry.stats()));
    }

    private ServiceStats awaitStats(String id, Predicate<ServiceStats> wanted) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        ServiceStats now = stats(id);
        while (!wanted.test(now) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            now = stats(id);
        }
        assertTrue("unexpected counters: " + now, wanted.test(now));
        return now;
    }
}
