package org.superserver.access.xinetd.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;

/**
 * The cost of one {@code only_from} decision of the {@code xinetd} policy, with {@code entries}
 * (10 or 10,000) only_from entries: mostly single addresses, with networks written as
 * {@code a.b.c.0}, CIDR ({@code /16}, {@code /24}), factorized {@code a.b.c.{x,y}} and IPv6
 * networks, plus a {@code no_access} list of 100 entries. No host names or domains: a decision
 * needs no lookup, and the executor given to the policy throws if anything is handed to it, so every
 * figure is also proof that the decision was made on the caller's thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class XinetdMatcherBenchmark {

    /** Executes nothing: a decision that would need a lookup thread fails the run. */
    static final Executor NOWHERE = r -> {
        throw new IllegalStateException("the decision left the caller's thread");
    };

    /** Runs in place while the rules are read in setup, then as {@link #NOWHERE}. */
    volatile boolean settingUp = true;
    final Executor lookups = r -> {
        if (!settingUp) {
            NOWHERE.execute(r);
        }
        r.run();
    };

    @Param({"10", "10000"})
    public int entries;

    ServiceDefinition definition;
    XinetdPolicy policy;
    AddressList onlyFrom;
    ConnectionInfo lastEntry;
    ConnectionInfo network;
    ConnectionInfo nobody;
    ConnectionInfo v6;
    Client lastEntryClient;
    Client nobodyClient;
    List<String> onlyFromText;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        onlyFromText = onlyFrom(entries);
        List<String> noAccess = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            noAccess.add("203.0.113." + i);
        }
        definition = ServiceDefinition.builder().name("ssh").socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .port(22).server("/usr/sbin/sshd").argv(List.of("sshd", "-i")).policies(List.of("xinetd"))
                .attribute("only_from", onlyFromText).attribute("no_access", noAccess).build();
        Clock clock = Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC);
        policy = new XinetdPolicy(Resolver.SYSTEM, lookups, () -> clock, System::nanoTime, new SensorTable(10),
                new XinetdPolicy.Settings(5000, 60_000, 10_000, 300_000, 65_536));
        // the first decision reads the rules (10,000 entries on a lookup thread): here, in place
        if (policy.rules(definition).getNow(null) == null) {
            throw new IllegalStateException("rules not read");
        }
        settingUp = false;
        onlyFrom = ServiceRules.of(definition, Resolver.SYSTEM, 300_000, System::nanoTime).onlyFrom;
        lastEntry = from(lastAddress(entries));
        network = from("172.16.200.9");
        nobody = from("198.51.100.77");
        v6 = from("2001:db8:0:ffff::1234");
        lastEntryClient = Client.of(InetAddress.getByName(lastAddress(entries)));
        nobodyClient = Client.of(InetAddress.getByName("198.51.100.77"));
    }

    /**
     * {@code n} entries: n - 5 single addresses 10.x.y.z, then 172.16.0.0 (172.16/16 by its zero
     * octets), 192.168.{1,2,3} networks, 100.64.0.0/10, 2001:db8::/48 and the last single address.
     */
    static List<String> onlyFrom(int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n - 5; i++) {
            l.add("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255 | 1));
        }
        l.add("172.16.0.0");
        l.add("192.168.{1,2,3}");
        l.add("100.64.0.0/10");
        l.add("2001:db8::/48");
        l.add(lastAddress(n));
        return l;
    }

    static String lastAddress(int n) {
        return "10.250." + (n >> 8 & 255) + "." + (n & 255 | 1);
    }

    static ConnectionInfo from(String client) throws Exception {
        return new ConnectionInfo("ssh/tcp", "ssh", Protocol.TCP, new InetSocketAddress("127.0.0.1", 22),
                new InetSocketAddress(InetAddress.getByName(client), 40_001), Instant.EPOCH);
    }

    /** A client that only the last only_from entry lets in, through {@code AccessPolicy.check}. */
    @Benchmark
    public Decision checkLastEntry() {
        return now(policy.check(lastEntry, definition).toCompletableFuture());
    }

    /** A client in a network entry (172.16.0.0), through {@code AccessPolicy.check}. */
    @Benchmark
    public Decision checkNetwork() {
        return now(policy.check(network, definition).toCompletableFuture());
    }

    /** A client that no entry lets in (denied), through {@code AccessPolicy.check}. */
    @Benchmark
    public Decision checkNobody() {
        return now(policy.check(nobody, definition).toCompletableFuture());
    }

    /** An IPv6 client in 2001:db8::/48, through {@code AccessPolicy.check}. */
    @Benchmark
    public Decision checkV6() {
        return now(policy.check(v6, definition).toCompletableFuture());
    }

    /** The only_from index alone: the last entry's client. */
    @Benchmark
    public boolean matchLastEntry() {
        return onlyFrom.matchesAddress(lastEntryClient, NOWHERE);
    }

    /** The only_from index alone: a client it does not hold. */
    @Benchmark
    public boolean matchNobody() {
        return onlyFrom.matchesAddress(nobodyClient, NOWHERE);
    }

    /** What reading the rules costs (once per definition, on a lookup thread beyond 256 entries). */
    @Benchmark
    public ServiceRules read() {
        return ServiceRules.of(definition, Resolver.SYSTEM, 300_000, System::nanoTime);
    }

    static Decision now(CompletableFuture<Decision> f) {
        Decision d = f.getNow(null);
        if (d == null) {
            throw new IllegalStateException("the decision was not made on the caller's thread");
        }
        return d;
    }
}
