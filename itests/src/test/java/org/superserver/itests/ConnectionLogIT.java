package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.connectFrom;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * xinetd.log(5)'s lines from definitions published by the test: START and EXIT with the fields
 * asked for, for built-ins and started servers, FAIL with log_on_failure's, a FILE target; a reload
 * that ends a client its access rules no longer allow; and the state dump written on SIGUSR1.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConnectionLogIT extends ItestSupport {

    private static final String GATE = "itest-gate";

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    private static List<String> awaitFileLines(Path file, String... parts) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                List<String> lines = Files.readAllLines(file).stream()
                        .filter(l -> List.of(parts).stream().allMatch(l::contains)).toList();
                if (!lines.isEmpty()) {
                    return lines;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no line with " + List.of(parts) + " in " + file);
    }

    @Test
    public void aBuiltinClientIsLoggedWithStartAndExitLinesCarryingTheAskedFieldsInTheFileToo() throws Exception {
        LogCapture log = log();
        Path file = scratch().path("echo.log");
        define(internal("cl-echo", "echo", Protocol.TCP).toBuilder()
                .logOnSuccess(EnumSet.of(LogField.PID, LogField.HOST, LogField.DURATION, LogField.TRAFFIC))
                .logTarget(LogTarget.file(file.toString(), 0, 0)).build());
        InetSocketAddress address = awaitListening("cl-echo");
        int clientPort;
        try (Socket client = connect(address)) {
            clientPort = client.getLocalPort();
            assertEchoes(client, "0123456789\n");
        }
        String from = "from=127.0.0.1:" + clientPort;
        String start = log.await(TIMEOUT, "START service=echo pid=0 " + from);
        assertTrue(start, start.endsWith("START service=echo pid=0 " + from));
        String exit = log.await(TIMEOUT, "EXIT service=echo pid=0 " + from);
        assertTrue(exit, exit.matches(".*EXIT service=echo pid=0 " + from + " duration=\\d+ms in=11 out=11"));
        assertEquals(1, awaitFileLines(file, "EXIT service=echo pid=0 " + from, "in=11 out=11").size());
        awaitFileLines(file, "START service=echo pid=0 " + from);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    public void aStartedServerIsLoggedWithItsPidExitStatusAndDurationAndARefusalWithItsFailureFields()
            throws Exception {
        LogCapture log = log();
        Path exits = scratch().script("exits.sh", "echo \"$$\"\nexit 4\n");
        define(ServiceDefinition.builder().id("cl-exec").name("exits").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(0).server(exits.toString())
                .argv(List.of("exits")).perSource(1)
                .logOnSuccess(EnumSet.of(LogField.PID, LogField.HOST, LogField.EXIT, LogField.DURATION))
                .logOnFailure(EnumSet.of(LogField.HOST, LogField.USERID, LogField.ATTEMPT))
                .origin("itest cl-exec").build());
        InetSocketAddress address = awaitListening("cl-exec");
        long pid;
        try (Socket client = connect(address)) {
            String line = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            pid = Long.parseLong(line);
        }
        ExecServicesIT.awaitReaped(pid);
        log.await(TIMEOUT, "START service=exits pid=" + pid + " from=127.0.0.1:");
        String exit = log.await(TIMEOUT, "EXIT service=exits pid=" + pid + " ");
        assertTrue(exit, exit.matches(".*EXIT service=exits pid=" + pid + " from=127\\.0\\.0\\.1:\\d+ status=exit 4"
                + " duration=\\d+ms"));
        assertFalse("a started server's bytes never pass through the core", exit.contains(" in="));

        Path sleeper = scratch().script("sleeper.sh", "echo \"$$\"\nexec cat\n");
        define(ServiceDefinition.builder().id("cl-refuse").name("sleeper").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(0).server(sleeper.toString())
                .argv(List.of("sleeper")).perSource(1)
                .logOnFailure(EnumSet.of(LogField.HOST, LogField.USERID)).origin("itest cl-refuse").build());
        InetSocketAddress refusing = awaitListening("cl-refuse");
        try (Socket first = connect(refusing)) {
            first.getInputStream().read();
            try (Socket second = connect(refusing)) {
                assertEquals(-1, second.getInputStream().read());
            }
            // no ident server answers on 127.0.0.1:113 here: the field says so with a dash
            String fail = log.await(TIMEOUT, "FAIL service=sleeper reason=per_source_limit");
            assertTrue(fail, fail.matches(".*FAIL service=sleeper reason=per_source_limit from=127\\.0\\.0\\.1:\\d+"
                    + " userid=\\S+"));
        }
    }

    /** A policy that denies the addresses its definition lists under {@code deny}. */
    private void registerGate() {
        AccessPolicy gate = (connection, definition) -> CompletableFuture.completedFuture(
                definition.attribute("deny").contains(connection.remote().getAddress().getHostAddress())
                        ? Decision.deny("listed under deny") : Decision.allow("not listed"));
        withdrawAfterTest(context.registerService(AccessPolicy.class, gate, properties(AccessPolicy.NAME_PROPERTY, GATE)));
    }

    private static ServiceDefinition gated(ServiceDefinition.Builder base, String... denied) {
        return base.policies(List.of(GATE)).attribute("deny", List.of(denied)).build();
    }

    @Test
    public void aReloadThatNoLongerAllowsAConnectedClientEndsItAndKeepsTheOthers() throws Exception {
        LogCapture log = log();
        registerGate();
        ServiceDefinition.Builder echo = internal("cl-gated", "echo", Protocol.TCP).toBuilder();
        ServiceRegistration<ServiceDefinition> before = define(gated(echo));
        InetSocketAddress address = awaitListening("cl-gated");
        try (Socket revoked = connectFrom("127.0.0.2", address); Socket kept = connectFrom("127.0.0.3", address)) {
            assertEchoes(revoked, "allowed for now\n");
            assertEchoes(kept, "allowed\n");

            // as a config bundle replaces a definition: the new one first, then the old one goes
            define(gated(internal("cl-gated", "echo", Protocol.TCP).toBuilder(), "127.0.0.2"));
            before.unregister();
            String line = log.await(TIMEOUT, "REVOKE service=echo", "from=127.0.0.2:", "action=closed");
            assertTrue(line, line.contains("reason=" + GATE + ": listed under deny"));
            assertEquals(-1, readOrEnd(revoked));
            assertEchoes(kept, "still allowed\n");
            assertEquals("the listener stayed", address, awaitListening("cl-gated"));
        }
    }

    @Test
    public void aReloadThatNoLongerAllowsARunningServersClientTerminatesTheServer() throws Exception {
        LogCapture log = log();
        registerGate();
        Path cat = scratch().script("pidcat.sh", "echo \"$$\"\nexec cat\n");
        ServiceDefinition.Builder exec = ServiceDefinition.builder().id("cl-gated-exec").name("pidcat")
                .socketType(SocketType.STREAM).protocol(Protocol.TCP).bindAddress("127.0.0.1").port(0)
                .server(cat.toString()).argv(List.of("pidcat")).origin("itest cl-gated-exec");
        ServiceRegistration<ServiceDefinition> before = define(gated(exec));
        InetSocketAddress address = awaitListening("cl-gated-exec");
        try (Socket revoked = connectFrom("127.0.0.2", address)) {
            long pid = Long.parseLong(firstLine(revoked));
            define(gated(exec, "127.0.0.2"));
            before.unregister();
            log.await(TIMEOUT, "REVOKE service=pidcat", "pid=" + pid, "action=terminated");
            log.await(TIMEOUT, "SIGNAL service=pidcat pid=" + pid, "signal=TERM");
            ExecServicesIT.awaitReaped(pid);
            assertEquals(-1, readOrEnd(revoked));
        }
    }

    @Test
    public void sigusr1WritesTheStateDumpToItsFile() throws Exception {
        LogCapture log = log();
        Path dump = scratch().path("state.dump");
        configureCore("dump.file", dump.toString());
        define(internal("cl-dumped", "echo", Protocol.TCP));
        InetSocketAddress address = awaitListening("cl-dumped");
        try (Socket client = connect(address)) {
            assertEchoes(client, "listed\n");
            Signal usr1 = new Signal("USR1");
            SignalHandler current = Signal.handle(usr1, signal -> { });
            Signal.handle(usr1, current);
            Bundle owner = FrameworkUtil.getBundle(current.getClass());
            assertEquals("SIGUSR1 is handled by the core, so it cannot stop this JVM", CORE,
                    owner == null ? null : owner.getSymbolicName());
            Process kill = new ProcessBuilder("kill", "-USR1", String.valueOf(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).start();
            assertEquals(0, kill.waitFor());
            log.await(TIMEOUT, "DUMP file=" + dump);
            String text = Files.readString(dump);
            assertTrue(text, text.startsWith("INTERNAL STATE DUMP: superserver\n"));
            assertTrue(text, text.contains("Service = echo\n\tState = LISTENING\n"));
            assertTrue(text, text.contains("\t\tid = cl-dumped\n"));
            assertTrue(text, text.contains("cl-dumped connection\n\tfrom = 127.0.0.1:" + client.getLocalPort()));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dump)));
            assertTrue("the shell's inetd:dump prints the same text",
                    serverStatus().dump().contains("cl-dumped connection\n\tfrom = 127.0.0.1:" + client.getLocalPort()));
        }
    }

    private static int readOrEnd(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (IOException reset) {
            return -1;
        }
    }

    private static String firstLine(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = socket.getInputStream().read(); b >= 0 && b != '\n'; b = socket.getInputStream().read()) {
            line.append((char) b);
        }
        return line.toString();
    }
}
