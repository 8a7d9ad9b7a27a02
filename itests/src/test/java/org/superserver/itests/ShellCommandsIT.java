package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.freePort;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ServiceStats;

/**
 * The {@code inetd} commands as an administrator types them into Gogo, in a real Felix with the
 * real bundles: their help, their printed tables, the objects a script gets, and their effect on
 * live connections, servers and files.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCommandsIT extends ItestSupport {

    static final String SHELL = "superserver-shell";

    private static final List<String> COMMANDS = List.of("list", "info", "connections", "stats", "kill", "reload",
            "enable", "disable", "check", "dump", "tcpdmatch", "tcpdchk", "convert");

    @Configuration
    public Option[] config() {
        return frameworkOptions(
                bundleFromTarget("org.apache.felix.gogo.runtime", LEVEL_OSGI_SERVICES),
                bundleFromTarget("org.apache.felix.gogo.command", LEVEL_OSGI_SERVICES),
                bundleFromTarget(SHELL, LEVEL_SUPERSERVER));
    }

    /** What a command printed and returned. */
    private record Run(Object result, String text) {
    }

    /** Runs {@code line} in a new Gogo session: its result as printed by the shell (or its output), and the result. */
    private Run run(String line) throws Exception {
        awaitCommands();
        CommandProcessor processor = service(CommandProcessor.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(line);
            print.flush();
            String printed = out.toString(StandardCharsets.UTF_8);
            // a command's own output (and the log lines of its thread) when it returns nothing
            return new Run(result, result == null ? printed : session.format(result, Converter.INSPECT).toString());
        }
    }

    private String text(String line) throws Exception {
        return run(line).text();
    }

    /** Waits until every inetd command is registered with Gogo. */
    private void awaitCommands() throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (String command : COMMANDS) {
            String filter = "(&(osgi.command.scope=inetd)(osgi.command.function=" + command + "))";
            while (context.getServiceReferences((String) null, filter) == null) {
                if (System.nanoTime() > deadline) {
                    fail("command inetd:" + command + " was not registered within " + TIMEOUT);
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    public void everyCommandAndParameterHasHelp() throws Exception {
        String list = text("help inetd:list");
        assertTrue(list, list.contains("lists every service the server knows"));
        assertTrue(list, list.contains("(inetd:list) size"));
        String info = text("help inetd:info");
        assertTrue(info, info.contains("shows every field of the services of one name"));
        assertTrue(info, info.contains("the service name, as inetd:list shows it"));
        String kill = text("help inetd:kill");
        assertTrue(kill, kill.contains("ends a connection or a server"));
        assertTrue(kill, kill.contains("--pid"));
        assertTrue(kill, kill.contains("a connection number from inetd:connections, or a server's pid"));
        for (String command : COMMANDS) {
            String help = text("help inetd:" + command);
            assertTrue("inetd:" + command + " has a description: " + help, help.contains(command + " - ")
                    && help.contains("scope: inetd"));
        }
    }

    @Test
    public void listPrintsATableAndGivesAScriptTheListeners() throws Exception {
        String id = "shell-list-echo";
        define(internal(id, "echo", Protocol.TCP));
        InetSocketAddress echo = awaitListening(id);
        String table = text("inetd:list");
        assertTrue(table, table.startsWith("SERVICE  PROTO  ADDRESS"));
        assertTrue(table, table.contains("\necho     tcp    127.0.0.1:" + echo.getPort() + "  LISTENING  internal echo"));
        assertEquals(serverStatus().listeners().size(), run("(inetd:list) size").result());
        assertTrue(text("inetd:info echo"), text("inetd:info echo").startsWith("echo/tcp\n  id              " + id));
        assertTrue(text("inetd:dump"), text("inetd:dump").startsWith("INTERNAL STATE DUMP"));
    }

    @Test
    public void connectionsListAnEchoAndACatWhileTheirClientsAreConnectedAndKillEndsThem() throws Exception {
        int echoPort = freePort();
        int catPort = freePort();
        Path conf = scratch().write("inetd.conf", String.join("\n",
                "127.0.0.1:" + echoPort + " stream tcp nowait " + USER + " internal echo",
                "127.0.0.1:" + catPort + " stream tcp nowait " + USER + " /bin/cat cat",
                ""));
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress echo = awaitListening(inetdId(conf, "127.0.0.1", echoPort, "tcp"));
        InetSocketAddress cat = awaitListening(inetdId(conf, "127.0.0.1", catPort, "tcp"));
        try (Socket echoClient = connect(echo); Socket catClient = connect(cat)) {
            assertEchoes(echoClient, "hello\n");
            assertEchoes(catClient, "meow\n");

            List<ConnectionStatus> live = awaitConnections(l -> l.size() == 2);
            ConnectionStatus inProcess = live.stream().filter(c -> c.kind() == ConnectionStatus.Kind.HANDLER)
                    .findFirst().orElseThrow();
            ConnectionStatus child = live.stream().filter(c -> c.kind() == ConnectionStatus.Kind.CHILD)
                    .findFirst().orElseThrow();
            assertTrue(child.pid() > 0);
            String table = text("inetd:connections");
            assertTrue(table, table.startsWith("ID  SERVICE"));
            assertTrue(table, table.contains("handler  127.0.0.1:" + echoClient.getLocalPort() + "  127.0.0.1:"
                    + echoPort));
            assertTrue(table, table.matches("(?s).*  6 +6 +-\n.*"));
            assertTrue(table, table.contains("child    127.0.0.1:" + catClient.getLocalPort()));
            assertTrue(table, table.contains("  -   -    " + child.pid()));
            assertEquals("a script gets the connections", 2, run("(inetd:connections) size").result());
            String catOnly = text("inetd:connections " + child.service());
            assertTrue(catOnly, catOnly.contains(Integer.toString(child.pid())) && !catOnly.contains("handler"));

            String closed = text("inetd:kill " + inProcess.id());
            assertEquals("closed connection " + inProcess.id() + " (service " + inProcess.service() + ", from 127.0.0.1:"
                    + echoClient.getLocalPort() + ")", closed.strip());
            assertClosed(echoClient);

            String terminated = text("inetd:kill --pid " + child.pid());
            assertTrue(terminated, terminated.startsWith("sent SIGTERM to server pid " + child.pid() + " (service "
                    + child.service() + ", from 127.0.0.1:" + catClient.getLocalPort() + ", connection " + child.id()
                    + ")"));
            assertClosed(catClient);
            awaitConnections(List::isEmpty);

            String none = text("inetd:kill --pid 1");
            assertTrue(none, none.startsWith("no server with pid 1 was started by this superserver"));
        }
    }

    @Test
    public void statsCountAcceptedDeniedAndRefusedClients() throws Exception {
        withdrawAfterTest(context.registerService(AccessPolicy.class,
                (c, d) -> CompletableFuture.completedFuture(Decision.builder(false).reason("shell test").build()),
                new Hashtable<>(Map.of(AccessPolicy.NAME_PROPERTY, "nobody"))));
        ServiceDefinition guarded = internal("shell-stats-guarded", "echo", Protocol.TCP).toBuilder().name("guarded")
                .policy("nobody").build();
        ServiceDefinition single = internal("shell-stats-single", "echo", Protocol.TCP).toBuilder().name("single")
                .instances(1).build();
        define(guarded);
        define(single);
        InetSocketAddress guardedAddress = awaitListening(guarded.id());
        InetSocketAddress singleAddress = awaitListening(single.id());
        try (Socket denied = connect(guardedAddress)) {
            assertClosed(denied);
        }
        try (Socket holding = connect(singleAddress)) {
            assertEchoes(holding, "x");
            try (Socket refused = connect(singleAddress)) {
                assertClosed(refused);
            }
        }
        ServiceStats guardedStats = awaitStats(guarded.id(), s -> s.denied() == 1);
        assertEquals(Map.of("nobody", 1L), guardedStats.deniedBy());
        ServiceStats singleStats = awaitStats(single.id(), s -> s.refused() == 1 && s.bytesIn() == 1);
        assertEquals(2, singleStats.accepted());
        assertEquals(Map.of("service_limit", 1L), singleStats.refusedBy());

        String table = text("inetd:stats");
        assertTrue(table, table.startsWith("SERVICE  ACCEPTED  DENIED  REFUSED  STARTED  FAILED  IN  OUT  ID"));
        assertTrue(table, table.matches("(?s).*\nguarded +1 +1 +0 +0 +0 +0 +0 +shell-stats-guarded\n.*"));
        assertTrue(table, table.matches("(?s).*\nsingle +2 +0 +1 +0 +0 +1 +1 +shell-stats-single\n.*"));
        assertTrue(table, table.contains("\nguarded denied by: nobody=1"));
        assertTrue(table, table.contains("\nsingle refused by: service_limit=1"));
    }

    @Test
    public void enableAndDisableOfAFileServiceNameTheFileAndLineThatDecide() throws Exception {
        int port = freePort();
        Path services = scratch().write("services", "shelltest\t" + port + "/tcp\n");
        Path conf = scratch().write("inetd.conf", "# the service of this test\n"
                + "127.0.0.1:shelltest stream tcp nowait " + USER + " internal echo\n");
        serveInetdConf(conf, services, 0);
        String id = inetdId(conf, "127.0.0.1", "shelltest", "tcp");
        awaitListening(id);

        String disable = text("inetd:disable shelltest");
        assertTrue(disable, disable.startsWith("cannot disable " + id + ": service shelltest comes from " + conf
                + ":2, and its file decides whether it runs: comment that line out (#) and run inetd:reload"));
        String enable = text("inetd:enable shelltest");
        assertTrue(enable, enable.startsWith("cannot enable " + id + ": service shelltest comes from " + conf + ":2"));
        awaitListening(id); // nothing changed
        assertTrue(text("inetd:reload"), text("inetd:reload").contains("reloaded inetd.conf " + conf));
        String unknown = text("inetd:disable no-such-service");
        assertTrue(unknown, unknown.startsWith("no service named 'no-such-service'"));
    }

    @Test
    public void enableByNameTurnsOnEveryConfigurationAdminDefinitionOfThatNameAndDisablePersistsItsOff()
            throws Exception {
        int served = freePort();
        int off = freePort();
        org.osgi.service.cm.Configuration first = factoryConfiguration("org.superserver.service", properties(
                "service", "cmshell", "handler", "echo", "type", "INTERNAL", "socket_type", "stream",
                "bind", "127.0.0.1", "port", String.valueOf(served), "wait", "no"));
        org.osgi.service.cm.Configuration second = factoryConfiguration("org.superserver.service", properties(
                "service", "cmshell", "handler", "echo", "type", "INTERNAL", "socket_type", "stream",
                "bind", "127.0.0.1", "port", String.valueOf(off), "wait", "no", "disable", "yes"));
        String firstId = "cm:" + first.getPid();
        String secondId = "cm:" + second.getPid();
        awaitListening(firstId);
        assertTrue(serverStatus().listener(secondId).isEmpty());

        String enable = text("inetd:enable cmshell");
        assertTrue(enable, enable.contains(firstId + " is already enabled"));
        assertTrue(enable, enable.contains("enabled " + secondId + ": configuration " + second.getPid()
                + " now has disable = no"));
        awaitListening(secondId);
        Clients.assertEchoService(Clients.loopback(off), "on again\n");
        assertEquals("no", second.getProperties().get("disable"));

        String disable = text("inetd:disable cmshell");
        assertTrue(disable, disable.contains("disabled " + firstId) && disable.contains("disabled " + secondId));
        awaitNotListening(firstId);
        awaitNotListening(secondId);
        assertEquals("yes", first.getProperties().get("disable"));
        Clients.awaitRefused(Clients.loopback(served), TIMEOUT);
    }

    @Test
    public void checkListsABadLineOfAnInetdConfWithItsFileAndLineUntilItIsFixed() throws Exception {
        int port = freePort();
        Path services = scratch().write("services", "");
        String good = "127.0.0.1:" + port + " stream tcp nowait " + USER + " internal echo\n";
        Path conf = scratch().write("inetd.conf", good);
        serveInetdConf(conf, services, 0);
        awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));
        assertNoProblemIn(text("inetd:check"), conf);

        scratch().write("inetd.conf", good + "127.0.0.1:" + freePort() + " stream tcpx nowait " + USER + " /bin/cat cat\n");
        String report = text("inetd:check");
        assertTrue(report, report.contains("inetd.conf " + conf + ": 1 error, 0 warnings\n  " + conf
                + ":2: error: protocol: "));
        assertTrue(report, report.contains("tcpx"));
        assertTrue(report, report.lines().anyMatch(l -> l.matches("[0-9]+ errors?, [0-9]+ warnings?")));
        assertTrue("a check reloads nothing: the good line still serves",
                serverStatus().listener(inetdId(conf, "127.0.0.1", port, "tcp")).isPresent());

        scratch().write("inetd.conf", good);
        assertNoProblemIn(text("inetd:check"), conf);
    }

    /** The report names {@code conf} as checked, with no problem. */
    private static void assertNoProblemIn(String report, Path conf) {
        assertTrue(report, report.startsWith("no problems found in ") && report.contains("inetd.conf " + conf)
                || report.contains("inetd.conf " + conf + ": no problems"));
        assertTrue(report, !report.contains(conf + ":1") && !report.contains(conf + ":2"));
    }

    private List<ConnectionStatus> awaitConnections(Predicate<List<ConnectionStatus>> wanted) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<ConnectionStatus> now = serverStatus().connections();
        while (!wanted.test(now) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = serverStatus().connections();
        }
        assertTrue("unexpected connections: " + now, wanted.test(now));
        return now;
    }

    private ServiceStats awaitStats(String id, Predicate<ServiceStats> wanted) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            ServiceStats now = serverStatus().stats().stream().filter(s -> s.serviceId().equals(id)).findFirst()
                    .orElse(null);
            if (now != null && wanted.test(now)) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                fail("counters of " + id + " are " + now);
            }
            Thread.sleep(20);
        }
    }

    /** The server closes the connection (end of stream or reset) without sending more. */
    private static void assertClosed(Socket socket) throws IOException {
        try {
            assertEquals("the server closed the connection", -1, socket.getInputStream().read());
        } catch (SocketTimeoutException e) {
            fail("the connection was not closed");
        } catch (IOException reset) {
            // closed too
        }
    }
}
