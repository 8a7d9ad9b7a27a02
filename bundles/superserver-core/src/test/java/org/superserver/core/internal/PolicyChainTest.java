package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;

/** The chain on its own: decided in place when every policy answers at once, on the executor otherwise. */
public class PolicyChainTest {

    private static final ConnectionInfo CONNECTION = new ConnectionInfo("d", "d", Protocol.TCP,
            new InetSocketAddress("127.0.0.1", 7), new InetSocketAddress("127.0.0.1", 40000), Instant.now());

    private final AtomicInteger tasks = new AtomicInteger();
    private final Executor counting = task -> {
        tasks.incrementAndGet();
        task.run();
    };

    private static ServiceDefinition guarded(String... policies) {
        return CoreFixture.tcp("d").policies(List.of(policies)).build();
    }

    private static PolicyChain chain(Map<String, AccessPolicy> policies) {
        return new PolicyChain(policies::get, 1_000);
    }

    @Test
    public void policiesThatAnswerAtOnceAreDecidedInPlaceWithoutATask() {
        PolicyChain chain = chain(Map.of(
                "a", (c, d) -> CompletableFuture.completedFuture(Decision.builder(true).reason("a:1").env("A", "1").build()),
                "b", (c, d) -> CompletableFuture.completedFuture(Decision.allow("b:2"))));
        CompletionStage<PolicyChain.Verdict> stage = chain.check(CONNECTION, guarded("a", "b"), counting);
        assertTrue(stage.toCompletableFuture().isDone());
        PolicyChain.Verdict verdict = stage.toCompletableFuture().join();
        assertTrue(verdict.allowed());
        assertEquals("b: b:2", verdict.reason());
        assertEquals(Map.of("A", "1"), verdict.env());
        assertEquals(0, tasks.get());
    }

    @Test
    public void aFailedStageThatIsAlreadyCompleteDeniesInPlace() {
        PolicyChain chain = chain(Map.of("a",
                (c, d) -> CompletableFuture.failedFuture(new IllegalStateException("lookup failed"))));
        PolicyChain.Verdict verdict = chain.check(CONNECTION, guarded("a"), counting).toCompletableFuture().join();
        assertFalse(verdict.allowed());
        assertTrue(verdict.reason(), verdict.reason().contains("lookup failed"));
        assertNull(verdict.twist());
        assertEquals(0, tasks.get());
    }

    @Test
    public void aLaterAnswerContinuesTheChainOnTheExecutorInOrder() throws Exception {
        ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
        PolicyChain chain = chain(Map.of(
                "slow", (c, d) -> {
                    asked.add("slow");
                    return CompletableFuture.supplyAsync(() -> Decision.allow("slow:1"),
                            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
                },
                "deny", (c, d) -> {
                    asked.add("deny");
                    return CompletableFuture.completedFuture(Decision.deny("deny:3"));
                }));
        CompletionStage<PolicyChain.Verdict> stage = chain.check(CONNECTION, guarded("slow", "deny"), counting);
        assertFalse(stage.toCompletableFuture().isDone());
        PolicyChain.Verdict verdict = stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertFalse(verdict.allowed());
        assertEquals("deny: deny:3", verdict.reason());
        assertEquals(List.of("slow", "deny"), List.copyOf(asked));
        assertTrue("the slow answer and the verdict came through the executor", tasks.get() >= 2);
    }

    private static ServiceDefinition guardedWithOptional(List<String> required, String... optional) {
        return CoreFixture.tcp("d").policies(required).optionalPolicies(List.of(optional)).build();
    }

    @Test
    public void anOptionalPolicyThatIsNotRegisteredIsSkipped() {
        PolicyChain chain = chain(Map.of("a", (c, d) -> CompletableFuture.completedFuture(Decision.allow("a:1"))));
        PolicyChain.Verdict verdict = chain.check(CONNECTION, guardedWithOptional(List.of("a"), "tcpd"), counting)
                .toCompletableFuture().join();
        assertTrue(verdict.allowed());
        assertEquals("a: a:1", verdict.reason());
    }

    @Test
    public void anOptionalPolicyThatIsRegisteredIsAskedAfterTheRequiredOnesAndMayDeny() {
        ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
        PolicyChain chain = chain(Map.of(
                "a", (c, d) -> {
                    asked.add("a");
                    return CompletableFuture.completedFuture(Decision.allow("a:1"));
                },
                "tcpd", (c, d) -> {
                    asked.add("tcpd");
                    return CompletableFuture.completedFuture(Decision.deny("hosts.deny:3"));
                }));
        PolicyChain.Verdict verdict = chain.check(CONNECTION, guardedWithOptional(List.of("a"), "absent", "tcpd"),
                counting).toCompletableFuture().join();
        assertFalse(verdict.allowed());
        assertEquals("tcpd: hosts.deny:3", verdict.reason());
        assertEquals(List.of("a", "tcpd"), List.copyOf(asked));
    }

    @Test
    public void onlyOptionalPoliciesAllowEveryoneWhenNoneIsRegistered() {
        PolicyChain chain = chain(Map.of());
        ServiceDefinition definition = guardedWithOptional(List.of(), "tcpd");
        assertTrue(PolicyChain.guards(definition));
        assertTrue(chain.check(CONNECTION, definition, counting).toCompletableFuture().join().allowed());
    }

    @Test
    public void aRequiredPolicyThatIsNotRegisteredStillDeniesBeforeAnyOptionalOne() {
        PolicyChain chain = chain(Map.of("tcpd", (c, d) -> CompletableFuture.completedFuture(Decision.allow("ok"))));
        PolicyChain.Verdict verdict = chain.check(CONNECTION, guardedWithOptional(List.of("xinetd"), "tcpd"), counting)
                .toCompletableFuture().join();
        assertFalse(verdict.allowed());
        assertTrue(verdict.reason(), verdict.reason().contains("xinetd is not registered"));
    }
}
