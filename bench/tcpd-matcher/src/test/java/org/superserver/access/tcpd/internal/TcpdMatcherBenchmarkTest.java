package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.superserver.api.access.Decision;

/**
 * Runs every state's setup (which checks the generated files and each scenario's deciding rule) and
 * every benchmark method once, without JMH: keeps the benchmark honest as the matcher changes.
 */
public class TcpdMatcherBenchmarkTest {

    private final TcpdMatcherBenchmark bench = new TcpdMatcherBenchmark();

    @Test
    public void everyScenarioIsDecidedByItsRuleWithoutALookup() throws Exception {
        for (String mix : new String[] {"mixed", "ipv4"}) {
            TcpdMatcherBenchmark.Tables t = new TcpdMatcherBenchmark.Tables();
            t.mix = mix;
            t.setUp();
            try {
                assertTrue(bench.allowEarly(t).allowed);
                assertFalse(bench.denyEarly(t).allowed);
                Outcome last = bench.lastRule(t);
                assertEquals(RuleFiles.DENY_RULES, t.rules.deny.rules.indexOf(last.rule) + 1);
                assertEquals("no rule matched", bench.noMatch(t).reason);
                assertEquals("no rule matched", bench.noMatchV6(t).reason);
            } finally {
                t.tearDown();
            }
        }
    }

    @Test
    public void anAddressRuleDecidesBeforeTheNamePatterns() throws Exception {
        TcpdMatcherBenchmark.NamedTables t = new TcpdMatcherBenchmark.NamedTables();
        t.setUp();
        try {
            assertEquals("allow", bench.decidedBeforeNames(t).table);
        } finally {
            t.tearDown();
        }
    }

    @Test
    public void thePolicyDecidesOnTheCallersThread() throws Exception {
        TcpdMatcherBenchmark.Policy p = new TcpdMatcherBenchmark.Policy();
        p.setUp();
        try {
            Decision d = bench.policyCheckLastRule(p).toCompletableFuture().getNow(null);
            assertFalse(d.isAllowed());
        } finally {
            p.tearDown();
        }
    }

    @Test
    public void theFilesLoad() throws Exception {
        TcpdMatcherBenchmark.OnDisk f = new TcpdMatcherBenchmark.OnDisk();
        f.setUp();
        try {
            assertEquals(RuleFiles.RULES, bench.load(f).size());
            Rule first = bench.firstDecisionAfterReload(f);
            assertEquals(f.rules.deny.rules.get(RuleFiles.DENY_RULES - 1).where(), first.where());
        } finally {
            f.tearDown();
        }
    }
}
