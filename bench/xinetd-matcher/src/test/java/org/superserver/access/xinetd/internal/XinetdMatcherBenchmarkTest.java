package org.superserver.access.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** Every scenario of the benchmark is decided as it claims, on the caller's thread, for both sizes. */
public class XinetdMatcherBenchmarkTest {

    @Test
    public void everyScenarioDecidesAsItsNameSays() throws Exception {
        for (int n : new int[] {10, 10_000}) {
            XinetdMatcherBenchmark b = new XinetdMatcherBenchmark();
            b.entries = n;
            b.setUp();
            assertEquals(n, b.onlyFromText.size());
            assertTrue(n + " last entry", b.checkLastEntry().isAllowed());
            assertTrue(n + " network", b.checkNetwork().isAllowed());
            assertTrue(n + " v6", b.checkV6().isAllowed());
            assertFalse(n + " nobody", b.checkNobody().isAllowed());
            assertEquals("not in only_from", b.checkNobody().reason());
            assertTrue(b.matchLastEntry());
            assertFalse(b.matchNobody());
            assertTrue(b.read().problems.isEmpty());
            assertEquals(n, b.read().onlyFrom.entries);
        }
    }
}
