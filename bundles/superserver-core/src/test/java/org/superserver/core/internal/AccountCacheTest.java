package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.core.internal.Accounts.Account;

/** Account look-ups for connections: cached briefly, and done on their own thread, never the caller's. */
public class AccountCacheTest {

    private static final Account NOBODY = new Account("nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin");

    /** A directory that knows nobody (once {@code appeared}), records who asked, and can hold every look-up. */
    private static final class Recording implements Accounts.Directory {
        final ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
        volatile boolean appeared = true;
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public Optional<Account> user(String name) {
            await();
            asked.add(Thread.currentThread().getName() + " user " + name);
            return appeared && name.equals("nobody") ? Optional.of(NOBODY) : Optional.empty();
        }

        @Override
        public Optional<Integer> group(String name) {
            await();
            asked.add(Thread.currentThread().getName() + " group " + name);
            return name.equals("daemon") ? Optional.of(1) : Optional.empty();
        }

        @Override
        public List<Integer> groupList(String user, int gid) {
            asked.add(Thread.currentThread().getName() + " groups " + user);
            return List.of(gid);
        }

        private void await() {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    public void foundAnswersAreKeptThirtySecondsAndMissingOnesFive() {
        Recording system = new Recording();
        system.appeared = false;
        AtomicLong now = new AtomicLong();
        try (AccountCache cache = new AccountCache(system, now::get)) {
            assertTrue(cache.user("nobody").isEmpty());
            now.addAndGet(TimeUnit.SECONDS.toNanos(AccountCache.NEGATIVE_SECONDS) - 1);
            system.appeared = true;
            assertTrue("a missing user is remembered for a while", cache.user("nobody").isEmpty());
            assertEquals(1, system.asked.size());
            now.addAndGet(1);
            assertEquals(Optional.of(NOBODY), cache.user("nobody"));
            assertEquals(2, system.asked.size());
            now.addAndGet(TimeUnit.SECONDS.toNanos(AccountCache.POSITIVE_SECONDS) - 1);
            assertEquals(Optional.of(NOBODY), cache.cachedOnly().user("nobody"));
            now.addAndGet(1);
            assertThrows(AccountCache.NotCached.class, () -> cache.cachedOnly().user("nobody"));
            assertEquals(2, system.asked.size());
        }
    }

    @Test
    public void aPreparationTheCacheCannotAnswerRunsOnTheLookUpThreadAndTheCallerDoesNotWait() throws Exception {
        Recording system = new Recording();
        system.gate = new CountDownLatch(1);
        Launcher launcher = new Launcher(ChildLimits.current(), new AccountCache(system, System::nanoTime));
        try {
            ServiceDefinition definition = ServiceDefinition.builder().id("s").name("s").socketType(SocketType.STREAM)
                    .protocol(Protocol.TCP).port(0).server("/bin/cat").argv(List.of("cat")).user("nobody")
                    .origin("test:1").build();
            CompletableFuture<Program> first = launcher.prepareAsync(definition);
            assertFalse("the caller returned while the look-up is held", first.isDone());
            system.gate.countDown();
            // as root the child runs as nobody; otherwise nobody is refused (not the server's own user)
            String outcome = first.handle((p, e) -> p != null ? p.identity().account().name() : e.getClass().getName())
                    .get(10, TimeUnit.SECONDS);
            assertEquals(launcher.server().uid() == 0 ? "nobody" : IllegalArgumentException.class.getName(), outcome);
            for (String asked : system.asked) {
                assertTrue(asked, asked.startsWith("superserver-accounts "));
            }
            int lookups = system.asked.size();
            CompletableFuture<Program> again = launcher.prepareAsync(definition);
            assertTrue("a cached account is answered at once", again.isDone());
            assertEquals(lookups, system.asked.size());

            ServiceDefinition ghost = definition.toBuilder().user("ghost").build();
            Throwable refused = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> launcher.prepareAsync(ghost).get(10, TimeUnit.SECONDS)).getCause();
            assertTrue(refused.toString(), refused instanceof IllegalArgumentException
                    && refused.getMessage().equals("user ghost does not exist (getpwnam found no entry)"));
        } finally {
            launcher.close();
        }
    }

    @Test
    public void theSystemsGroupListStartsWithTheGroupAndHasNoDuplicate() {
        List<Integer> root = Accounts.groupList("root", 0);
        assertEquals(Integer.valueOf(0), root.get(0));
        assertEquals(root.size(), root.stream().distinct().count());
        assertEquals(List.of(1), Accounts.groupList("nobody", 1));
    }
}
