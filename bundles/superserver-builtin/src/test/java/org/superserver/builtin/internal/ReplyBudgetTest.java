package org.superserver.builtin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/** The per-source reply budget, on a clock the test moves by hand. */
public class ReplyBudgetTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private ReplyBudget budget(BudgetSettings settings) {
        return new ReplyBudget(settings, now::get);
    }

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static int charge(ReplyBudget budget, InetAddress source, int times, int bytes) {
        int allowed = 0;
        for (int i = 0; i < times; i++) {
            if (budget.charge(source, bytes)) {
                allowed++;
            }
        }
        return allowed;
    }

    private static InetAddress address(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    public void aSourceGetsItsBurstAtOnceThenTheRate() throws UnknownHostException {
        ReplyBudget budget = budget(BudgetSettings.DEFAULTS);
        InetAddress source = address("192.0.2.1");
        assertEquals("200 datagrams at once", 40, charge(budget, source, 200, ChargenPattern.LINE_BYTES));

        advanceMillis(100); // 20/s × 0.1 s
        assertEquals(2, charge(budget, source, 200, ChargenPattern.LINE_BYTES));
        advanceMillis(49);
        assertEquals("less than a whole reply refilled", 0, charge(budget, source, 200, ChargenPattern.LINE_BYTES));
        advanceMillis(1);
        assertEquals(1, charge(budget, source, 200, ChargenPattern.LINE_BYTES));

        advanceMillis(3_600_000);
        assertEquals("an hour later: the burst, not more", 40, charge(budget, source, 200, ChargenPattern.LINE_BYTES));
    }

    @Test
    public void anotherSourceKeepsItsOwnBudget() throws UnknownHostException {
        ReplyBudget budget = budget(BudgetSettings.DEFAULTS);
        assertEquals(40, charge(budget, address("192.0.2.1"), 200, 4));
        assertEquals(40, charge(budget, address("192.0.2.2"), 200, 4));
        assertEquals(40, charge(budget, address("2001:db8::1"), 200, 4));
        assertEquals(0, charge(budget, address("192.0.2.1"), 1, 4));
    }

    @Test
    public void theByteBudgetBoundsLargeReplies() throws UnknownHostException {
        ReplyBudget budget = budget(BudgetSettings.DEFAULTS);
        InetAddress source = address("192.0.2.1");
        // 64 KiB of burst holds 46 echoes of 1400 bytes, but only 40 replies: the reply count binds.
        assertEquals(40, charge(budget, source, 200, 1400));
        advanceMillis(60_000);
        // 65507 bytes, the largest IPv4 echo: one fits the byte burst, the second waits for the rate.
        assertEquals(1, charge(budget, source, 10, 65_507));
        advanceMillis(1_000); // 16 KiB/s × 1 s
        assertEquals(11, charge(budget, source, 20, 1400)); // (16384 + 29) / 1400
    }

    @Test
    public void aReplyLargerThanTheByteBurstIsNeverSent() throws UnknownHostException {
        ReplyBudget budget = budget(new BudgetSettings(20, 40, 1000, 1000, 16, 60));
        InetAddress source = address("192.0.2.1");
        assertFalse(budget.charge(source, 1001));
        advanceMillis(3_600_000);
        assertFalse(budget.charge(source, 1001));
        assertTrue(budget.charge(source, 1000));
    }

    @Test
    public void amplificationIsBoundedByTheBudgetWhateverTheRequests() throws UnknownHostException {
        // Chargen answers an empty datagram with 74 bytes; over 10 s a source gets at most
        // burst + rate × 10 s replies, i.e. 240 × 74 bytes, however many empty datagrams it sends.
        ReplyBudget budget = budget(BudgetSettings.DEFAULTS);
        InetAddress victim = address("192.0.2.1");
        long replies = 0;
        for (int tick = 0; tick < 100; tick++) {
            replies += charge(budget, victim, 1000, ChargenPattern.LINE_BYTES);
            advanceMillis(100);
        }
        replies += charge(budget, victim, 1000, ChargenPattern.LINE_BYTES);
        assertEquals(40 + 20 * 10, replies);
    }

    @Test
    public void theTableStaysBoundedUnderAFloodFromForgedSources() throws UnknownHostException {
        ReplyBudget budget = budget(new BudgetSettings(20, 40, 1 << 20, 1 << 20, 8, 60));
        for (int i = 0; i < 10_000; i++) {
            budget.charge(address("10.0." + (i / 256) + "." + (i % 256)), 74);
        }
        assertEquals(8, budget.tracked());
    }

    @Test
    public void aBusySourceIsNeverForgottenSoAFloodCannotRefillItsBudget() throws UnknownHostException {
        ReplyBudget budget = budget(new BudgetSettings(20, 40, 1 << 20, 1 << 20, 8, 60));
        InetAddress victim = address("192.0.2.1");
        assertEquals(40, charge(budget, victim, 100, 74));
        for (int i = 0; i < 1000; i++) { // forged sources, all at the same moment
            budget.charge(address("10.0." + (i / 256) + "." + (i % 256)), 74);
        }
        assertEquals("the victim's budget is still spent", 0, charge(budget, victim, 100, 74));
    }

    @Test
    public void whileEveryTrackedSourceIsBusyNewSourcesShareOneBudget() throws UnknownHostException {
        ReplyBudget budget = budget(new BudgetSettings(20, 40, 1 << 20, 1 << 20, 8, 60));
        for (int i = 0; i < 8; i++) {
            budget.charge(address("192.0.2." + i), 74);
        }
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            allowed += charge(budget, address("10.0." + (i / 256) + "." + (i % 256)), 1, 74);
        }
        assertEquals("1000 untracked sources at once get one burst together", 40, allowed);
    }

    @Test
    public void aSourceWhoseBudgetHasRefilledMakesRoomForANewOne() throws UnknownHostException {
        ReplyBudget budget = budget(new BudgetSettings(20, 40, 1 << 20, 1 << 20, 8, 60));
        for (int i = 0; i < 8; i++) {
            budget.charge(address("192.0.2." + i), 74);
        }
        advanceMillis(50); // one reply refilled: every tracked source is as if it had never asked
        for (int i = 0; i < 8; i++) {
            assertEquals("new source " + i + " has a burst of its own", 40,
                    charge(budget, address("10.0.0." + i), 100, 74));
        }
        assertEquals(8, budget.tracked());
    }
}
