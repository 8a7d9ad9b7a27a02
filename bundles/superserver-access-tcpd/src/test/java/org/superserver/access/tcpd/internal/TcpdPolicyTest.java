package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;

/** The policy as the core sees it: decisions on the caller's thread or later, lookups, banners, spawn, reloads. */
public class TcpdPolicyTest {

    @org.junit.Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final List<String> spawned = Collections.synchronizedList(new ArrayList<>());
    private Hosts hosts;
    private TcpdPolicy policy;

    @Before
    public void setUp() throws IOException {
        hosts = new Hosts(tmp.getRoot().toPath()).name("127.0.0.2", "host2.foobar.edu");
        hosts.files("", "");
        policy = policy(5000);
    }

    @After
    public void tearDown() {
        executor.shutdownNow();
    }

    private TcpdPolicy policy(long timeoutMillis) {
        NameCache names = new NameCache(hosts, executor, 30_000, 100, System::nanoTime);
        TcpdPolicy p = new TcpdPolicy(hosts.allow, hosts.deny, timeoutMillis, false, names, executor, null,
                (l, r, t) -> Request.UNKNOWN, (command, env) -> {
                    spawned.add(command + " " + env);
                    return new ProcessBuilder("true").start();
                }, 0);
        p.reload();
        return p;
    }

    private static ServiceDefinition internal(String name) {
        return ServiceDefinition.builder().name(name).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .port(10079).handler(name).build();
    }

    private static ServiceDefinition exec(String name, String server, String... argv) {
        return ServiceDefinition.builder().name(name).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .port(79).server(server).argv(List.of(argv)).build();
    }

    private static ConnectionInfo from(String client) {
        return new ConnectionInfo("id", "finger", Protocol.TCP, Hosts.endpoint("127.0.0.1", 79),
                Hosts.endpoint(client, 40001), Instant.now());
    }

    private static Decision get(java.util.concurrent.CompletionStage<Decision> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    public void aUnixDomainClientIsNotJudgedByHostsAccessAndDoesNotCrashIt() throws Exception {
        hosts.files("", "ALL: ALL\n");
        ConnectionInfo unix = new ConnectionInfo("id", "echo", Protocol.UNIX, "/run/echo.sock",
                new org.superserver.api.PeerCredentials(4242, 1000, 1000), Instant.now());
        Decision d = get(policy.check(unix, internal("echo")));
        assertTrue(d.reason(), d.isAllowed());
        assertEquals("hosts_access does not apply to a unix-domain client", d.reason());
        assertFalse(get(policy.check(from("127.0.0.1"), internal("echo"))).isAllowed());
    }

    @Test
    public void theDaemonNameIsArgv0sBasenameOrTheServiceName() {
        assertEquals("in.fingerd", TcpdPolicy.daemonName(exec("finger", "/usr/sbin/tcpd", "in.fingerd")));
        assertEquals("in.fingerd", TcpdPolicy.daemonName(exec("finger", "/usr/sbin/tcpd", "/usr/sbin/in.fingerd", "-w")));
        assertEquals("echo", TcpdPolicy.daemonName(internal("echo")));
    }

    @Test
    public void theLibwrapAttributeNamesTheDaemonInsteadAsInXinetd() throws Exception {
        ServiceDefinition wrapped = internal("echo").toBuilder().attribute("libwrap", List.of("guarded")).build();
        ServiceDefinition server = exec("finger", "/usr/sbin/in.fingerd", "in.fingerd").toBuilder()
                .attribute("libwrap", List.of("guarded")).build();
        assertEquals("guarded", TcpdPolicy.daemonName(wrapped));
        assertEquals("guarded", TcpdPolicy.daemonName(server));
        hosts.files("", "guarded: 127.0.0.2\n");
        policy.reload();
        Decision d = get(policy.check(from("127.0.0.2"), wrapped));
        assertFalse(d.isAllowed());
        assertEquals(hosts.deny + ":1", d.reason());
        assertTrue("the same service without libwrap is matched as echo",
                get(policy.check(from("127.0.0.2"), internal("echo"))).isAllowed());
    }

    @Test
    public void anAddressRuleIsDecidedOnTheCallersThreadWithoutLookups() throws Exception {
        hosts.files("", "in.fingerd: 127.0.0.2\n");
        policy.reload();
        CompletableFuture<Decision> d = policy.check(from("127.0.0.2"), exec("finger", "/usr/sbin/tcpd", "in.fingerd"))
                .toCompletableFuture();
        assertTrue(d.isDone());
        assertFalse(d.get().isAllowed());
        assertEquals(hosts.deny + ":1", d.get().reason());
        assertEquals(0, hosts.lookups.get());
        assertTrue(get(policy.check(from("127.0.0.3"), exec("finger", "/usr/sbin/tcpd", "in.fingerd"))).isAllowed());
    }

    @Test
    public void aNameRuleLooksTheNameUpOffTheCallersThreadAndCachesIt() throws Exception {
        hosts.files("", "echo: .foobar.edu\n");
        policy.reload();
        Decision d = get(policy.check(from("127.0.0.2"), internal("echo")));
        assertFalse(d.isAllowed());
        int lookups = hosts.lookups.get();
        assertEquals("reverse lookup once", 1, lookups);
        CompletableFuture<Decision> again = policy.check(from("127.0.0.2"), internal("echo")).toCompletableFuture();
        assertTrue("a cached name needs no wait", again.isDone());
        assertFalse(again.get().isAllowed());
        assertEquals(lookups, hosts.lookups.get());
    }

    @Test
    public void aNetgroupIsNeverAskedOnTheCallersThread() throws Exception {
        hosts.files("", "echo: @trusted\n");
        List<String> askedOn = Collections.synchronizedList(new ArrayList<>());
        TcpdPolicy p = new TcpdPolicy(hosts.allow, hosts.deny, 1000, false,
                new NameCache(hosts, executor, 30_000, 100, System::nanoTime), executor, (group, host) -> {
                    askedOn.add(Thread.currentThread().getName());
                    return host.equals("host2.foobar.edu");
                }, (l, r, t) -> Request.UNKNOWN, TcpdPolicy.SH, 0);
        p.reload();
        for (int i = 0; i < 2; i++) {
            assertFalse(get(p.check(from("127.0.0.2"), internal("echo"))).isAllowed());
        }
        assertEquals(2, askedOn.size());
        assertFalse(askedOn.toString(), askedOn.contains(Thread.currentThread().getName()));
    }

    @Test
    public void aLookupThatTakesTooLongLeavesTheNameUnknown() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Resolver slow = new Resolver() {
            @Override
            public String nameOf(InetAddress address) throws Exception {
                release.await();
                return "host2.foobar.edu";
            }

            @Override
            public List<InetAddress> addressesOf(String name) {
                return List.of();
            }
        };
        hosts.files("", "echo: UNKNOWN\n");
        TcpdPolicy p = new TcpdPolicy(hosts.allow, hosts.deny, 100, false,
                new NameCache(slow, executor, 30_000, 100, System::nanoTime), executor, null,
                (l, r, t) -> Request.UNKNOWN, TcpdPolicy.SH, 0);
        p.reload();
        try {
            Decision d = get(p.check(from("127.0.0.2"), internal("echo")));
            assertFalse(d.isAllowed());
        } finally {
            release.countDown();
        }
    }

    @Test
    public void optionsBecomeDecisionFields() throws Exception {
        Path banners = tmp.newFolder("banners").toPath();
        Files.write(banners.resolve("in.fingerd"), "Hello %a\nfrom %d\n".getBytes());
        hosts.files("in.fingerd: ALL: banners " + banners + ": setenv LANG C: user nobody.nogroup: spawn echo %d %a\n"
                + "in.ftpd: ALL: twist /bin/echo 421 go away\n", "");
        policy.reload();
        Decision d = get(policy.check(from("127.0.0.2"), exec("finger", "/usr/sbin/tcpd", "in.fingerd")));
        assertTrue(d.isAllowed());
        assertEquals("Hello 127.0.0.2\r\nfrom in.fingerd\r\n", d.banner());
        assertEquals(Map.of("LANG", "C"), d.env());
        assertEquals("nobody", d.user());
        assertEquals("nogroup", d.group());
        assertNull("spawn is run by the policy, not handed on", d.spawn());
        assertEquals(1, spawned.size());
        String spawn = spawned.get(0);
        assertTrue(spawn, spawn.startsWith("echo in.fingerd 127.0.0.2 {"));
        assertTrue("the rule's setenv, after the service's environment: " + spawn,
                spawn.contains("LANG=C") && spawn.contains("REMOTE_ADDR=127.0.0.2") && spawn.contains("PATH=/"));
        d = get(policy.check(from("127.0.0.2"), exec("ftp", "/usr/sbin/tcpd", "in.ftpd")));
        assertTrue(d.isAllowed());
        assertEquals("/bin/echo 421 go away", d.twist());
        assertEquals(hosts.allow + ":2", d.reason());
    }

    @Test
    public void socketAndProcessOptionsBecomeDecisionFields() throws Exception {
        hosts.files("in.fingerd: ALL: keepalive: linger 5: umask 027: nice\n", "");
        policy.reload();
        CompletableFuture<Decision> f = policy.check(from("127.0.0.2"), exec("finger", "/usr/sbin/tcpd", "in.fingerd"))
                .toCompletableFuture();
        assertTrue("nothing to wait for", f.isDone());
        Decision d = f.get();
        assertTrue(d.isAllowed());
        assertTrue(d.keepAlive());
        assertEquals(5, d.lingerSeconds());
        assertEquals(027, d.umask());
        assertEquals(10, d.nice());
        d = get(policy.check(from("127.0.0.3"), internal("echo")));
        assertFalse(d.keepAlive());
        assertEquals(-1, d.lingerSeconds());
        assertEquals(-1, d.umask());
        assertEquals(0, d.nice());
    }

    @Test
    public void rfc931AsksIdentOnTheEvaluatorWithIdentOff() throws Exception {
        hosts.files("echo: ALL: rfc931 2: setenv WHO %u\n", "");
        List<Runnable> queued = new ArrayList<>();
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        TcpdPolicy p = new TcpdPolicy(hosts.allow, hosts.deny, 1000, false,
                new NameCache(hosts, executor, 30_000, 100, System::nanoTime), queued::add, null,
                (l, r, t) -> {
                    asked.add(Thread.currentThread().getName() + " " + t);
                    return "joe";
                }, TcpdPolicy.SH, 0);
        p.reload();
        String caller = Thread.currentThread().getName();
        CompletableFuture<Decision> d = p.check(from("127.0.0.2"), internal("echo")).toCompletableFuture();
        assertFalse("an ident query is never made on the caller's thread", d.isDone());
        assertTrue(asked.isEmpty());
        assertEquals(1, queued.size());
        Thread evaluator = new Thread(queued.get(0), "evaluator");
        evaluator.start();
        evaluator.join(10_000);
        assertEquals(List.of("evaluator 2000"), asked);
        assertEquals(Map.of("WHO", "joe"), get(d).env());
        assertFalse(caller.equals("evaluator"));
    }

    @Test
    public void aDeniedClientStillGetsItsBannerAndSpawn() throws Exception {
        Path banners = tmp.newFolder("b").toPath();
        Files.write(banners.resolve("echo"), "go away\n".getBytes());
        hosts.files("", "echo: ALL: spawn echo %a: banners " + banners + "\n");
        policy.reload();
        Decision d = get(policy.check(from("127.0.0.2"), internal("echo")));
        assertFalse(d.isAllowed());
        assertEquals("go away\r\n", d.banner());
        assertEquals(1, spawned.size());
    }

    @Test(timeout = 20_000)
    public void spawnRunsAShellCommandInTheBackground() throws Exception {
        Path out = tmp.getRoot().toPath().resolve("spawned");
        hosts.files("echo: ALL: spawn echo %d %a > " + out + "\n", "");
        TcpdPolicy p = new TcpdPolicy(hosts.allow, hosts.deny, 1000, false,
                new NameCache(hosts, executor, 30_000, 100, System::nanoTime), executor, null,
                (l, r, t) -> Request.UNKNOWN, TcpdPolicy.SH, 0);
        p.reload();
        assertTrue(get(p.check(from("127.0.0.2"), internal("echo"))).isAllowed());
        while (!Files.exists(out) || Files.size(out) == 0) {
            Thread.sleep(20);
        }
        assertEquals("echo 127.0.0.2\n", Files.readString(out));
    }

    @Test
    public void anUnreadableFileDeniesAndSaysWhy() throws Exception {
        Files.delete(hosts.deny);
        Files.createDirectory(hosts.deny);
        policy.reload();
        Decision d = get(policy.check(from("127.0.0.2"), internal("echo")));
        assertFalse(d.isAllowed());
        assertTrue(d.reason(), d.reason().contains("cannot be read") && d.reason().contains("fail closed"));
    }

    @Test
    public void aChangedFileIsReadAgain() throws Exception {
        assertFalse(policy.reloadIfChanged());
        assertTrue(get(policy.check(from("127.0.0.2"), internal("echo"))).isAllowed());
        hosts.files("", "echo: 127.0.0.2 # longer now\n");
        assertTrue(policy.reloadIfChanged());
        assertFalse(get(policy.check(from("127.0.0.2"), internal("echo"))).isAllowed());
        Files.delete(hosts.deny);
        assertTrue("a removed file counts as empty", policy.reloadIfChanged());
        assertTrue(get(policy.check(from("127.0.0.2"), internal("echo"))).isAllowed());
    }

    @Test
    public void aChangedPatternFileIsReadAgain() throws Exception {
        Path list = tmp.newFile("list").toPath();
        hosts.files("", "echo: " + list + "\n");
        policy.reload();
        assertTrue(get(policy.check(from("127.0.0.2"), internal("echo"))).isAllowed());
        Hosts.write(list, "127.0.0.2 10.0.0.1\n");
        assertTrue(policy.reloadIfChanged());
        assertFalse(get(policy.check(from("127.0.0.2"), internal("echo"))).isAllowed());
    }

    @Test
    public void rulesNotReadYetAreReadOnTheEvaluatorNotTheCallersThread() throws Exception {
        hosts.files("", "echo: 127.0.0.2\n");
        List<Runnable> queued = new ArrayList<>();
        TcpdPolicy p = new TcpdPolicy(hosts.allow, hosts.deny, 1000, false,
                new NameCache(hosts, executor, 30_000, 100, System::nanoTime), queued::add, null,
                (l, r, t) -> Request.UNKNOWN, TcpdPolicy.SH, 0);
        CompletableFuture<Decision> d = p.check(from("127.0.0.2"), internal("echo")).toCompletableFuture();
        assertFalse("no decision without the rules", d.isDone());
        assertNull("the files were not read on the caller's thread", p.rules());
        assertEquals(1, queued.size());
        queued.get(0).run();
        assertFalse(get(d).isAllowed());
        assertEquals(hosts.deny + ":1", get(d).reason());
        assertNotNull(p.rules());
    }
}
