package org.superserver.examples.qotd;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class ReplyBudgetTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private static int takeAll(ReplyBudget budget) {
        int n = 0;
        while (budget.take()) {
            n++;
        }
        return n;
    }

    @Test
    public void theBurstGoesOutAtOnceThenTheRatePerSecond() {
        ReplyBudget budget = new ReplyBudget(20, 40, now::get);
        assertEquals(40, takeAll(budget));
        now.addAndGet(500_000_000L);
        assertEquals("half a second later: half the rate", 10, takeAll(budget));
        now.addAndGet(60_000_000_000L);
        assertEquals("a long pause refills no more than the burst", 40, takeAll(budget));
    }

    @Test
    public void aRateOrBurstBelowOneIsRefusedNamingTheProperties() {
        try {
            new ReplyBudget(0, 40, now::get);
            throw new AssertionError("a rate of 0 was accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("udp_replies_per_second"));
        }
        ReplyBudget one = new ReplyBudget(1, 1, now::get);
        assertTrue(one.take());
        assertFalse("a burst of one is spent by one reply", one.take());
    }
}
