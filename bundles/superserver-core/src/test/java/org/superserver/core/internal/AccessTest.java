package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;

public class AccessTest extends CoreFixture {

    private final EchoHandler echo = new EchoHandler();

    @Before
    public void startCore() throws Exception {
        start(SETTINGS.withPolicyTimeoutMillis(1_000));
        registry.addHandler("h", List.of("echo"), 0, echo);
    }

    private int serve(String... policies) throws Exception {
        registry.addDefinition("d", tcp("guarded").policies(List.of(policies)).build());
        return port("guarded");
    }

    private static String readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection; received so far: " + out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void deniedClientGetsTheBannerAndIsDisconnectedBeforeTheHandlerRuns() throws Exception {
        registry.addPolicy("p", List.of("deny"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(false).reason("hosts.deny:1").banner("go away\r\n").build()));
        Socket client = connect(serve("deny"));
        assertEquals("go away\r\n", readToEnd(client));
        assertEquals(0, echo.streams.get());
    }

    @Test
    public void anAllowWithTwistHandsTheConnectionToTheCommandAndTheHandlerNeverSeesIt() throws Exception {
        registry.addPolicy("p", List.of("twister"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(true).reason("hosts.allow:2").banner("220 hello\r\n").env("RULE", "allow:2")
                        .twist("read -r line; echo \"got $line from $REMOTE_ADDR by $RULE\"").build()));
        Socket client = connect(serve("twister"));
        client.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("220 hello\r\ngot ping from 127.0.0.1 by allow:2\n", readToEnd(client));
        assertEquals(0, echo.streams.get());
    }

    @Test
    public void aDenyWithTwistIsTwistedToo() throws Exception {
        registry.addPolicy("p", List.of("twister"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(false).reason("hosts.deny:1").twist("/bin/echo 421 go away").build()));
        Socket client = connect(serve("twister"));
        assertEquals("421 go away\n", readToEnd(client));
        assertEquals(0, echo.streams.get());
    }

    @Test
    public void aTwistEndsTheChainAndAnEarlierAllowsBannerComesFirst() throws Exception {
        ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
        registry.addPolicy("a", List.of("first"), 0, (c, d) -> {
            asked.add("first");
            return CompletableFuture.completedFuture(Decision.builder(true).reason("a").banner("one\n").build());
        });
        registry.addPolicy("b", List.of("twister"), 0, (c, d) -> {
            asked.add("twister");
            return CompletableFuture.completedFuture(Decision.builder(true).reason("b").twist("echo two").build());
        });
        registry.addPolicy("c", List.of("last"), 0, (c, d) -> {
            asked.add("last");
            return CompletableFuture.completedFuture(Decision.allow("c"));
        });
        Socket client = connect(serve("first", "twister", "last"));
        assertEquals("one\ntwo\n", readToEnd(client));
        assertEquals(List.of("first", "twister"), List.copyOf(asked));
        assertEquals(0, echo.streams.get());
    }

    @Test
    public void anAllowingDecisionsKeepaliveAndLingerAreSetOnTheConnectionAHandlerServes() throws Exception {
        registry.addHandler("o", List.of("options"), 0, new org.superserver.api.Handler() {
            @Override
            public boolean supports(org.superserver.api.SocketType socketType) {
                return true;
            }

            @Override
            public void initStream(io.netty.channel.Channel channel, org.superserver.api.ConnectionInfo connection,
                                   org.superserver.api.ServiceDefinition definition) {
                String seen = "keepalive=" + channel.config().getOption(io.netty.channel.ChannelOption.SO_KEEPALIVE)
                        + " linger=" + channel.config().getOption(io.netty.channel.ChannelOption.SO_LINGER) + "\n";
                channel.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer(seen, StandardCharsets.US_ASCII))
                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        });
        registry.addPolicy("p", List.of("tune"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(true).reason("hosts.allow:4").keepAlive(true).linger(3).build()));
        registry.addPolicy("q", List.of("plain"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.allow("hosts.allow:5")));
        registry.addDefinition("d", tcp("tuned").handler("options").policies(List.of("tune")).build());
        registry.addDefinition("e", tcp("plain").handler("options").policies(List.of("plain")).build());
        assertEquals("keepalive=true linger=3\n", readToEnd(connect(port("tuned"))));
        assertEquals("keepalive=false linger=-1\n", readToEnd(connect(port("plain"))));
    }

    @Test
    public void aTwistCommandGetsTheUmaskAndNiceValueTheDecisionsAskedFor() throws Exception {
        registry.addPolicy("p", List.of("plain"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(true).reason("hosts.allow:1").twist("umask; nice").build()));
        registry.addPolicy("q", List.of("tune"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(true).reason("hosts.allow:2").umask(0027).nice(3).twist("umask; nice").build()));
        registry.addDefinition("d", tcp("plain").policies(List.of("plain")).build());
        registry.addDefinition("e", tcp("tuned").policies(List.of("tune")).build());
        String[] plain = readToEnd(connect(port("plain"))).split("\n");
        String[] tuned = readToEnd(connect(port("tuned"))).split("\n");
        assertEquals("0027", tuned[0]);
        assertEquals(Math.min(19, Integer.parseInt(plain[1]) + 3), Integer.parseInt(tuned[1]));
        assertEquals(0, echo.streams.get());
    }

    @Test
    public void missingPolicyDenies() throws Exception {
        Socket client = connect(serve("nobody-registered-this"));
        assertEquals("", readToEnd(client));
        assertEquals(0, echo.streams.get());
    }

    @Test
    public void policyCompletingExceptionallyDenies() throws Exception {
        registry.addPolicy("p", List.of("broken"), 0,
                (c, d) -> CompletableFuture.failedFuture(new IllegalStateException("lookup failed")));
        Socket client = connect(serve("broken"));
        assertEquals("", readToEnd(client));
        assertEquals(0, echo.streams.get());
    }

    @Test
    public void policyThatNeverAnswersDeniesAfterTheTimeout() throws Exception {
        registry.addPolicy("p", List.of("silent"), 0, (c, d) -> new CompletableFuture<>());
        Socket client = connect(serve("silent"));
        assertEquals("", readToEnd(client));
        assertEquals(0, echo.streams.get());
    }

    @Test
    public void asynchronousAllowLetsTheClientThroughWithNothingLost() throws Exception {
        ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
        registry.addPolicy("p", List.of("slow"), 0, (c, d) -> {
            asked.add(c.serviceId() + " " + c.remote().getAddress().getHostAddress());
            return CompletableFuture.supplyAsync(() -> Decision.allow("slow:1"),
                    CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
        });
        registry.addPolicy("q", List.of("banner"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(true).reason("ok").banner("welcome\r\n").build()));
        Socket client = connect(serve("slow", "banner"));
        client.getOutputStream().write("early\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("welcome\r\nearly\n", new String(readFully(client.getInputStream(), 15),
                StandardCharsets.US_ASCII));
        assertEchoes(client, "later\n");
        assertEquals(List.of("guarded 127.0.0.1"), List.copyOf(asked));
        assertEquals(1, echo.streams.get());
    }

    @Test
    public void policiesAreAskedInOrderAndTheFirstDenialWins() throws Exception {
        ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
        registry.addPolicy("a", List.of("a"), 0, (c, d) -> {
            asked.add("a");
            return CompletableFuture.completedFuture(Decision.allow("a"));
        });
        registry.addPolicy("b", List.of("b"), 0, (c, d) -> {
            asked.add("b");
            return CompletableFuture.completedFuture(Decision.deny("b"));
        });
        registry.addPolicy("c", List.of("c"), 0, (c, d) -> {
            asked.add("c");
            return CompletableFuture.completedFuture(Decision.allow("c"));
        });
        Socket client = connect(serve("a", "b", "c"));
        assertEquals("", readToEnd(client));
        assertEquals(List.of("a", "b"), List.copyOf(asked));
    }

    @Test
    public void aTwistDropsADatagramSinceThereIsNoConnectionToHandOver() throws Exception {
        registry.addPolicy("p", List.of("twister"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(true).reason("hosts.allow:1").twist("/bin/echo twisted").build()));
        registry.addDefinition("u", udp("udp-twisted").policy("twister").build());
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port("udp-twisted"));
        DatagramSocket client = datagramSocket();
        send(client, server, "one");
        try {
            fail("a twisted datagram got a reply: " + receive(client));
        } catch (SocketTimeoutException expected) {
            // dropped
        }
        assertTrue("the datagram reached the service", status("udp-twisted").accepted() >= 1);
    }

    @Test
    public void datagramsFromADeniedSenderNeverReachTheHandler() throws Exception {
        AccessPolicy onlyFirst = new AccessPolicy() {
            private volatile int allowedPort = -1;

            @Override
            public CompletableFuture<Decision> check(org.superserver.api.ConnectionInfo c,
                                                     org.superserver.api.ServiceDefinition d) {
                if (allowedPort < 0) {
                    allowedPort = c.remote().getPort();
                }
                return CompletableFuture.supplyAsync(() -> c.remote().getPort() == allowedPort
                        ? Decision.allow("first") : Decision.deny("not first"));
            }
        };
        registry.addPolicy("p", List.of("first"), 0, onlyFirst);
        registry.addDefinition("u", udp("udp-guarded").policy("first").build());
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port("udp-guarded"));

        DatagramSocket allowed = datagramSocket();
        send(allowed, server, "one");
        assertEquals("one", receive(allowed));
        send(allowed, server, "two");
        assertEquals("two", receive(allowed));

        DatagramSocket denied = datagramSocket();
        send(denied, server, "three");
        try {
            fail("a denied sender got a reply: " + receive(denied));
        } catch (SocketTimeoutException expected) {
            // dropped
        }
        assertTrue(status("udp-guarded").accepted() >= 3);
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[64], 64);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
    }
}
