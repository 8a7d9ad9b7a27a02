package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Test;

/** innetgr is not thread-safe: every query runs alone, on the netgroup thread, bounded and cached. */
public class NetgroupsTest {

    private final ExecutorService netgroupThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "netgroup"));
    private final ExecutorService callers = Executors.newFixedThreadPool(8);

    @After
    public void tearDown() {
        netgroupThread.shutdownNow();
        callers.shutdownNow();
    }

    @Test(timeout = 30_000)
    public void queriesFromManyThreadsRunOneAtATimeOnTheNetgroupThread() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<String> threads = new ArrayList<>();
        Netgroups n = new Netgroups((group, host) -> {
            int now = inside.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            synchronized (threads) {
                threads.add(Thread.currentThread().getName());
            }
            Thread.yield();
            inside.decrementAndGet();
            return host.endsWith("0");
        }, netgroupThread, 10_000, 0, 100, System::nanoTime);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String host = "host" + i;
            answers.add(callers.submit(() -> {
                go.await();
                return n.test("grp", host);
            }));
        }
        go.countDown();
        for (int i = 0; i < answers.size(); i++) {
            assertEquals("host" + i, i % 10 == 0, answers.get(i).get());
        }
        assertEquals("one query at a time", 1, most.get());
        assertEquals(200, threads.size());
        assertTrue(threads.stream().allMatch("netgroup"::equals));
    }

    @Test(timeout = 30_000)
    public void anAnswerIsKeptForTheCachePeriod() {
        AtomicInteger asked = new AtomicInteger();
        AtomicLong clock = new AtomicLong();
        Netgroups n = new Netgroups((group, host) -> {
            asked.incrementAndGet();
            return true;
        }, netgroupThread, 10_000, 30_000, 100, clock::get);
        assertTrue(n.test("grp", "a"));
        assertTrue(n.test("grp", "a"));
        assertEquals(1, asked.get());
        clock.addAndGet(30_000_000_001L);
        assertTrue(n.test("grp", "a"));
        assertEquals(2, asked.get());
    }

    @Test(timeout = 30_000)
    public void aQueryThatDoesNotAnswerInTimeIsNoMembership() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Netgroups n = new Netgroups((group, host) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }, netgroupThread, 50, 0, 100, System::nanoTime);
        try {
            assertFalse(n.test("grp", "a"));
        } finally {
            release.countDown();
        }
    }
}
