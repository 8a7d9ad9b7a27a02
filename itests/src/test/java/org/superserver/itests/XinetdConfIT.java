package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoService;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.exchange;
import static org.superserver.itests.Clients.freePort;
import static org.superserver.itests.Clients.readToEnd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.ConfigurationAdmin;
import org.superserver.api.ConfigSource;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * xinetd.conf as a config format, in a real framework: built-ins chosen by service name and socket
 * type, programs with and without NAMEINARGS, env and passenv reaching the child, includedir with
 * the files xinetd skips, {@code disable = yes}, a bad block skipped while the others serve, and a
 * reload when a file in the included directory changes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class XinetdConfIT extends ItestSupport {

    static final String XINETD_PID = "org.superserver.config.xinetd";

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    /**
     * Every xinetd service lists the access policy {@code xinetd}, which the access-xinetd bundle
     * provides; where it does not (yet) run, this test allows every client in its name, so that the
     * format is tested on its own.
     */
    @Before
    public void anXinetdPolicyAnswers() throws Exception {
        if (context.getServiceReferences(AccessPolicy.class, "(" + AccessPolicy.NAME_PROPERTY + "=xinetd)").isEmpty()) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(AccessPolicy.NAME_PROPERTY, "xinetd");
            AccessPolicy allowAll = (connection, definition) ->
                    CompletableFuture.completedFuture(Decision.allow("no xinetd access rules in this test"));
            withdrawAfterTest(context.registerService(AccessPolicy.class, allowAll, props));
        }
    }

    /** The id the xinetd.conf bundle gives the service of xinetd id {@code id} read from {@code file}. */
    static String xinetdId(Path file, String id) {
        return "xinetd:" + file + ":" + id;
    }

    /** Serves {@code conf} through PID {@value #XINETD_PID}; undone after the test. */
    private ConfigSource serveXinetdConf(Path conf, Path services, long pollMillis) throws Exception {
        org.osgi.service.cm.Configuration configuration =
                service(ConfigurationAdmin.class).getConfiguration(XINETD_PID, "?");
        configuration.update(properties("file", new String[] {conf.toString()}, "services", services.toString(),
                "poll_interval_ms", pollMillis));
        afterTest(() -> {
            configuration.update(properties("file", new String[0], "poll_interval_ms", 0L));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!context.getServiceReferences(ConfigSource.class, "(superserver.config.format=xinetd)").isEmpty()) {
                if (System.nanoTime() > deadline) {
                    fail("the xinetd.conf bundle still serves a file after its configuration names none");
                }
                Thread.sleep(20);
            }
        });
        return awaitServiceWith(ConfigSource.class, "(" + CONFIG_FILES_PROPERTY + "=" + conf + ")");
    }

    private static String block(String name, String... lines) {
        StringBuilder b = new StringBuilder("service ").append(name).append("\n{\n");
        for (String line : lines) {
            b.append('\t').append(line).append('\n');
        }
        return b.append("}\n").toString();
    }

    /** Writes a file into a directory as an editor does (beside it, then renamed; the temporary name has a dot). */
    private static Path put(Path dir, String name, String text) throws IOException {
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + name + ".tmp");
        Files.write(temp, text.getBytes(StandardCharsets.ISO_8859_1));
        return Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String text(InetSocketAddress address) throws IOException {
        try (Socket socket = connect(address)) {
            return ascii(readToEnd(socket));
        }
    }

    @Test
    public void builtInsAreChosenByServiceNameAndSocketTypeWithIdsTellingThemApart() throws Exception {
        int echo = freePort();
        int daytime = freePort();
        Path conf = scratch().write("xinetd.conf", "defaults\n{\n\tbind = 127.0.0.1\n}\n"
                + block("echo", "id = echo-stream", "type = INTERNAL UNLISTED", "socket_type = stream",
                        "protocol = tcp", "wait = no", "port = " + echo)
                + block("echo", "id = echo-dgram", "type = INTERNAL UNLISTED", "socket_type = dgram", "wait = yes",
                        "port = " + echo)
                + block("daytime", "id = daytime-dgram", "type = INTERNAL UNLISTED", "protocol = udp", "wait = yes",
                        "port = " + daytime));
        serveXinetdConf(conf, scratch().write("services", ""), 0);

        InetSocketAddress stream = awaitListening(xinetdId(conf, "echo-stream"));
        assertEquals(echo, stream.getPort());
        assertEchoService(stream, "echo over tcp from xinetd.conf\n");
        InetSocketAddress dgram = awaitListening(xinetdId(conf, "echo-dgram"));
        assertEquals("ping", ascii(exchange(dgram, ascii("ping"))));
        String now = ascii(exchange(awaitListening(xinetdId(conf, "daytime-dgram")), ascii("x")));
        assertTrue("'" + now + "' is ctime + CRLF", BuiltinServicesIT.CTIME_CRLF.matcher(now).matches());
    }

    @Test
    public void serverArgsGiveArgv0FromTheServerNameAndNameinargsTakesItFromTheArguments() throws Exception {
        int plain = freePort();
        int nameInArgs = freePort();
        int echo = freePort();
        Path conf = scratch().write("xinetd.conf",
                block("plain", "type = UNLISTED", "socket_type = stream", "wait = no", "user = " + USER,
                        "bind = 127.0.0.1", "port = " + plain, "server = /usr/bin/printf",
                        "server_args = printf [%s]\\n a")
                + block("named", "type = UNLISTED", "socket_type = stream", "wait = no", "user = " + USER,
                        "bind = 127.0.0.1", "port = " + nameInArgs, "flags = NAMEINARGS",
                        "server = /usr/bin/printf", "server_args = printf [%s]\\n a")
                + block("hello", "type = UNLISTED", "socket_type = stream", "wait = no", "user = " + USER,
                        "bind = 127.0.0.1", "port = " + echo, "server = /bin/echo", "server_args = hello world"));
        serveXinetdConf(conf, scratch().write("services", ""), 0);

        // without NAMEINARGS "printf" is printf's first argument, its format (the rest draws a warning
        // on the child's standard error, which is the connection too)
        String plainOut = text(awaitListening(xinetdId(conf, "plain")));
        assertTrue(plainOut, plainOut.startsWith("printf") && !plainOut.contains("[a]"));
        // with it, it is argv[0], and the format follows
        assertEquals("[a]\n", text(awaitListening(xinetdId(conf, "named"))));
        assertEquals("hello world\n", text(awaitListening(xinetdId(conf, "hello"))));
    }

    @Test
    public void envAndPassenvReachTheChildAndNothingElseOfTheServersEnvironmentDoes() throws Exception {
        Map<String, String> server = System.getenv();
        // names the server does not set for a child itself (it sets PATH, HOME, SHELL, USER, LOGNAME)
        List<String> candidates = List.of("PWD", "JAVA_HOME", "MAVEN_HOME", "TERM", "HOSTNAME", "SHLVL",
                "MAVEN_CMD_LINE_ARGS", "OLDPWD", "MAVEN_PROJECTBASEDIR");
        String passed = candidates.stream().filter(server::containsKey).findFirst().orElse(null);
        String held = candidates.stream().filter(v -> server.containsKey(v) && !v.equals(passed))
                .findFirst().orElse(null);
        Assume.assumeTrue("the test JVM has two of " + candidates + " in its environment", passed != null && held != null);
        Path script = scratch().script("env.sh", "printf '%s|%s|%s\\n' \"$XTEST\" \"$" + passed + "\" \"$" + held + "\"\n");
        int port = freePort();
        Path conf = scratch().write("xinetd.conf", "defaults\n{\n\tpassenv = " + passed + "\n}\n"
                + block("env", "type = UNLISTED", "socket_type = stream", "wait = no", "user = " + USER,
                        "bind = 127.0.0.1", "port = " + port, "server = " + script,
                        "env = XTEST=set=by-xinetd.conf"));
        serveXinetdConf(conf, scratch().write("services", ""), 0);

        String line = text(awaitListening(xinetdId(conf, "env")));
        assertEquals("set=by-xinetd.conf|" + server.get(passed) + "|\n", line);
    }

    @Test
    public void includedirServesItsFilesSkipsDotsTildesAndDisabledServicesAndRereadsOnChange() throws Exception {
        LogCapture log = log();
        Path dir = scratch().dir().resolve("xinetd.d");
        int echo = freePort();
        int time = freePort();
        int skipped = freePort();
        int disabled = freePort();
        int later = freePort();
        Path echoFile = put(dir, "echo", block("echo", "type = INTERNAL UNLISTED", "socket_type = stream",
                "wait = no", "port = " + echo, "bind = 127.0.0.1"));
        put(dir, "time", block("time", "type = INTERNAL UNLISTED", "socket_type = stream", "wait = no",
                "port = " + time, "bind = 127.0.0.1"));
        Path rpmsave = put(dir, "chargen.rpmsave", block("chargen", "type = INTERNAL UNLISTED",
                "socket_type = stream", "wait = no", "port = " + skipped, "bind = 127.0.0.1"));
        Path off = put(dir, "discard", block("discard", "type = INTERNAL UNLISTED", "socket_type = stream",
                "wait = no", "port = " + disabled, "bind = 127.0.0.1", "disable = yes"));
        Path conf = scratch().write("xinetd.conf", "includedir " + dir + "\n");
        serveXinetdConf(conf, scratch().write("services", ""), 100);

        assertEchoService(awaitListening(xinetdId(echoFile, "echo")), "from xinetd.d\n");
        try (Socket socket = connect(awaitListening(xinetdId(dir.resolve("time"), "time")))) {
            assertEquals(4, readToEnd(socket).length);
        }
        assertFalse("a file with a dot is not read", serverStatus().listener(xinetdId(rpmsave, "chargen")).isPresent());
        assertFalse("disable = yes", serverStatus().listener(xinetdId(off, "discard")).isPresent());
        log.await(TIMEOUT, rpmsave.toString(), "names with a dot");

        // a new file in the directory, a service enabled, a service disabled: each applied on its own
        put(dir, "daytime", block("daytime", "type = INTERNAL UNLISTED", "socket_type = stream", "wait = no",
                "port = " + later, "bind = 127.0.0.1"));
        InetSocketAddress daytime = awaitListening(xinetdId(dir.resolve("daytime"), "daytime"));
        assertTrue(BuiltinServicesIT.CTIME_CRLF.matcher(text(daytime)).matches());
        put(dir, "discard", block("discard", "type = INTERNAL UNLISTED", "socket_type = stream", "wait = no",
                "port = " + disabled, "bind = 127.0.0.1", "disable = no"));
        awaitListening(xinetdId(off, "discard"));
        put(dir, "echo", block("echo", "type = INTERNAL UNLISTED", "socket_type = stream", "wait = no",
                "port = " + echo, "bind = 127.0.0.1", "disable = yes"));
        awaitNotListening(xinetdId(echoFile, "echo"));
        assertEquals("the skipped file is still logged only once", 1,
                log.linesWith(rpmsave.toString(), "names with a dot").size());
        Files.delete(dir.resolve("daytime"));
        awaitNotListening(xinetdId(dir.resolve("daytime"), "daytime"));
    }

    @Test
    public void aBadBlockIsReportedWithFileLineAndAttributeAndSkippedWhileTheOthersServe() throws Exception {
        LogCapture log = log();
        int good = freePort();
        int bad = freePort();
        int other = freePort();
        Path conf = scratch().write("xinetd.conf",
                block("echo", "type = INTERNAL UNLISTED", "socket_type = stream", "wait = no", "port = " + good,
                        "bind = 127.0.0.1")
                + block("chargen", "type = INTERNAL UNLISTED", "socket_type = stream", "wait = no",
                        "port = " + bad, "bind = 127.0.0.1", "instances = lots")
                + block("nosuch", "type = INTERNAL UNLISTED", "socket_type = stream", "wait = no",
                        "port = " + other, "bind = 127.0.0.1")
                + block("echo", "id = echo-2", "type = INTERNAL UNLISTED", "socket_type = stream", "wait = no",
                        "port = " + other, "bind = 127.0.0.1"));
        ConfigSource source = serveXinetdConf(conf, scratch().write("services", ""), 0);

        assertEchoService(awaitListening(xinetdId(conf, "echo")), "the good block serves\n");
        assertEchoService(awaitListening(xinetdId(conf, "echo-2")), "and so does the last\n");
        log.await(TIMEOUT, conf + ":16: instances: 'lots'", "service chargen is not served");
        log.await(TIMEOUT, conf + ":20: type:", "names no built-in");
        assertFalse(serverStatus().listener(xinetdId(conf, "chargen")).isPresent());

        // fixed and reloaded from the shell's side: only the difference is applied
        scratch().write("xinetd.conf", Files.readString(conf).replace("instances = lots", "instances = 2"));
        source.reload();
        awaitListening(xinetdId(conf, "chargen"));
    }

    @Test
    public void aHangupRereadsTheFilesAndAppliesOnlyTheDifference() throws Exception {
        int echo = freePort();
        int time = freePort();
        String echoBlock = block("echo", "type = INTERNAL UNLISTED", "socket_type = stream", "wait = no",
                "port = " + echo, "bind = 127.0.0.1");
        Path conf = scratch().write("xinetd.conf", echoBlock);
        serveXinetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress address = awaitListening(xinetdId(conf, "echo"));

        try (Socket before = connect(address)) {
            Clients.assertEchoes(before, "a connection from before the hangup\n");
            scratch().write("xinetd.conf", echoBlock + block("time", "type = INTERNAL UNLISTED",
                    "socket_type = stream", "wait = no", "port = " + time, "bind = 127.0.0.1"));
            hangup();
            try (Socket socket = connect(awaitListening(xinetdId(conf, "time")))) {
                assertEquals(4, readToEnd(socket).length);
            }
            // the unchanged service kept its listener and its connection
            Clients.assertEchoes(before, "still served after the hangup\n");
            assertEquals(address, awaitListening(xinetdId(conf, "echo")));
        }
    }

    /**
     * Sends this JVM a SIGHUP, after checking that the core handles it (as it does in the
     * distribution), so that it cannot stop the JVM.
     */
    private void hangup() throws Exception {
        Signal hup = new Signal("HUP");
        SignalHandler current = Signal.handle(hup, signal -> { });
        Signal.handle(hup, current);
        Bundle owner = FrameworkUtil.getBundle(current.getClass());
        assertEquals("SIGHUP is handled by the core (handler " + current + "), so it cannot stop this JVM",
                CORE, owner == null ? null : owner.getSymbolicName());
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(ProcessHandle.current().pid()))
                .redirectErrorStream(true).start();
        String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("kill -HUP: " + said, 0, kill.waitFor());
    }
}
