package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

/** Exec'd services over real sockets with real child processes, through the registry. */
public class ExecTest extends CoreFixture {

    /** Prints what a child sees: its stdin, its argument vector (from /proc), descriptors, environment. */
    private static final String REPORT = "#!/bin/sh\n"
            + "if [ -S /dev/stdin ]; then echo stdin=socket; else echo stdin=other; fi\n"
            + "echo \"cmdline=$(tr '\\0' '|' < /proc/$$/cmdline)\"\n"
            + "echo \"pid=$$\"\n"
            + "echo \"fds=$(ls /proc/self/fd | tr '\\n' ' ')\"\n"
            + "echo \"user=$(id -un)\"\n"
            + "for v in PROTO TCPREMOTEIP TCPREMOTEPORT TCPLOCALIP TCPLOCALPORT REMOTE_HOST REMOTE_ADDR REMOTE_PORT"
            + " PATH HOME USER LOGNAME SHELL EXTRA; do eval \"echo $v=\\${$v-unset}\"; done\n"
            + "echo \"ld=$(env | grep -c '^LD_')\"\n"
            + "echo \"names=$(env | grep -o '^[A-Za-z_][A-Za-z0-9_]*=' | tr -d = | sort | tr '\\n' ' ')\"\n"
            + "echo \"stat=$(cut -d' ' -f5,6,7 /proc/$$/stat)\"\n"
            + "echo end\n";

    private Path dir;
    private final List<Integer> pids = new ArrayList<>();

    @Before
    public void startCore() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        dir = ScriptDir.create("superserver-exec");
        start(SETTINGS.withRatePauseSeconds(2));
    }

    @After
    public void removeScriptsAndCheckNoChildIsLeft() throws Exception {
        registry.stop();
        for (int pid : pids) {
            assertReaped(pid);
        }
        ScriptDir.delete(dir);
    }

    private Path script(String name, String text) throws IOException {
        return ScriptDir.script(dir, name, text);
    }

    private static ServiceDefinition.Builder stream(String id, String server, String... argv) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).server(server).argv(List.of(argv)).origin("test:" + id);
    }

    /** Every line the server sends until it closes the connection, as name=value pairs. */
    private Map<String, String> report(Socket socket) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            int eq = line.indexOf('=');
            lines.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
        }
        assertTrue("the report was cut short: " + lines, lines.containsKey("end"));
        if (lines.containsKey("pid")) {
            pids.add(Integer.parseInt(lines.get("pid")));
        }
        return lines;
    }

    @Test
    public void childGetsTheSocketAsStdioItsArgvAndNoOtherDescriptor() throws Exception {
        Path report = script("report.sh", REPORT);
        registry.addDefinition("d", stream("report", "/bin/sh", "my-argv0", report.toString(), "one", "two words")
                .env("EXTRA", "from the definition").build());
        int port = port("report");
        Socket client = connect(port);
        Map<String, String> seen = report(client);

        assertEquals("socket", seen.get("stdin"));
        assertEquals("my-argv0|" + report + "|one|two words|", seen.get("cmdline"));
        // ls opens the directory it lists as fd 3; nothing else is open
        assertEquals("0 1 2 3 ", seen.get("fds"));
        assertEquals("TCP", seen.get("PROTO"));
        assertEquals("127.0.0.1", seen.get("TCPREMOTEIP"));
        assertEquals(String.valueOf(client.getLocalPort()), seen.get("TCPREMOTEPORT"));
        assertEquals("127.0.0.1", seen.get("TCPLOCALIP"));
        assertEquals(String.valueOf(port), seen.get("TCPLOCALPORT"));
        assertEquals("127.0.0.1", seen.get("REMOTE_HOST"));
        assertEquals("127.0.0.1", seen.get("REMOTE_ADDR"));
        assertEquals(String.valueOf(client.getLocalPort()), seen.get("REMOTE_PORT"));
        assertEquals(ChildEnvironment.PATH, seen.get("PATH"));
        Accounts.Account me = Accounts.current();
        assertEquals(me.name(), seen.get("user"));
        assertEquals(me.name(), seen.get("USER"));
        assertEquals(me.name(), seen.get("LOGNAME"));
        assertEquals(me.home(), seen.get("HOME"));
        assertEquals("from the definition", seen.get("EXTRA"));
        assertEquals("0", seen.get("ld"));
        // its own session and process group, and no controlling terminal
        String pid = seen.get("pid");
        assertEquals(pid + " " + pid + " 0", seen.get("stat"));
    }

    @Test
    public void childInheritsOnlyTzLangLcAndWhatPassenvNamesOfTheServersEnvironment() throws Exception {
        assumeTrue("surefire sets BASH_ENV, TZ and a secret for this test", "s3cret".equals(
                System.getenv("SUPERSERVER_TEST_SECRET")) && System.getenv("BASH_ENV") != null);
        Path report = script("report.sh", REPORT);
        registry.addDefinition("d", stream("env", "/bin/sh", "sh", report.toString()).env("EXTRA", "1").build());
        Map<String, String> seen = report(connect(port("env")));
        java.util.Set<String> allowed = new java.util.HashSet<>(List.of("PATH", "HOME", "SHELL", "USER", "LOGNAME",
                "PROTO", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPLOCALIP", "TCPLOCALPORT", "REMOTE_HOST", "REMOTE_ADDR",
                "REMOTE_PORT", "EXTRA", "TZ", "LANG", "PWD", "SHLVL", "OLDPWD", "_"));
        List<String> names = List.of(seen.get("names").trim().split(" "));
        for (String name : names) {
            assertTrue(name + " reached the child: " + names, allowed.contains(name) || name.startsWith("LC_"));
        }
        assertTrue(names.toString(), names.contains("TZ") && names.contains("LC_TIME"));

        registry.addDefinition("d", stream("env", "/bin/sh", "sh", report.toString())
                .passenv(List.of("SUPERSERVER_TEST_SECRET")).build());
        Map<String, String> passing = report(connect(port("env")));
        assertTrue(passing.get("names"), List.of(passing.get("names").split(" ")).contains("SUPERSERVER_TEST_SECRET"));
        assertFalse(passing.get("names"), passing.get("names").contains("BASH_ENV"));
    }

    @Test
    public void childReadsEndOfFileAfterTheClientsHalfCloseAndStillAnswers() throws Exception {
        Path echo = script("after-eof.sh", "#!/bin/sh\nread -r line\ncat > /dev/null\necho \"got $line after eof\"\n");
        registry.addDefinition("d", stream("halfclose", echo.toString(), "after-eof").build());
        Socket client = connect(port("halfclose"));
        client.getOutputStream().write("hello\nmore\n".getBytes(StandardCharsets.US_ASCII));
        client.shutdownOutput();
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("got hello after eof", in.readLine());
        assertEquals(null, in.readLine());
    }

    @Test
    public void catServesManyConnectionsAtOnceAndEveryChildIsReaped() throws Exception {
        registry.addDefinition("d", stream("cat", "/bin/cat", "cat").build());
        int port = port("cat");
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Socket client = connect(port);
            clients.add(client);
            assertEchoes(client, "hello " + i + "\n");
        }
        for (int i = 0; i < clients.size(); i++) {
            assertEchoes(clients.get(i), "again " + i + "\n");
        }
        assertEquals(5, status("cat").activeConnections());
        for (Socket client : clients) {
            client.shutdownOutput();
            assertClosedByServer(client);
        }
        waitForNoActiveConnection("cat");
        assertEquals(5, status("cat").accepted());
    }

    @Test
    public void theChildIsStartedOnTheAcceptingThreadUnlessARefusalWouldSendABannerFailFile() throws Exception {
        registry.addPolicy("p", List.of("allow"), 0, (c, d) -> java.util.concurrent.CompletableFuture.completedFuture(
                org.superserver.api.access.Decision.builder(true).reason("allow:1").build()));
        Path banner = script("fail.txt", "busy\n");
        registry.addDefinition("d", stream("open", "/bin/cat", "cat").build());
        registry.addDefinition("e", stream("guarded", "/bin/cat", "cat").policy("allow").build());
        registry.addDefinition("f", stream("bannered", "/bin/cat", "cat").perSource(10).bannerFail(banner.toString())
                .build());
        for (String id : List.of("open", "guarded", "bannered")) {
            for (int i = 0; i < 3; i++) {
                try (Socket client = connect(port(id))) {
                    assertEchoes(client, id + " " + i + "\n");
                    client.shutdownOutput();
                    assertClosedByServer(client);
                }
            }
            waitForNoActiveConnection(id);
            assertEquals(3, status(id).accepted());
        }
        assertEquals(3, registry.binding("open").servedOnAccept());
        assertEquals(3, registry.binding("guarded").servedOnAccept());
        assertEquals(0, registry.binding("bannered").servedOnAccept());
    }

    @Test
    public void childRunsAsTheNamedUserWithItsArgv0WhenTheServerIsRoot() throws Exception {
        assumeTrue("needs root", Accounts.current().uid() == 0);
        Path report = script("report.sh", REPORT);
        registry.addDefinition("d", stream("nobody", "/bin/sh", "as-nobody", report.toString(), "x")
                .user("nobody").build());
        Map<String, String> seen = report(connect(port("nobody")));
        assertEquals("nobody", seen.get("user"));
        assertEquals("nobody", seen.get("USER"));
        assertEquals("/nonexistent", seen.get("HOME"));
        assertEquals("as-nobody|" + report + "|x|", seen.get("cmdline"));
        assertEquals("socket", seen.get("stdin"));
        assertEquals("0 1 2 3 ", seen.get("fds"));

        registry.addDefinition("d", stream("nobody", "/usr/bin/id", "/usr/bin/id", "-un").user("nobody").build());
        Socket client = connect(port("nobody"));
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("nobody", in.readLine());
    }

    @Test
    public void slowPolicyAllowsAndTheChildGetsBannerEnvironmentAndTheBytesSentMeanwhile() throws Exception {
        registry.addPolicy("p", List.of("slow"), 0, (c, d) -> java.util.concurrent.CompletableFuture.supplyAsync(
                () -> org.superserver.api.access.Decision.builder(true).reason("slow:1").banner("welcome\n")
                        .env("POLICY_SAID", "yes").build(),
                java.util.concurrent.CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS)));
        Path script = script("policy.sh", "#!/bin/sh\nread -r line\necho \"line=$line policy=$POLICY_SAID"
                + " fds=$(ls /proc/self/fd | tr '\\n' ' ')\"\n");
        registry.addDefinition("d", stream("guarded", script.toString(), "policy.sh").policy("slow").build());
        Socket client = connect(port("guarded"));
        client.getOutputStream().write("sent early\n".getBytes(StandardCharsets.US_ASCII));
        client.shutdownOutput();
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("welcome", in.readLine());
        assertEquals("line=sent early policy=yes fds=0 1 2 3 ", in.readLine());
        assertEquals(null, in.readLine());
    }

    @Test
    public void deniedClientGetsTheBannerAndNoChild() throws Exception {
        registry.addPolicy("p", List.of("deny"), 0, (c, d) -> java.util.concurrent.CompletableFuture.completedFuture(
                org.superserver.api.access.Decision.builder(false).reason("hosts.deny:1").banner("go away\n")
                        .build()));
        Path marker = dir.resolve("ran");
        Path script = script("never.sh", "#!/bin/sh\ntouch " + marker + "\necho ran\n");
        registry.addDefinition("d", stream("denied", script.toString(), "never.sh").policy("deny").build());
        Socket client = connect(port("denied"));
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("go away", in.readLine());
        assertEquals(null, in.readLine());
        assertFalse(Files.exists(marker));
        assertEquals(0, status("denied").activeConnections());
    }

    @Test
    public void aTwistReplacesTheServerAndTheCommandGetsTheClientsBytes() throws Exception {
        registry.addPolicy("p", List.of("twist"), 0, (c, d) -> java.util.concurrent.CompletableFuture.completedFuture(
                org.superserver.api.access.Decision.builder(false).reason("hosts.deny:2")
                        .twist("read -r line; echo \"twisted $line for $TCPREMOTEIP\"; ls /proc/self/fd | tr '\\n' ' '")
                        .build()));
        Path marker = dir.resolve("ran");
        Path script = script("never.sh", "#!/bin/sh\ntouch " + marker + "\necho ran\n");
        registry.addDefinition("d", stream("twisted", script.toString(), "never.sh").policy("twist").build());
        Socket client = connect(port("twisted"));
        client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("twisted hello for 127.0.0.1", in.readLine());
        assertEquals("0 1 2 3 ", in.readLine());
        assertEquals(null, in.readLine());
        assertFalse(Files.exists(marker));
    }

    @Test
    public void unknownUserKeepsTheSocketAndEachConnectionIsRefusedUntilTheUserExists() throws Exception {
        String name = "ss" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        registry.addDefinition("d", stream("late", "/usr/bin/id", "id", "-un").user(name).build());
        ListenerStatus status = status("late");
        assertEquals(ListenerState.LISTENING, status.state());
        assertTrue(status.detail(), status.detail().contains("user " + name + " does not exist"));
        int port = port("late");
        assertClosedByServer(connect(port));
        assertClosedByServer(connect(port));
        assertEquals(ListenerState.LISTENING, status("late").state());

        assumeTrue("adding a user needs root", Accounts.current().uid() == 0
                && Files.isExecutable(Path.of("/usr/sbin/useradd")));
        run("/usr/sbin/useradd", "-M", "-r", "-s", "/usr/sbin/nologin", name);
        try {
            // a missing user is remembered for AccountCache.NEGATIVE_SECONDS; then the next connection is served
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AccountCache.NEGATIVE_SECONDS + 10);
            String answer = null;
            while (answer == null && System.nanoTime() < deadline) {
                Socket client = connect(port);
                answer = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                if (answer == null) {
                    Thread.sleep(200);
                }
            }
            assertEquals(name, answer);
        } finally {
            removeUser(name);
        }
    }

    @Test
    public void supplementaryGroupsAreThoseOpenbsdInetdGives() throws Exception {
        assumeTrue("switching users needs root", Accounts.current().uid() == 0
                && Files.isExecutable(Path.of("/usr/sbin/useradd")));
        String name = "ss" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        // a user whose own group is not daemon, and a member of audio
        run("/usr/sbin/useradd", "-M", "-r", "-s", "/usr/sbin/nologin", "-U", "-G", "audio", name);
        try {
            int uid = Accounts.user(name).orElseThrow().uid();
            int own = Accounts.user(name).orElseThrow().gid();
            // what openbsd-inetd 0.20160825 answers for the same lines (id(1) as the server)
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("nobody.daemon", "uid=65534(nobody) gid=1(daemon) groups=1(daemon)");
            expected.put("nobody", "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)");
            expected.put("daemon.audio", "uid=1(daemon) gid=29(audio) groups=29(audio)");
            expected.put("root.daemon", "uid=0(root) gid=0(root) groups=0(root)");
            expected.put(name + ".daemon", "uid=" + uid + "(" + name + ") gid=1(daemon) groups=1(daemon),29(audio)");
            expected.put(name, "uid=" + uid + "(" + name + ") gid=" + own + "(" + name + ") groups=" + own + "("
                    + name + "),29(audio)");
            int i = 0;
            for (Map.Entry<String, String> line : expected.entrySet()) {
                String[] userGroup = line.getKey().split("\\.");
                String id = "id" + i++;
                registry.addDefinition(id, stream(id, "/usr/bin/id", "id").user(userGroup[0])
                        .group(userGroup.length > 1 ? userGroup[1] : null).build());
                Socket client = connect(port(id));
                String answer = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.UTF_8)).readLine();
                assertEquals(line.getKey(), line.getValue(), answer);
            }
        } finally {
            removeUser(name);
        }
    }

    @Test
    public void anAccessDecisionsUserIsLookedUpAndTheChildRunsAsIt() throws Exception {
        assumeTrue("switching users needs root", Accounts.current().uid() == 0);
        registry.addPolicy("p", List.of("as-daemon"), 0, (c, d) -> java.util.concurrent.CompletableFuture
                .completedFuture(org.superserver.api.access.Decision.builder(true).reason("allow:1").user("daemon")
                        .build()));
        registry.addDefinition("d", stream("as", "/usr/bin/id", "id").policy("as-daemon").build());
        for (int i = 0; i < 2; i++) { // the second from the account cache
            Socket client = connect(port("as"));
            assertEquals("uid=1(daemon) gid=1(daemon) groups=1(daemon)", new BufferedReader(new InputStreamReader(
                    client.getInputStream(), StandardCharsets.UTF_8)).readLine());
        }
    }

    /** userdel, once the user's last child (which may still be exiting) is gone. */
    private static void removeUser(String name) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            Process process = new ProcessBuilder("/usr/sbin/userdel", name).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            if (process.exitValue() != 8) { // 8: the user is still running a process
                assertEquals("userdel " + name, 0, process.exitValue());
                return;
            }
            Thread.sleep(50);
        }
        run("/usr/sbin/userdel", name);
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", command) + ": " + output, process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(String.join(" ", command) + ": " + output, 0, process.exitValue());
    }

    @Test
    public void missingProgramIsReportedAndTheListenerStaysUpClosingEachConnection() throws Exception {
        registry.addDefinition("d", stream("missing", "/nonexistent/in.missingd", "in.missingd").build());
        ListenerStatus status = status("missing");
        assertEquals(ListenerState.LISTENING, status.state());
        assertTrue(status.detail(), status.detail().contains("/nonexistent/in.missingd does not exist"));
        int port = port("missing");
        assertClosedByServer(connect(port));
        assertClosedByServer(connect(port));
        assertEquals(ListenerState.LISTENING, status("missing").state());
        waitForNoActiveConnection("missing");
    }

    @Test
    public void nonExecutableProgramIsReportedLikeAMissingOne() throws Exception {
        Path plain = dir.resolve("not-executable");
        Files.writeString(plain, "#!/bin/sh\necho hi\n");
        registry.addDefinition("d", stream("plain", plain.toString(), "plain").build());
        ListenerStatus status = status("plain");
        assertEquals(ListenerState.LISTENING, status.state());
        if (Accounts.current().uid() != 0) {
            assertTrue(status.detail(), status.detail().contains("is not executable"));
        }
        assertClosedByServer(connect(port("plain")));
    }

    @Test
    public void decisionsSetTheClientsSocketOptionsAndTheServersUmaskAndNiceValue() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")));
        Path tuned = script("tuned.py", "#!/usr/bin/python3\n"
                + "import os, socket, struct, sys\n"
                + "s = socket.socket(fileno=0)\n"
                + "print('keepalive=%d' % s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))\n"
                + "print('linger=%d/%d' % struct.unpack('ii', s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)))\n"
                + "s.detach()\n"
                + "print('umask=%03o' % os.umask(0))\n"
                + "print('nice=%d' % os.nice(0))\n"
                + "print('args=%s' % '|'.join(sys.argv[1:]))\n"
                + "print('pid=%d' % os.getpid())\n"
                + "print('end')\n");
        registry.addPolicy("p", List.of("plain"), 0, (c, d) -> java.util.concurrent.CompletableFuture.completedFuture(
                org.superserver.api.access.Decision.allow("allow:1")));
        registry.addPolicy("q", List.of("tune"), 0, (c, d) -> java.util.concurrent.CompletableFuture.completedFuture(
                org.superserver.api.access.Decision.builder(true).reason("allow:2").keepAlive(true).linger(7)
                        .umask(027).nice(5).build()));
        registry.addDefinition("d", stream("plain", tuned.toString(), "tuned.py", "one", "two words").policy("plain")
                .build());
        registry.addDefinition("e", stream("tuned", tuned.toString(), "tuned.py", "one", "two words").policy("tune")
                .build());
        Map<String, String> plain = report(connect(port("plain")));
        Map<String, String> seen = report(connect(port("tuned")));
        assertEquals("0", plain.get("keepalive"));
        assertEquals("0/0", plain.get("linger"));
        assertEquals("1", seen.get("keepalive"));
        assertEquals("1/7", seen.get("linger"));
        assertEquals("027", seen.get("umask"));
        assertEquals(Math.min(19, Integer.parseInt(plain.get("nice")) + 5), Integer.parseInt(seen.get("nice")));
        assertEquals("one|two words", seen.get("args"));
    }

    @Test
    public void aStreamWaitServiceUnderAnAccessPolicyIsRefusedSinceNoPolicyCouldSeeItsClients() throws Exception {
        registry.addDefinition("d", stream("waiter", "/bin/cat", "cat").wait(true).policy("tcpd").build());
        ListenerStatus failed = status("waiter");
        assertEquals(ListenerState.FAILED, failed.state());
        assertTrue(failed.detail(), failed.detail().contains("'stream wait' server accepts its own connections"));
        registry.addDefinition("e", stream("open-waiter", "/bin/cat", "cat").wait(true).build());
        assertEquals(ListenerState.LISTENING, status("open-waiter").state());
    }

    @Test
    public void rateLimitPausesTheServiceAndResumesItAfterThePause() throws Exception {
        int fixed = freePort();
        registry.addDefinition("d", stream("limited", "/bin/cat", "cat").port(fixed).maxPerMinute(3).build());
        assertEquals(fixed, port("limited"));
        for (int i = 0; i < 3; i++) {
            Socket client = connect(fixed);
            assertEchoes(client, "ok " + i + "\n");
            client.close();
        }
        Socket fourth = connect(fixed);
        assertClosedByServer(fourth);
        ListenerStatus paused = waitForState("limited", ListenerState.PAUSED);
        assertTrue(paused.detail(), paused.detail().contains("more than 3 invocations within 60 s"));
        assertRefused(fixed);

        waitForState("limited", ListenerState.LISTENING);
        assertEchoes(connect(fixed), "resumed\n");
    }

    @Test
    public void rateLimitPausesAnInternalServiceToo() throws Exception {
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
        int fixed = freePort();
        registry.addDefinition("d", tcp("echo").port(fixed).maxPerMinute(1).build());
        assertEquals(fixed, port("echo"));
        assertEchoes(connect(fixed), "one\n");
        assertClosedByServer(connect(fixed));
        waitForState("echo", ListenerState.PAUSED);
        waitForState("echo", ListenerState.LISTENING);
        assertEchoes(connect(fixed), "two\n");
    }

    @Test
    public void datagramWaitServiceGetsTheBoundSocketAndTheServerWatchesItAgainAfterwards() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")));
        Path udp = script("udp.py", "import os, socket\n"
                + "s = socket.socket(fileno=0)\n"
                + "data, peer = s.recvfrom(512)\n"
                + "s.sendto(b'pong ' + data + b' ' + os.environ['PROTO'].encode() + b' '"
                + " + os.environ['REMOTE_PORT'].encode() + b' ' + str(os.getpid()).encode(), peer)\n");
        registry.addDefinition("d", ServiceDefinition.builder().id("udpwait").name("udpwait")
                .socketType(SocketType.DGRAM).protocol(Protocol.UDP).bindAddress("127.0.0.1").port(0).wait(true)
                .server("/usr/bin/python3").argv(List.of("python3", udp.toString())).origin("test:udp").build());
        int port = port("udpwait");
        for (int i = 0; i < 2; i++) {
            DatagramSocket client = datagramSocket();
            client.setSoTimeout(10_000);
            byte[] ping = ("ping" + i).getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(ping, ping.length, new InetSocketAddress("127.0.0.1", port)));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            client.receive(reply);
            String[] words = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).split(" ");
            assertEquals("pong", words[0]);
            assertEquals("ping" + i, words[1]);
            assertEquals("UDP", words[2]);
            assertEquals(String.valueOf(client.getLocalPort()), words[3]);
            pids.add(Integer.parseInt(words[4]));
            assertReaped(Integer.parseInt(words[4]));
        }
        waitForState("udpwait", ListenerState.LISTENING);
    }

    @Test
    public void streamWaitServiceAcceptsByItself() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")));
        Path tcp = script("tcp.py", "import os, socket\n"
                + "s = socket.socket(fileno=0)\n"
                + "c, peer = s.accept()\n"
                + "c.sendall(('accepted by ' + str(os.getpid()) + '\\n').encode())\n"
                + "c.close()\n");
        registry.addDefinition("d", stream("tcpwait", "/usr/bin/python3", "python3", tcp.toString()).wait(true)
                .build());
        int port = port("tcpwait");
        for (int i = 0; i < 2; i++) {
            Socket client = connect(port);
            client.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = in.readLine();
            assertNotNull(line);
            assertTrue(line, line.startsWith("accepted by "));
            int pid = Integer.parseInt(line.substring("accepted by ".length()));
            pids.add(pid);
            assertReaped(pid);
        }
        assertEquals(port, port("tcpwait"));
    }

    @Test
    public void dgramNowaitStartsOneChildPerDatagramWhichReadsItFromFd0() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")));
        Path udp = script("udp.py", "import os, socket, time\n"
                + "s = socket.socket(fileno=0)\n"
                + "data, peer = s.recvfrom(512)\n"
                + "s.sendto(data + b' ' + str(os.getpid()).encode(), peer)\n"
                + "time.sleep(0.3)\n");
        registry.addDefinition("d", ServiceDefinition.builder().id("udp").name("udp").socketType(SocketType.DGRAM)
                .protocol(Protocol.UDP).bindAddress("127.0.0.1").port(0).wait(false).server("/usr/bin/python3")
                .argv(List.of("python3", udp.toString())).origin("test:udp").build());
        int port = port("udp");
        DatagramSocket client = datagramSocket();
        client.setSoTimeout(10_000);
        for (int i = 0; i < 3; i++) {
            byte[] ping = ("ping" + i).getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(ping, ping.length, new InetSocketAddress("127.0.0.1", port)));
        }
        Set<String> answered = new HashSet<>();
        Set<Integer> children = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            client.receive(reply);
            String[] words = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).split(" ");
            answered.add(words[0]);
            children.add(Integer.parseInt(words[1]));
            pids.add(Integer.parseInt(words[1]));
        }
        assertEquals(Set.of("ping0", "ping1", "ping2"), answered);
        assertEquals("one child per datagram", 3, children.size());
        for (int pid : children) {
            LimitsTest.assertNotZombie(pid);
        }
        assertEquals(3, status("udp").accepted());
    }

    private void waitForNoActiveConnection(String id) throws Exception {
        long deadline = System.currentTimeMillis() + 5_000;
        while (status(id).activeConnections() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, status(id).activeConnections());
    }

    /** The process is gone (reaped): no /proc entry, or at least not a zombie. */
    static void assertReaped(int pid) throws Exception {
        Path status = Path.of("/proc/" + pid + "/status");
        long deadline = System.currentTimeMillis() + 5_000;
        while (Files.exists(status) && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        if (Files.exists(status)) {
            String text = Files.readString(status);
            assertFalse("pid " + pid + " is left as a zombie or still running: " + text,
                    text.contains("State:\tZ") || text.contains("PPid:\t" + ProcessHandle.current().pid()));
        }
    }
}
