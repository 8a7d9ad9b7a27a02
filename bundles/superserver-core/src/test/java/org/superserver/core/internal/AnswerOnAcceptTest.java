package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ImmediateAnswer;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;
import org.superserver.api.status.ListenerState;

/**
 * Handlers that are {@link ImmediateAnswer}s are answered on the accepting thread, access policies
 * asked there too; limits, counters, denials and failures behave as on the ordinary path.
 */
public class AnswerOnAcceptTest extends CoreFixture {

    /** Answers "immediate ..." from the accepting thread and "pipeline" through its pipeline. */
    static final class Answering implements Handler, ImmediateAnswer {

        final AtomicInteger pipelines = new AtomicInteger();
        final Queue<ConnectionInfo> answered = new ConcurrentLinkedQueue<>();
        final AtomicInteger failuresLeft = new AtomicInteger();

        @Override
        public boolean supports(SocketType socketType) {
            return socketType == SocketType.STREAM;
        }

        @Override
        public void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
            pipelines.incrementAndGet();
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("pipeline\r\n".getBytes(StandardCharsets.US_ASCII)))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            });
        }

        @Override
        public ByteBuf answer(ByteBufAllocator alloc, ConnectionInfo connection) {
            int failure = failuresLeft.getAndDecrement();
            if (failure > 1) {
                throw new IllegalStateException("broken on purpose");
            }
            if (failure == 1) {
                return null;
            }
            answered.add(connection);
            byte[] text = ("immediate " + Thread.currentThread().getName() + "\r\n").getBytes(StandardCharsets.US_ASCII);
            // Both kinds of buffer a handler may return: heap and direct, in turn.
            return (answered.size() % 2 == 0 ? alloc.heapBuffer() : alloc.directBuffer()).writeBytes(text);
        }
    }

    private final Answering handler = new Answering();

    @Before
    public void startCore() throws Exception {
        start(SETTINGS.withRatePauseSeconds(2));
        registry.addHandler("h", List.of("answer"), 0, handler);
    }

    private static String readToEnd(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    @Test
    public void aThreadOfTheListenerAnswersOnTheAcceptedDescriptorWithoutAPipeline() throws Exception {
        registry.addDefinition("d", tcp("fast").handler("answer").build());
        int port = port("fast");
        String thread = io.netty.channel.epoll.Epoll.isAvailable() ? "superserver-answer-fast-" + port + "(-\\d+)?"
                : "superserver-accept-\\d+-1";
        for (int i = 0; i < 3; i++) {
            String answer = readToEnd(connect(port));
            assertTrue(answer, answer.matches("immediate " + thread + "\r\n"));
        }
        assertEquals(0, handler.pipelines.get());
        assertEquals(3, status("fast").accepted());
        ConnectionInfo first = handler.answered.peek();
        assertEquals("fast", first.serviceName());
        assertEquals(port, first.local().getPort());
        assertEquals("127.0.0.1", first.remote().getAddress().getHostAddress());
    }

    @Test
    public void withNoAnswerThreadsTheAcceptingEventLoopAnswersTheSameBytes() throws Exception {
        System.setProperty(DirectAnswer.THREADS_PROPERTY, "0");
        try {
            registry.addDefinition("d", tcp("loop").handler("answer").build());
            int port = port("loop");
            String answer = readToEnd(connect(port));
            assertTrue(answer, answer.matches("immediate superserver-accept-\\d+-1\r\n"));
            assertEquals(0, handler.pipelines.get());
        } finally {
            System.clearProperty(DirectAnswer.THREADS_PROPERTY);
        }
    }

    @Test
    public void twoAnswerThreadsShareTheListenerAndBothEndWithIt() throws Exception {
        org.junit.Assume.assumeTrue("answer threads need epoll", io.netty.channel.epoll.Epoll.isAvailable());
        System.setProperty(DirectAnswer.THREADS_PROPERTY, "2");
        int fixed = freePort();
        try {
            registry.addDefinition("d", tcp("pair").handler("answer").port(fixed).build());
            assertEquals(fixed, port("pair"));
        } finally {
            System.clearProperty(DirectAnswer.THREADS_PROPERTY);
        }
        assertEquals(2, answerThreads("superserver-answer-pair-" + fixed));
        for (int i = 0; i < 20; i++) {
            String answer = readToEnd(connect(fixed));
            assertTrue(answer, answer.matches("immediate superserver-answer-pair-" + fixed + "-[12]\r\n"));
        }
        registry.removeDefinition("d");
        settle();
        assertEquals("no thread outlives its listener", 0, answerThreads("superserver-answer-pair-" + fixed));
        assertRefused(fixed);
        // the port is free for the next definition, as after any listener
        registry.addDefinition("d", tcp("pair").handler("answer").port(fixed).build());
        assertEquals(fixed, port("pair"));
        assertTrue(readToEnd(connect(fixed)).startsWith("immediate"));
    }

    @Test
    public void withReusePortEachThreadAcceptsOnASocketOfItsOwnAndAllCloseWithTheListener() throws Exception {
        org.junit.Assume.assumeTrue("answer threads need epoll", io.netty.channel.epoll.Epoll.isAvailable());
        System.setProperty(DirectAnswer.THREADS_PROPERTY, "2");
        System.setProperty(DirectAnswer.REUSEPORT_PROPERTY, "true");
        int fixed = freePort();
        try {
            registry.addDefinition("d", tcp("own").handler("answer").port(fixed).build());
            assertEquals(fixed, port("own"));
        } finally {
            System.clearProperty(DirectAnswer.THREADS_PROPERTY);
            System.clearProperty(DirectAnswer.REUSEPORT_PROPERTY);
        }
        java.util.Set<String> threads = new java.util.TreeSet<>();
        for (int i = 0; i < 40; i++) { // the kernel spreads connections over the sockets by their addresses
            String answer = readToEnd(connect(fixed));
            assertTrue(answer, answer.matches("immediate superserver-answer-own-" + fixed + "-[12]\r\n"));
            threads.add(answer.trim());
        }
        assertEquals("both sockets accepted: " + threads, 2, threads.size());
        registry.removeDefinition("d");
        settle();
        assertEquals("no thread outlives its listener", 0, answerThreads("superserver-answer-own-" + fixed));
        for (int i = 0; i < 10; i++) {
            assertRefused(fixed); // neither socket is left listening
        }
        registry.addDefinition("d", tcp("own").handler("answer").port(fixed).build());
        assertEquals(fixed, port("own"));
        assertTrue(readToEnd(connect(fixed)).startsWith("immediate"));
    }

    private static long answerThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    public void aServiceUnderAnAccessPolicyThatDecidesAtOnceIsAnsweredOnTheAcceptingThread() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        registry.addPolicy("p", List.of("allow"), 0, (c, d) -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(Decision.builder(true).reason("hosts.allow:1")
                    .banner("welcome\r\n").build());
        });
        registry.addDefinition("d", tcp("guarded").handler("answer").policies(List.of("allow")).build());
        int port = port("guarded");
        String answer = readToEnd(connect(port));
        String thread = io.netty.channel.epoll.Epoll.isAvailable() ? "superserver-answer-guarded-" + port + "(-\\d+)?"
                : "superserver-accept-\\d+-1";
        assertTrue(answer, answer.matches("welcome\r\nimmediate " + thread + "\r\n"));
        assertEquals("asked once", 1, asked.get());
        assertEquals(0, handler.pipelines.get());
    }

    @Test
    public void withNoAnswerThreadsAGuardedServiceIsAnsweredThroughItsPipeline() throws Exception {
        System.setProperty(DirectAnswer.THREADS_PROPERTY, "0");
        try {
            registry.addPolicy("p", List.of("allow"), 0, (c, d) -> CompletableFuture.completedFuture(
                    Decision.builder(true).reason("hosts.allow:1").build()));
            registry.addDefinition("d", tcp("guarded").handler("answer").policies(List.of("allow")).build());
            assertEquals("pipeline\r\n", readToEnd(connect(port("guarded"))));
            assertEquals(1, handler.pipelines.get());
            assertTrue(handler.answered.isEmpty());
        } finally {
            System.clearProperty(DirectAnswer.THREADS_PROPERTY);
        }
    }

    @Test
    public void aDeniedClientOfAWrappedServiceGetsNothingButTheBannerAndIsCounted() throws Exception {
        registry.addPolicy("p", List.of("deny"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(false).reason("hosts.deny:1").banner("go away\r\n").build()));
        registry.addDefinition("d", tcp("guarded").handler("answer").policies(List.of("deny")).build());
        assertEquals("go away\r\n", readToEnd(connect(port("guarded"))));
        assertEquals(0, handler.pipelines.get());
        assertTrue(handler.answered.isEmpty());
        assertEquals(1L, registry.stats().stream().filter(s -> s.serviceId().equals("guarded")).findFirst()
                .orElseThrow().denied());
    }

    @Test
    public void aTwistFromThePolicyOfAnAnsweredServiceRunsItsCommandInsteadOfTheAnswer() throws Exception {
        registry.addPolicy("p", List.of("twister"), 0, (c, d) -> CompletableFuture.completedFuture(
                Decision.builder(false).reason("hosts.deny:1").twist("/bin/echo 421 go away").build()));
        registry.addDefinition("d", tcp("twisted").handler("answer").policies(List.of("twister")).build());
        try (Socket client = connect(port("twisted"))) {
            client.setSoTimeout(10_000);
            assertEquals("421 go away\n", readToEnd(client));
        }
        assertTrue(handler.answered.isEmpty());
        assertEquals(0, handler.pipelines.get());
    }

    @Test
    public void theLimitsAreCheckedBeforeThePoliciesAreAsked() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        addSlowPolicy("slow", 500, question -> true, asked);
        registry.addDefinition("d", tcp("one").handler("answer").policies(List.of("slow")).instances(1).build());
        int port = port("one");
        try (Socket first = connect(port)) {
            // the first holds the only place while its verdict is awaited
            for (int i = 0; i < 100 && asked.get() == 0; i++) {
                Thread.sleep(10);
            }
            assertEquals(1, asked.get());
            try (Socket second = connect(port)) {
                assertEquals("refused by the limit, not asked", "", readToEnd(second));
            }
            assertEquals(1, asked.get());
            assertTrue(readToEnd(first).startsWith("immediate "));
        }
        assertEquals(java.util.Map.of("service_limit", 1L), registry.stats().stream()
                .filter(st -> st.serviceId().equals("one")).findFirst().orElseThrow().refusedBy());
    }

    @Test
    public void aVerdictThatComesLaterIsActedOnWhenItComes() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        addSlowPolicy("slow", 200, question -> question % 2 == 0, asked); // the first, third, ... client
        registry.addDefinition("d", tcp("slow").handler("answer").policies(List.of("slow")).instances(10).build());
        int port = port("slow");
        int allowed = 0;
        int denied = 0;
        for (int i = 0; i < 4; i++) {
            try (Socket client = connect(port)) {
                String answer = readToEnd(client);
                if (i % 2 == 0) {
                    assertTrue(answer, answer.startsWith("immediate "));
                    allowed++;
                } else {
                    assertEquals("", answer);
                    denied++;
                }
            }
        }
        assertEquals(2, allowed);
        assertEquals(2, denied);
        assertEquals(0, handler.pipelines.get());
        assertEquals(allowed, handler.answered.size());
        assertEquals(denied, registry.stats().stream().filter(s -> s.serviceId().equals("slow")).findFirst()
                .orElseThrow().denied());
        // every place is given back once its verdict was acted on (the client saw the close just before)
        for (int i = 0; i < 100 && registry.binding("slow").occupancy().connections.get() != 0; i++) {
            Thread.sleep(20);
        }
        assertEquals(0, registry.binding("slow").occupancy().connections.get());
    }

    @Test
    public void aConnectionWhoseVerdictComesAfterTheCoreStoppedIsClosedUnanswered() throws Exception {
        CompletableFuture<Decision> decision = new CompletableFuture<>();
        AtomicInteger asked = new AtomicInteger();
        addWaitingPolicy("slow", decision, asked);
        registry.addDefinition("d", tcp("slow").handler("answer").policies(List.of("slow")).instances(3).build());
        int port = port("slow");
        Occupancy occupancy = registry.binding("slow").occupancy();
        try (Socket client = connect(port)) {
            for (int i = 0; i < 100 && asked.get() == 0; i++) {
                Thread.sleep(20);
            }
            assertEquals(1, asked.get());
            registry.stop();
            decision.complete(Decision.allow("too late"));
            client.setSoTimeout(2_000); // closed when the verdict comes, not when the chain's 5 s run out
            assertEquals("", readToEnd(client));
        }
        assertTrue(handler.answered.isEmpty());
        assertEquals("its place given back", 0, occupancy.connections.get());
    }

    @Test
    public void theRateLimitStillPausesTheService() throws Exception {
        int fixed = freePort();
        registry.addDefinition("d", tcp("limited").handler("answer").port(fixed).maxPerMinute(2).build());
        assertEquals(fixed, port("limited"));
        assertTrue(readToEnd(connect(fixed)).startsWith("immediate"));
        assertTrue(readToEnd(connect(fixed)).startsWith("immediate"));
        assertEquals("one too many gets nothing", "", readToEnd(connect(fixed)));
        waitForState("limited", ListenerState.PAUSED);
        waitForState("limited", ListenerState.LISTENING);
        assertTrue(readToEnd(connect(fixed)).startsWith("immediate"));
        assertEquals(0, handler.pipelines.get());
    }

    @Test
    public void overItsCpsAServiceAnsweredOnTheAcceptingThreadRefusesPausesAndServesAgain() throws Exception {
        int fixed = freePort();
        registry.addDefinition("d", tcp("rated").handler("answer").port(fixed).cps(2, 1).build());
        assertEquals(fixed, port("rated"));
        // the third within one second trips the limit (on a slow machine, a later burst does)
        boolean turnedAway = false;
        for (int i = 0; i < 20 && !turnedAway; i++) {
            try (Socket client = connect(fixed)) {
                String answer = readToEnd(client);
                turnedAway = answer.isEmpty();
                assertTrue(answer, turnedAway || answer.startsWith("immediate"));
            } catch (java.net.ConnectException paused) {
                break;
            }
        }
        assertEquals("one client turned away, then the service paused", java.util.Map.of("cps", 1L),
                registry.stats().stream().filter(s -> s.serviceId().equals("rated")).findFirst().orElseThrow()
                        .refusedBy());
        waitForState("rated", ListenerState.PAUSED);
        waitForState("rated", ListenerState.LISTENING);
        assertTrue(readToEnd(connect(fixed)).startsWith("immediate"));
        assertEquals("all on the accepting thread", 0, handler.pipelines.get());
    }

    @Test
    public void instancesAndPerSourceOfAnAnsweredServiceAreGivenBackOnceEachAnswerIsWritten() throws Exception {
        registry.addDefinition("d", tcp("held").handler("answer").instances(1).perSource(1).build());
        int port = port("held");
        for (int i = 0; i < 4; i++) {
            assertTrue(readToEnd(connect(port)).startsWith("immediate"));
        }
        assertEquals(0, registry.binding("held").occupancy().connections.get());
        assertEquals(0, registry.binding("held").occupancy().refused.get());
        assertEquals(0, handler.pipelines.get());
    }

    @Test
    public void aLimitWithABannerFailTakesTheOrdinaryPathThatCanSendIt() throws Exception {
        java.nio.file.Path banner = java.nio.file.Files.createTempFile("banner-fail", ".txt");
        try {
            java.nio.file.Files.writeString(banner, "slow down\r\n");
            int fixed = freePort();
            registry.addDefinition("d", tcp("bannered").handler("answer").port(fixed).cps(1, 1)
                    .bannerFail(banner.toString()).build());
            assertEquals(fixed, port("bannered"));
            // over the rate within one second (on a slow machine, in a later burst)
            String answer = "";
            for (int i = 0; i < 20 && !answer.equals("slow down\r\n"); i++) {
                answer = readToEnd(connect(fixed));
                assertTrue(answer, answer.equals("pipeline\r\n") || answer.equals("slow down\r\n"));
            }
            assertEquals("slow down\r\n", answer);
            assertTrue(handler.answered.isEmpty());
        } finally {
            java.nio.file.Files.deleteIfExists(banner);
        }
    }

    @Test
    public void anAnswerThatFailsLosesOnlyThatConnection() throws Exception {
        handler.failuresLeft.set(2); // first an exception, then no answer at all
        registry.addDefinition("d", tcp("flaky").handler("answer").build());
        int port = port("flaky");
        assertEquals("", readToEnd(connect(port)));
        assertEquals("", readToEnd(connect(port)));
        assertTrue(readToEnd(connect(port)).startsWith("immediate"));
        assertEquals(ListenerState.LISTENING, status("flaky").state());
    }
}
