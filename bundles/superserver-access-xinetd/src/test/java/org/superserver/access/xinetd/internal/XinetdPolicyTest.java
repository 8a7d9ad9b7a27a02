package org.superserver.access.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;

public class XinetdPolicyTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final MutableClock clock = new MutableClock("2026-12-05T12:00:00Z");
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Resolvers.Table resolver = new Resolvers.Table();
    private final SensorTable sensors = new SensorTable(100);

    @After
    public void stop() {
        pool.shutdownNow();
    }

    /** A policy whose lookups run on {@code executor}. */
    private XinetdPolicy policy(Executor executor) {
        return new XinetdPolicy(resolver, executor, () -> clock, nanos::get, sensors,
                new XinetdPolicy.Settings(2000, 60_000, 100, 300_000, 64));
    }

    /** An executor that fails the test if anything is handed to it: the decision was made in place. */
    private static final Executor NOWHERE = r -> {
        throw new AssertionError("the decision should not have left the caller's thread");
    };

    private static ServiceDefinition service(String name, String... attributes) {
        Map<String, List<String>> attrs = new LinkedHashMap<>();
        for (String a : attributes) {
            int eq = a.indexOf('=');
            String v = a.substring(eq + 1).trim();
            attrs.put(a.substring(0, eq).trim(), v.isEmpty() ? List.of() : List.of(v.split("\\s+")));
        }
        ServiceDefinition.Builder b = ServiceDefinition.builder().name(name).socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).port(10_007).handler("echo").policies(List.of("xinetd"));
        attrs.forEach(b::attribute);
        return b.build();
    }

    private static ConnectionInfo from(String client, ServiceDefinition d) throws Exception {
        return new ConnectionInfo(d.id(), d.name(), Protocol.TCP, new InetSocketAddress("127.0.0.1", d.port()),
                new InetSocketAddress(InetAddress.getByName(client), 40_001), Instant.now());
    }

    private static Decision now(CompletionStage<Decision> s) {
        CompletableFuture<Decision> f = s.toCompletableFuture();
        assertTrue("decided on the caller's thread", f.isDone());
        return f.join();
    }

    private static Decision await(CompletionStage<Decision> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Decision decide(String client, ServiceDefinition d) throws Exception {
        return now(policy(NOWHERE).check(from(client, d), d));
    }

    @Test
    public void absentListsAllowEveryone() throws Exception {
        assertTrue(decide("198.51.100.1", service("echo")).isAllowed());
        assertTrue(decide("::1", service("echo")).isAllowed());
    }

    @Test
    public void anEmptyOnlyFromAllowsNobody() throws Exception {
        ServiceDefinition d = service("echo", "only_from =");
        Decision x = decide("127.0.0.1", d);
        assertFalse(x.isAllowed());
        assertEquals("only_from is empty", x.reason());
    }

    @Test
    public void onlyFromLetsInItsClientsOnly() throws Exception {
        ServiceDefinition d = service("echo", "only_from = 127.0.0.2 10.0.0.0 192.0.2.{1,3}");
        assertTrue(decide("127.0.0.2", d).isAllowed());
        assertTrue(decide("10.9.9.9", d).isAllowed());
        assertTrue(decide("192.0.2.3", d).isAllowed());
        assertFalse(decide("127.0.0.3", d).isAllowed());
        assertFalse(decide("192.0.2.2", d).isAllowed());
        assertFalse(decide("::1", d).isAllowed());
    }

    @Test
    public void noAccessShutsOutItsClients() throws Exception {
        ServiceDefinition d = service("echo", "no_access = 127.0.0.5 2001:db8::/32");
        assertFalse(decide("127.0.0.5", d).isAllowed());
        assertFalse(decide("2001:db8::77", d).isAllowed());
        assertTrue(decide("127.0.0.6", d).isAllowed());
    }

    @Test
    public void aClientBothListsMatchIsDeniedAsXinetdDoes() throws Exception {
        // the man page's own example: the more specific no_access entry wins there, and xinetd denies
        ServiceDefinition d = service("echo", "only_from = 128.138.209.0", "no_access = 128.138.209.10");
        Decision both = decide("128.138.209.10", d);
        assertFalse(both.isAllowed());
        assertEquals("only_from and no_access both match", both.reason());
        // the reverse case, where the man page would allow: denied too (fail closed)
        ServiceDefinition d2 = service("echo", "only_from = 127.0.0.5", "no_access = 127.0.0.0");
        assertFalse(decide("127.0.0.5", d2).isAllowed());
        assertTrue(decide("128.138.209.11", d).isAllowed());
    }

    @Test
    public void aBadEntryIsReportedAndTheRestOfTheListStays() throws Exception {
        ServiceDefinition d = service("echo", "only_from = 10.0.0.0/33 127.0.0.1", "no_access = 1.2.3.{4,}",
                "access_times = 25:00-26:00 08:00-17:00", "deny_time = soon");
        XinetdPolicy p = policy(NOWHERE);
        assertEquals(List.of("only_from 10.0.0.0/33: an IPv4 network has at most 32 bits; the entry matches nobody",
                "no_access 1.2.3.{4,}: bad octet '' in {} (0 to 255); the entry matches nobody",
                "access_times 25:00-26:00: hours run from 0 to 23, minutes from 0 to 59; left out",
                "deny_time soon: minutes, FOREVER or NEVER; read as NEVER"), p.rules(d).join().problems);
        assertTrue(now(p.check(from("127.0.0.1", d), d)).isAllowed());
        assertFalse(now(p.check(from("10.0.0.1", d), d)).isAllowed());
        ServiceDefinition onlyBad = service("echo", "only_from = 10.0.0.0/33");
        assertFalse("a list of bad entries admits nobody", now(p.check(from("10.0.0.1", onlyBad), onlyBad)).isAllowed());
    }

    @Test
    public void ipv4MappedClientsAreJudgedByTheIPv4Rules() throws Exception {
        ServiceDefinition d = service("echo", "only_from = 127.0.0.0/24", "no_access = 127.0.0.5");
        assertTrue(decide("::ffff:127.0.0.4", d).isAllowed());
        assertFalse(decide("::ffff:127.0.0.5", d).isAllowed());
        assertFalse(decide("::ffff:127.0.1.4", d).isAllowed());
    }

    @Test
    public void hostNamesAreResolvedOnceOffTheCallersThreadAndRefreshedInTheBackground() throws Exception {
        resolver.host("trusted.example", "192.0.2.10", "2001:db8::10");
        XinetdPolicy p = policy(pool);
        ServiceDefinition d = service("echo", "only_from = trusted.example");
        assertTrue(await(p.check(from("192.0.2.10", d), d)).isAllowed());
        assertTrue(now(p.check(from("2001:db8::10", d), d)).isAllowed());
        assertFalse(now(p.check(from("192.0.2.11", d), d)).isAllowed());
        assertEquals(1, resolver.forward.get());
        // the name moves; after the refresh interval the next decision starts a refresh and uses the old addresses
        resolver.host("trusted.example", "192.0.2.11");
        nanos.addAndGet(Duration.ofSeconds(301).toNanos());
        assertTrue(now(p.check(from("192.0.2.10", d), d)).isAllowed());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (resolver.forward.get() < 2 || !now(p.check(from("192.0.2.11", d), d)).isAllowed()) {
            assertTrue("refresh", System.nanoTime() < deadline);
            Thread.sleep(10);
        }
        assertFalse(now(p.check(from("192.0.2.10", d), d)).isAllowed());
    }

    @Test
    public void aHostNameThatDoesNotResolveMatchesNobody() throws Exception {
        XinetdPolicy p = policy(pool);
        ServiceDefinition d = service("echo", "only_from = nowhere.invalid");
        assertFalse(await(p.check(from("127.0.0.1", d), d)).isAllowed());
        ServiceDefinition n = service("echo", "no_access = nowhere.invalid");
        assertTrue(await(p.check(from("127.0.0.1", n), n)).isAllowed());
    }

    @Test
    public void domainsAreMatchedAfterAReverseLookupOffTheCallersThreadAndCached() throws Exception {
        resolver.name("192.0.2.20", "ws1.Lab.Example.com.").name("192.0.2.21", "evil.example.org");
        XinetdPolicy p = policy(pool);
        ServiceDefinition d = service("echo", "only_from = .lab.example.com");
        CompletableFuture<Decision> first = p.check(from("192.0.2.20", d), d).toCompletableFuture();
        assertTrue(await(first).isAllowed());
        assertEquals(1, resolver.reverse.get());
        assertTrue("known name: decided in place", now(p.check(from("192.0.2.20", d), d)).isAllowed());
        assertEquals(1, resolver.reverse.get());
        assertFalse(await(p.check(from("192.0.2.21", d), d)).isAllowed());
        assertFalse("no name", await(p.check(from("192.0.2.22", d), d)).isAllowed());
        ServiceDefinition n = service("echo", "no_access = .example.org");
        assertFalse(await(p.check(from("192.0.2.21", n), n)).isAllowed());
        assertTrue(await(p.check(from("192.0.2.20", n), n)).isAllowed());
    }

    @Test
    public void anAddressMatchDecidesWithoutALookup() throws Exception {
        resolver.name("192.0.2.20", "ws1.lab.example.com");
        XinetdPolicy p = policy(NOWHERE);
        // no_access matched by address: denied whatever the name
        ServiceDefinition d = service("echo", "only_from = .lab.example.com", "no_access = 192.0.2.20");
        assertFalse(now(p.check(from("192.0.2.20", d), d)).isAllowed());
        // only_from matched by address and no_access without domains: allowed at once
        ServiceDefinition e = service("echo", "only_from = 192.0.2.0/24 .lab.example.com");
        assertTrue(now(p.check(from("192.0.2.20", e), e)).isAllowed());
        // only_from without domains that does not match: denied at once even if no_access has domains
        ServiceDefinition f = service("echo", "only_from = 10.0.0.1", "no_access = .example.com");
        assertFalse(now(p.check(from("192.0.2.20", f), f)).isAllowed());
        assertEquals(0, resolver.reverse.get());
    }

    @Test
    public void onlyFromAndNoAccessDoNotApplyToAUnixDomainClientButAccessTimesDoes() throws Exception {
        ServiceDefinition d = service("echo", "only_from = 192.0.2.1", "no_access = 0.0.0.0/0",
                "access_times = 08:00-17:00");
        ConnectionInfo unix = new ConnectionInfo(d.id(), d.name(), Protocol.UNIX, "/run/echo.sock",
                new org.superserver.api.PeerCredentials(4242, 1000, 1000), Instant.now());
        clock.set("2026-12-05T12:00:00Z");
        assertTrue(now(policy(NOWHERE).check(unix, d)).isAllowed());
        assertFalse(decide("127.0.0.1", d).isAllowed());
        clock.set("2026-12-05T18:00:00Z");
        Decision late = now(policy(NOWHERE).check(unix, d));
        assertFalse(late.isAllowed());
        assertEquals("outside access_times 08:00-17:00", late.reason());
    }

    @Test
    public void accessTimesReadTheInjectedClock() throws Exception {
        ServiceDefinition d = service("echo", "access_times = 08:00-17:00");
        clock.set("2026-12-05T12:00:00Z");
        assertTrue(decide("127.0.0.1", d).isAllowed());
        clock.set("2026-12-05T17:01:00Z");
        Decision late = decide("127.0.0.1", d);
        assertFalse(late.isAllowed());
        assertEquals("outside access_times 08:00-17:00", late.reason());
        ServiceDefinition night = service("echo", "access_times = 22:00-06:00");
        assertFalse(decide("127.0.0.1", night).isAllowed());
        clock.set("2026-12-05T23:00:00Z");
        assertTrue(decide("127.0.0.1", night).isAllowed());
    }

    @Test
    public void bannersAreReadOffTheCallersThreadAndSentByOutcome() throws Exception {
        Path banner = write("banner", "Welcome\r\n");
        Path ok = write("ok", "granted\r\n");
        Path fail = write("fail", "go away\r\n");
        XinetdPolicy p = policy(pool);
        ServiceDefinition d = ServiceDefinition.builder().name("echo").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).port(7).handler("echo").policies(List.of("xinetd"))
                .attribute("banner", List.of(banner.toString())).attribute("banner_success", List.of(ok.toString()))
                .attribute("no_access", List.of("127.0.0.5")).bannerFail(fail.toString()).build();
        assertEquals("Welcome\r\ngranted\r\n", await(p.check(from("127.0.0.1", d), d)).banner());
        Decision denied = await(p.check(from("127.0.0.5", d), d));
        assertFalse(denied.isAllowed());
        assertEquals("Welcome\r\ngo away\r\n", denied.banner());
    }

    @Test
    public void anUnreadableBannerIsSkippedAndALongOneCut() throws Exception {
        Path big = write("big", "x".repeat(100));
        XinetdPolicy p = policy(pool);
        ServiceDefinition d = service("echo", "banner = " + tmp.getRoot() + "/missing",
                "banner_success = " + big);
        Decision x = await(p.check(from("127.0.0.1", d), d));
        assertTrue(x.isAllowed());
        assertEquals("x".repeat(64), x.banner());
        ServiceDefinition none = service("echo", "banner = " + tmp.getRoot() + "/missing");
        assertNull(await(p.check(from("127.0.0.1", none), none)).banner());
        ServiceDefinition directory = service("echo", "banner = " + tmp.getRoot());
        assertNull(await(p.check(from("127.0.0.1", directory), directory)).banner());
    }

    @Test
    public void aFifoAsBannerIsSkippedWithoutBlocking() throws Exception {
        Path fifo = tmp.getRoot().toPath().resolve("fifo");
        org.junit.Assume.assumeTrue("mkfifo(1) is available",
                new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        XinetdPolicy p = policy(pool);
        ServiceDefinition d = service("echo", "banner = " + fifo);
        Decision x = await(p.check(from("127.0.0.1", d), d));
        assertTrue(x.isAllowed());
        assertNull(x.banner());
    }

    @Test
    public void aSensorDeniesItsClientEverywhereForDenyTime() throws Exception {
        XinetdPolicy p = policy(NOWHERE);
        ServiceDefinition sensor = service("sensor", "flags = SENSOR", "deny_time = 10");
        ServiceDefinition other = service("echo", "only_from = 127.0.0.0");
        assertTrue(decide("127.0.0.7", other).isAllowed());
        Decision touched = now(p.check(from("127.0.0.7", sensor), sensor));
        assertFalse(touched.isAllowed());
        assertEquals("SENSOR", touched.reason());
        Decision after = now(p.check(from("127.0.0.7", other), other));
        assertFalse(after.isAllowed());
        assertEquals("deny_time: the client touched a SENSOR", after.reason());
        assertFalse("IPv4-mapped too", now(p.check(from("::ffff:127.0.0.7", other), other)).isAllowed());
        assertTrue("others still served", now(p.check(from("127.0.0.8", other), other)).isAllowed());
        clock.advance(Duration.ofMinutes(10));
        assertTrue("deny_time over", now(p.check(from("127.0.0.7", other), other)).isAllowed());
    }

    @Test
    public void denyTimeNeverOnlyLogsAndForeverNeverExpires() throws Exception {
        XinetdPolicy p = policy(NOWHERE);
        ServiceDefinition never = service("s1", "flags = SENSOR", "deny_time = NEVER");
        ServiceDefinition forever = service("s2", "flags = IPV4 SENSOR", "deny_time = FOREVER");
        ServiceDefinition other = service("echo");
        assertFalse("the sensor itself serves nobody", now(p.check(from("127.0.0.9", never), never)).isAllowed());
        assertTrue(now(p.check(from("127.0.0.9", other), other)).isAllowed());
        now(p.check(from("127.0.0.9", forever), forever));
        clock.advance(Duration.ofDays(3650));
        assertFalse(now(p.check(from("127.0.0.9", other), other)).isAllowed());
    }

    @Test
    public void aNonSensorDecisionChangesNothingSoItCanBeAskedAgain() throws Exception {
        XinetdPolicy p = policy(NOWHERE);
        ServiceDefinition d = service("echo", "only_from = 127.0.0.0/8", "no_access = 127.0.0.5");
        List<Boolean> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(now(p.check(from("127.0.0.4", d), d)).isAllowed());
            answers.add(now(p.check(from("127.0.0.5", d), d)).isAllowed());
        }
        assertEquals(List.of(true, false, true, false, true, false), answers);
        assertEquals(0, sensors.size());
    }

    @Test
    public void rulesAreReadOncePerDefinitionAndSharedByEqualDefinitions() throws Exception {
        XinetdPolicy p = policy(NOWHERE);
        ServiceDefinition d = service("echo", "only_from = 127.0.0.1");
        ServiceDefinition same = service("echo", "only_from = 127.0.0.1");
        ServiceDefinition changed = service("echo", "only_from = 127.0.0.2");
        assertSame(p.rules(d).join(), p.rules(d).join());
        assertSame(p.rules(d).join(), p.rules(same).join());
        assertFalse(p.rules(d).join() == p.rules(changed).join());
        assertFalse(now(p.check(from("127.0.0.1", changed), changed)).isAllowed());
    }

    @Test
    public void longListsAreReadOffTheCallersThreadThenDecidedInPlace() throws Exception {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            entries.append("10.").append(i / 256 % 256).append('.').append(i % 256).append(".1 ");
        }
        XinetdPolicy p = policy(pool);
        ServiceDefinition d = service("echo", "only_from = " + entries);
        assertTrue(await(p.check(from("10.39.15.1", d), d)).isAllowed());
        assertTrue(now(p.check(from("10.0.0.1", d), d)).isAllowed());
        assertFalse(now(p.check(from("10.0.0.2", d), d)).isAllowed());
    }

    private Path write(String name, String text) throws Exception {
        Path f = tmp.getRoot().toPath().resolve(name);
        Files.write(f, text.getBytes(StandardCharsets.UTF_8));
        return f;
    }
}
