package org.superserver.builtin.internal;

import static org.junit.Assert.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/** The drop log writes at most one line per source per period, with the count since the last. */
public class DropLogTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final DropLog log = new DropLog(new BudgetSettings(20, 40, 1 << 16, 1 << 16, 4, 60), now::get);

    private void advanceSeconds(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    public void oneLinePerSourcePerPeriodCountingTheDropsBetween() throws UnknownHostException {
        InetAddress source = InetAddress.getByName("192.0.2.1");
        assertEquals("the first drop is logged", 1, log.due(source));
        for (int i = 0; i < 999; i++) {
            assertEquals(0, log.due(source));
        }
        advanceSeconds(59);
        assertEquals(0, log.due(source));
        advanceSeconds(1);
        assertEquals("a period later: one line for the 1001 drops since", 1001, log.due(source));
        assertEquals(0, log.due(source));
        assertEquals("another source has its own line", 1, log.due(InetAddress.getByName("192.0.2.2")));
    }

    @Test
    public void sourcesBeyondTheTableShareOneLinePerPeriod() throws UnknownHostException {
        for (int i = 0; i < 4; i++) {
            assertEquals(1, log.due(InetAddress.getByName("192.0.2." + i)));
        }
        assertEquals("the first of the others", -1, log.due(InetAddress.getByName("10.0.0.1")));
        for (int i = 2; i < 1000; i++) {
            assertEquals(0, log.due(InetAddress.getByName("10.0." + (i / 256) + "." + (i % 256))));
        }
        advanceSeconds(60);
        assertEquals("a period later the oldest source makes room", 1, log.due(InetAddress.getByName("10.9.9.9")));
    }
}
