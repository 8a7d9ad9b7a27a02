package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.netty.channel.unix.UnixChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

/**
 * Bounded children, bind retries, changes of the core's settings and the core's stop, with real
 * sockets and real children: nothing is dropped, nothing is left a zombie.
 */
public class LimitsTest extends CoreFixture {

    /** Says its pid, then echoes (as cat) until the client closes. */
    private static final String PID_THEN_CAT = "#!/bin/sh\necho \"$$\"\nexec cat\n";

    private Path dir;
    private Path pidThenCat;
    private final List<Integer> pids = new ArrayList<>();
    private final List<Registry> others = new ArrayList<>();

    @Before
    public void startCore() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        dir = ScriptDir.create("superserver-limits");
        pidThenCat = script("pidcat.sh", PID_THEN_CAT);
        start(SETTINGS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
    }

    @After
    public void everyChildIsReaped() throws Exception {
        stopEverything(); // closes the clients, so their children end
        others.forEach(Registry::stop);
        for (int pid : pids) {
            ExecTest.assertReaped(pid);
        }
        ScriptDir.delete(dir);
    }

    private Path script(String name, String text) throws IOException {
        return ScriptDir.script(dir, name, text);
    }

    private ServiceDefinition.Builder exec(String id) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).server(pidThenCat.toString()).argv(List.of("pidcat"))
                .origin("test:" + id);
    }

    /** Connects and reads the child's pid: the child runs from then on. */
    private int child(Socket client) throws IOException {
        String line = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        assertTrue("no pid from the child", line != null && line.matches("\\d+"));
        int pid = Integer.parseInt(line);
        pids.add(pid);
        return pid;
    }

    /** Reads exactly one line, byte by byte (no buffering past it). */
    private static String line(Socket client) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int b = client.getInputStream().read(); b >= 0 && b != '\n'; b = client.getInputStream().read()) {
            text.append((char) b);
        }
        return text.toString();
    }

    private int pidOf(Socket client) throws IOException {
        int pid = Integer.parseInt(line(client));
        pids.add(pid);
        return pid;
    }

    @Test
    public void atItsInstancesAServiceStopsAcceptingAndTheWaitingClientIsServedWhenAChildExits() throws Exception {
        registry.addDefinition("d", exec("one").instances(1).build());
        int port = port("one");
        Socket first = connect(port);
        pidOf(first);
        Socket second = connect(port); // completes in the kernel's backlog
        second.getOutputStream().write("waiting\n".getBytes(StandardCharsets.US_ASCII));
        ListenerStatus limited = waitForState("one", ListenerState.PAUSED);
        assertTrue(limited.detail(), limited.detail().contains("instances"));
        assertEquals("the second client is not accepted while the first child runs", 1, limited.accepted());

        first.close();
        pidOf(second);
        assertEquals("waiting", line(second));
        assertEchoes(second, "served\n");
        assertEquals(2, status("one").accepted());
    }

    @Test
    public void raisingAServicesInstancesLetsItsWaitingClientInAtOnce() throws Exception {
        registry.addDefinition("d", exec("one").instances(1).build());
        int port = port("one");
        Socket first = connect(port);
        pidOf(first);
        Socket second = connect(port);
        waitForState("one", ListenerState.PAUSED);

        registry.addDefinition("d", exec("one").instances(2).build());
        pidOf(second);
        assertEchoes(first, "both run\n");
        assertEchoes(second, "both run\n");
        assertEquals(port, port("one"));
    }

    @Test
    public void childrenMaxHoldsEveryExecServiceWhileInternalServicesKeepAnswering() throws Exception {
        registry.reconfigure(SETTINGS.withChildrenMax(1)).get(10, TimeUnit.SECONDS);
        registry.addDefinition("a", exec("a").build());
        registry.addDefinition("b", exec("b").build());
        registry.addDefinition("e", tcp("echo").build());
        Socket first = connect(port("a"));
        pidOf(first);
        Socket held = connect(port("b"));
        held.getOutputStream().write("held\n".getBytes(StandardCharsets.US_ASCII));
        assertEchoes(connect(port("echo")), "internal services answer\n");

        first.close();
        pidOf(held);
        assertEquals("held", line(held));
    }

    @Test
    public void aRaisedChildrenMaxLetsTheWaitingClientInAtOnce() throws Exception {
        registry.reconfigure(SETTINGS.withChildrenMax(1)).get(10, TimeUnit.SECONDS);
        registry.addDefinition("a", exec("a").build());
        int port = port("a");
        Socket first = connect(port);
        pidOf(first);
        Socket second = connect(port);
        registry.reconfigure(SETTINGS.withChildrenMax(2)).get(10, TimeUnit.SECONDS);
        pidOf(second);
        assertEchoes(first, "both run\n");
        assertEchoes(second, "both run\n");
    }

    @Test
    public void aTakenPortIsRetriedAndListensOnceItIsFreeWithoutAReload() throws Exception {
        ServerSocket taken = new ServerSocket();
        taken.setReuseAddress(true);
        taken.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = taken.getLocalPort();
        try {
            registry.addDefinition("d", tcp("echo").port(port).build());
            ListenerStatus retrying = waitForState("echo", ListenerState.RETRYING);
            assertTrue(retrying.detail(), retrying.detail().contains("next try in"));
        } finally {
            taken.close();
        }
        waitForState("echo", ListenerState.LISTENING);
        assertEchoes(connect(port), "bound at last\n");
    }

    @Test
    public void aSettingsChangeKeepsListenersConnectionsAndChildren() throws Exception {
        registry.addDefinition("e", tcp("echo").build());
        registry.addDefinition("x", exec("x").build());
        int echoPort = port("echo");
        int execPort = port("x");
        Socket echo = connect(echoPort);
        Socket exec = connect(execPort);
        int pid = pidOf(exec);

        registry.reconfigure(SETTINGS.withChildrenMax(7).withBacklog(64).withPolicyTimeoutMillis(1_000)
                .withRatePauseSeconds(5)).get(10, TimeUnit.SECONDS);
        assertEchoes(echo, "kept\n");
        assertEchoes(exec, "kept\n");
        assertEquals(echoPort, port("echo"));
        assertEquals(execPort, port("x"));

        registry.reconfigure(SETTINGS.withWorkerThreads(3)).get(10, TimeUnit.SECONDS);
        assertEchoes(echo, "kept on the old event loops\n");
        assertEchoes(exec, "kept\n");
        assertEquals(echoPort, port("echo"));
        assertEchoes(connect(echoPort), "new event loops\n");
        assertEquals(ListenerState.LISTENING, status("x").state());
        exec.close();
        ExecTest.assertReaped(pid);
    }

    @Test
    public void childrenRunningAcrossAStopAndANewCoreAreReaped() throws Exception {
        registry.addDefinition("x", exec("x").build());
        int port = port("x");
        Socket client = connect(port);
        int pid = pidOf(client);
        registry.stop();

        Registry next = new Registry();
        others.add(next);
        next.start(SETTINGS).get(10, TimeUnit.SECONDS);
        next.addDefinition("x", exec("x").port(port).build());
        next.settled().get(10, TimeUnit.SECONDS);
        Socket again = connect(port);
        int second = pidOf(again);
        assertNotEquals(pid, second);

        assertEchoes(client, "still served after the core stopped\n");
        client.close();
        assertNotZombie(pid);
        again.close();
        assertNotZombie(second);
    }

    @Test
    public void aDgramNowaitServiceAtItsInstancesLeavesTheNextDatagramInTheSocketUntilItsChildExits()
            throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")));
        Path release = dir.resolve("release");
        Path udp = script("udp.py", "import os, socket, time\n"
                + "s = socket.socket(fileno=0)\n"
                + "data, peer = s.recvfrom(512)\n"
                + "s.sendto(data + b' ' + str(os.getpid()).encode(), peer)\n"
                + "while not os.path.exists('" + release + "'):\n"
                + "    time.sleep(0.01)\n");
        registry.addDefinition("d", ServiceDefinition.builder().id("udp").name("udp").socketType(SocketType.DGRAM)
                .protocol(Protocol.UDP).bindAddress("127.0.0.1").port(0).wait(false).instances(1)
                .server("/usr/bin/python3").argv(List.of("python3", udp.toString())).origin("test:udp").build());
        InetSocketAddress service = new InetSocketAddress("127.0.0.1", port("udp"));
        DatagramSocket client = datagramSocket();
        client.setSoTimeout(10_000);
        client.send(new DatagramPacket("one".getBytes(StandardCharsets.US_ASCII), 3, service));
        String[] first = answer(client);
        assertEquals("one", first[0]);
        pids.add(Integer.parseInt(first[1]));
        client.send(new DatagramPacket("two".getBytes(StandardCharsets.US_ASCII), 3, service));
        ListenerStatus limited = waitForState("udp", ListenerState.PAUSED);
        assertTrue(limited.detail(), limited.detail().contains("instances"));
        assertEquals("the second datagram waits in the socket", 1, limited.accepted());

        Files.createFile(release);
        String[] second = answer(client);
        assertEquals("two", second[0]);
        pids.add(Integer.parseInt(second[1]));
        assertNotEquals(first[1], second[1]);
        assertNotZombie(Integer.parseInt(first[1]));
        assertNotZombie(Integer.parseInt(second[1]));
    }

    private static String[] answer(DatagramSocket client) throws IOException {
        DatagramPacket reply = new DatagramPacket(new byte[512], 512);
        client.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).split(" ");
    }

    @Test
    public void theWaitServiceSocketIsNonBlockingAgainOnceItsServerHasExited() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")));
        Path tcp = script("tcp.py", "import os, socket\n"
                + "s = socket.socket(fileno=0)\n"
                + "c, peer = s.accept()\n"
                + "c.sendall((str(os.getpid()) + '\\n').encode())\n"
                + "c.close()\n");
        registry.addDefinition("d", ServiceDefinition.builder().id("w").name("w").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(0).wait(true).server("/usr/bin/python3")
                .argv(List.of("python3", tcp.toString())).origin("test:w").build());
        int port = port("w");
        int fd = ((UnixChannel) registry.binding("w").channel()).fd().intValue();
        Socket client = connect(port);
        int pid = pidOf(client);
        assertNotZombie(pid);
        waitForState("w", ListenerState.LISTENING);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!nonBlocking(fd) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue("the listening socket is left blocking", nonBlocking(fd));
    }

    @Test
    public void aStreamWaitServiceWhoseServerCannotStartDropsEachPendingConnectionAndKeepsServing()
            throws Exception {
        Path gone = dir.resolve("gone");
        registry.addDefinition("d", ServiceDefinition.builder().id("w").name("w").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(0).wait(true).server(gone.toString())
                .argv(List.of("gone")).origin("test:w").build());
        int port = port("w");
        int fd = ((UnixChannel) registry.binding("w").channel()).fd().intValue();
        for (int i = 0; i < 3; i++) {
            assertClosedByServer(connect(port)); // taken and dropped: the thread never hangs on it
        }
        assertTrue(nonBlocking(fd));
        assertEquals(3, status("w").accepted());
    }

    private static boolean nonBlocking(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return (Integer.parseInt(line.substring(6).trim(), 8) & 04000) != 0;
            }
        }
        throw new AssertionError("no flags for fd " + fd);
    }

    /** The child has ended and was reaped: no /proc entry, or at least not a zombie (/proc/PID/stat state). */
    static void assertNotZombie(int pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(stat) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (Files.exists(stat)) {
            String text = Files.readString(stat);
            String state = text.substring(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
            throw new AssertionError("pid " + pid + " is still there, state " + state + ": " + text);
        }
    }
}
