package org.superserver.access.tcpd.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;

/**
 * The tcpd matcher over a 10,000-rule hosts.allow + hosts.deny ({@link RuleFiles}): the cost of one
 * decision that needs no name, user or netgroup lookup. Every lookup the matcher could make fails the
 * benchmark ({@link #NO_LOOKUPS}), so a figure here is also proof that the decision was made on the
 * caller's thread without one. Each operation builds the {@link Request} as {@link TcpdPolicy} does
 * for every connection (the client and server addresses as text), then runs {@link Matcher#decide}.
 *
 * <p>Every state checks, in its setup, that its files read without a diagnostic, hold 10,000 rules,
 * and that each client is decided by the rule the scenario names.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpdMatcherBenchmark {

    private static final long PID = 4242;

    /** Thrown when the matcher asks for a name, a user, a netgroup or a command. */
    static final class LookupAttempted extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        LookupAttempted(String what) {
            super("the benchmark's decision needed a lookup (" + what + "); it must be decided on addresses alone");
        }
    }

    /** Lookups that refuse, as TcpdPolicy's non-blocking ones do, but fail loudly instead of deferring. */
    static final Request.Lookups NO_LOOKUPS = new Request.Lookups() {
        @Override
        public String hostName(InetAddress address) {
            throw new LookupAttempted("host name of " + address.getHostAddress());
        }

        @Override
        public String user(InetSocketAddress local, InetSocketAddress remote, long timeoutMillis) {
            throw new LookupAttempted("ident user of " + remote);
        }

        @Override
        public boolean inNetgroup(String netgroup, String host) {
            throw new LookupAttempted("netgroup " + netgroup);
        }

        @Override
        public boolean aclexec(String command, Map<String, String> env) {
            throw new LookupAttempted("aclexec " + command);
        }
    };

    static Request request(InetSocketAddress client) {
        return new Request(RuleFiles.DAEMON, RuleFiles.LOCAL, client, true, false, 0, NO_LOOKUPS, PID);
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark setup: " + what);
        }
    }

    /** Loads a generated pair of files and checks that it reads cleanly. */
    static RuleSet load(RuleFiles files) {
        RuleSet rules = RuleSet.load(files.allow, files.deny, false);
        check(rules.diagnostics.isEmpty(), "the generated files read with diagnostics: " + rules.diagnostics);
        check(rules.allow.rules.size() == RuleFiles.ALLOW_RULES && rules.deny.rules.size() == RuleFiles.DENY_RULES,
                "expected " + RuleFiles.RULES + " rules, read " + rules.size());
        return rules;
    }

    /** How the index sees a table for sshd on port 22: rules that apply, and of those, the ones tried one by one. */
    static String describe(RuleSet.Table table) {
        Request probe = new Request(RuleFiles.DAEMON, RuleFiles.LOCAL, RuleFiles.LOCAL, false, false, 0, null, 0);
        int apply = 0;
        int scanned = 0;
        for (Rule r : table.rules) {
            if (!r.daemons.isStatic()) {
                apply++;
                scanned++;
            } else if (r.daemons.matches(probe)) {
                apply++;
                if (r.clients.ranges() == null) {
                    scanned++;
                }
            }
        }
        return table.path.getFileName() + " " + table.rules.size() + " rules, " + apply + " for sshd, of which "
                + (apply - scanned) + " by hash look-up and " + scanned + " tried one by one";
    }

    // ------------------------------------------------------------------ states

    /** The 10,000 rules, in the realistic mix or with IPv4 patterns only. */
    @State(Scope.Benchmark)
    public static class Tables {
        @Param({"mixed", "ipv4"})
        public String mix;

        RuleFiles files;
        RuleSet rules;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            files = RuleFiles.write(RuleFiles.Mix.of(mix));
            rules = load(files);
            System.out.println("# " + mix + ": " + describe(rules.allow) + "; " + describe(rules.deny));
            RuleSet.Table allow = rules.allow;
            RuleSet.Table deny = rules.deny;
            expect(RuleFiles.ALLOW_EARLY, allow.rules.get(0), true);
            expect(RuleFiles.DENY_EARLY, deny.rules.get(1), false);
            expect(RuleFiles.LAST_RULE, deny.rules.get(deny.rules.size() - 1), false);
            expect(RuleFiles.NO_MATCH, null, true);
            expect(RuleFiles.NO_MATCH_V6, null, true);
        }

        private void expect(InetSocketAddress client, Rule rule, boolean allowed) {
            Outcome o = decide(client);
            check(o.rule == rule && o.allowed == allowed, client + " expected " + (allowed ? "allow " : "deny ")
                    + (rule == null ? "(no rule)" : rule.where()) + ", got " + (o.allowed ? "allow " : "deny ") + o.reason);
        }

        Outcome decide(InetSocketAddress client) {
            return Matcher.decide(rules, request(client));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            files.delete();
        }
    }

    /** The mixed rules with name patterns for sshd in both tables, after the rule that decides. */
    @State(Scope.Benchmark)
    public static class NamedTables {
        RuleFiles files;
        RuleSet rules;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            files = RuleFiles.write(RuleFiles.Mix.NAMES);
            rules = load(files);
            System.out.println("# names: " + describe(rules.allow) + "; " + describe(rules.deny));
            Outcome o = Matcher.decide(rules, request(RuleFiles.BEFORE_NAMES));
            Rule expected = rules.allow.rules.get(RuleFiles.NAMES_FROM - 2);
            check(o.rule == expected && o.allowed, RuleFiles.BEFORE_NAMES + " expected allow " + expected.where()
                    + ", got " + o.reason);
            // The name patterns are live for sshd: a client the address rule does not decide needs its name.
            boolean lookedUp = false;
            try {
                Matcher.decide(rules, request(RuleFiles.NEEDS_NAME));
            } catch (LookupAttempted e) {
                lookedUp = true;
            }
            check(lookedUp, RuleFiles.NEEDS_NAME + " should have needed a name lookup");
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            files.delete();
        }
    }

    /** The whole policy, as the core calls it, over the mixed rules. */
    @State(Scope.Benchmark)
    public static class Policy {
        RuleFiles files;
        TcpdPolicy policy;
        ServiceDefinition sshd;
        ConnectionInfo lastRule;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            files = RuleFiles.write(RuleFiles.Mix.MIXED);
            Executor refuse = task -> {
                throw new LookupAttempted("work handed to the lookup executor");
            };
            Resolver noResolver = new Resolver() {
                @Override
                public String nameOf(InetAddress address) {
                    throw new LookupAttempted("reverse lookup of " + address.getHostAddress());
                }

                @Override
                public List<InetAddress> addressesOf(String name) {
                    throw new LookupAttempted("forward lookup of " + name);
                }
            };
            policy = new TcpdPolicy(files.allow, files.deny, 5000, false,
                    new NameCache(noResolver, refuse, 30_000, 1000, System::nanoTime), refuse, null,
                    (local, remote, timeout) -> {
                        throw new LookupAttempted("ident");
                    },
                    (command, env) -> {
                        throw new LookupAttempted("shell " + command);
                    },
                    // the files were written just now: with the production window the first decisions
                    // would compare their contents on the evaluator, which refuses here
                    0);
            RuleSet rules = policy.reload();
            check(rules.diagnostics.isEmpty() && rules.size() == RuleFiles.RULES, "policy rules: " + rules.size());
            sshd = ServiceDefinition.builder().name("ssh").socketType(SocketType.STREAM).protocol(Protocol.TCP)
                    .port(RuleFiles.PORT).server("/usr/sbin/sshd").argv(List.of("sshd", "-i")).build();
            check(TcpdPolicy.daemonName(sshd).equals(RuleFiles.DAEMON), "daemon name " + TcpdPolicy.daemonName(sshd));
            lastRule = new ConnectionInfo("ssh", "ssh", Protocol.TCP, RuleFiles.LOCAL, RuleFiles.LAST_RULE, Instant.now());
            CompletableFuture<Decision> d = policy.check(lastRule, sshd).toCompletableFuture();
            String last = rules.deny.rules.get(rules.deny.rules.size() - 1).where();
            check(d.isDone() && !d.join().isAllowed() && d.join().reason().equals(last),
                    "policy: expected a completed deny by " + last + ", got " + (d.isDone() ? d.join().reason() : "a pending decision"));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            files.delete();
        }
    }

    /** The mixed files on disk, and as read once. */
    @State(Scope.Benchmark)
    public static class OnDisk {
        RuleFiles files;
        RuleSet rules;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            files = RuleFiles.write(RuleFiles.Mix.MIXED);
            rules = load(files);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            files.delete();
        }
    }

    // ------------------------------------------------------------------ decisions

    /** (lower bound) Allowed by the first rule of hosts.allow. */
    @Benchmark
    public Outcome allowEarly(Tables t) {
        return t.decide(RuleFiles.ALLOW_EARLY);
    }

    /** (c) No hosts.allow rule matches; denied by rule 2 of hosts.deny. */
    @Benchmark
    public Outcome denyEarly(Tables t) {
        return t.decide(RuleFiles.DENY_EARLY);
    }

    /** (a) Denied by the last of the 10,000 rules. */
    @Benchmark
    public Outcome lastRule(Tables t) {
        return t.decide(RuleFiles.LAST_RULE);
    }

    /** (b) No rule matches: allowed by default after both tables. */
    @Benchmark
    public Outcome noMatch(Tables t) {
        return t.decide(RuleFiles.NO_MATCH);
    }

    /** (b) The same for an IPv6 client, which the IPv4 index cannot help. */
    @Benchmark
    public Outcome noMatchV6(Tables t) {
        return t.decide(RuleFiles.NO_MATCH_V6);
    }

    /** (d) Name patterns for sshd exist, but an address rule before them decides. */
    @Benchmark
    public Outcome decidedBeforeNames(NamedTables t) {
        return Matcher.decide(t.rules, request(RuleFiles.BEFORE_NAMES));
    }

    /** (a) through the public AccessPolicy method: decision, Decision object, log line (to slf4j-nop). */
    @Benchmark
    public CompletionStage<Decision> policyCheckLastRule(Policy p) {
        return p.policy.check(p.lastRule, p.sshd);
    }

    /**
     * What every {@code TcpdPolicy.check} does first, included in {@code policyCheckLastRule}: one
     * stat(2) of each file read (here hosts.allow and hosts.deny) to see that the rules still say
     * what the files say.
     */
    @Benchmark
    public RuleSet.Freshness freshness(Policy p) {
        return p.policy.rules().freshness();
    }

    // ------------------------------------------------------------------ reading the files

    /** Reading and parsing both files (10,000 rules): what a reload costs (on the poll thread). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public RuleSet load(OnDisk f) {
        return RuleSet.load(f.files.allow, f.files.deny, false);
    }

    /**
     * The first decision for sshd on port 22 after a reload: builds both tables' views of the index
     * for that daemon and port (fresh {@link TableIndex}es over the rules as read), then decides (a).
     */
    @Benchmark
    public Rule firstDecisionAfterReload(OnDisk f) {
        Request r = request(RuleFiles.LAST_RULE);
        Rule allow = new TableIndex(f.rules.allow.rules).firstMatch(r);
        return allow != null ? allow : new TableIndex(f.rules.deny.rules).firstMatch(r);
    }
}
