package org.superserver.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The features repository in a real Apache Karaf 4.4: {@code feature:repo-add} and
 * {@code feature:install superserver superserver-default} serve echo, the shell conditional brings
 * the {@code inetd:*} commands, both epoll fragments are attached and the core runs on epoll, and the
 * {@code config:*} commands create a service and move it to another port, and deleting its file
 * in etc/ withdraws it; JNA is wired to the core, which starts a server per connection.
 */
public class KarafFeaturesIT {

    private static SuperserverInKaraf installed;

    @BeforeClass
    public static void installTheFeaturesIntoKaraf() throws Exception {
        installed = SuperserverInKaraf.install(Map.of());
    }

    @AfterClass
    public static void stopKarafAndDeleteIt() throws Exception {
        if (installed != null) {
            installed.close();
        }
    }

    @Test
    public void featureInstallServesEchoOnTheConfiguredPort() throws Exception {
        assertFalse("feature:install failed:\n" + installed.installOutput,
                installed.installOutput.contains("Error executing command"));
        assertEquals("hello from Karaf\n", Sockets.echo(installed.echoPort, "hello from Karaf\n", superserverLog()));
    }

    @Test
    public void everySuperserverBundleIsActiveAndTheShellConditionalAddsTheInetdCommands() throws Exception {
        String bundles = installed.karaf.execute("bundle:list -t 0 -s");
        for (String name : new String[] {"superserver-api", "superserver-core", "superserver-builtin",
                "superserver-config-cm", "superserver-config-inetd", "superserver-config-xinetd",
                "superserver-access-tcpd", "superserver-access-xinetd", "superserver-shell", "com.sun.jna"}) {
            assertTrue(name + " is not active:\n" + bundles, hasBundle(bundles, "Active", name));
        }
        Sockets.awaitListening(installed.echoPort, superserverLog());
        // A session fed through bin/client -b prints what a pipe carries, not the value of a command.
        String list = installed.karaf.execute("inetd:list | grep 127.0.0.1");
        assertTrue("inetd:list does not show echo:\n" + list, list.contains("127.0.0.1:" + installed.echoPort));
    }

    @Test
    public void bothEpollFragmentsAreAttachedAndTheCoreRunsOnEpoll() throws Exception {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        assumeTrue("epoll libraries exist for linux-x86_64 and linux-aarch_64; this is "
                + System.getProperty("os.name") + " " + arch, System.getProperty("os.name").equals("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64")));
        String bundles = installed.karaf.execute("bundle:list -t 0 -s");
        for (String fragment : new String[] {X86_64_FRAGMENT, AARCH64_FRAGMENT}) {
            assertTrue(fragment + " is not attached:\n" + bundles, hasBundle(bundles, "Resolved", fragment));
        }
        Sockets.awaitListening(installed.echoPort, superserverLog());
        String log = installed.karaf.log();
        assertTrue("the core does not run on epoll:\n" + lines(log, "START transport="),
                log.contains("START transport=epoll"));
    }

    @Test
    public void configCommandsCreateAServiceAPortChangeMovesItAndDeletingItsFileWithdrawsIt() throws Exception {
        int first = installed.sparePorts[0];
        int second = installed.sparePorts[1];
        String created = createService("karaf-itest", "service", "echo", "type", "INTERNAL", "port",
                Integer.toString(first));
        assertFalse(created, created.contains("Error executing command"));
        assertTrue("etc/ has no file for the new configuration",
                Files.exists(installed.karaf.etc().resolve("org.superserver.service-karaf-itest.cfg")));
        assertEquals("created\n", Sockets.echo(first, "created\n", superserverLog()));

        String changed = installed.karaf.execute(
                "config:edit \"(felix.fileinstall.filename=*/org.superserver.service-karaf-itest.cfg)\"",
                "config:property-set port " + second,
                "config:update");
        assertFalse(changed, changed.contains("Error executing command"));
        assertEquals("moved\n", Sockets.echo(second, "moved\n", superserverLog()));
        assertFalse("the old port still answers after the move", Sockets.answers(first));
        assertEquals("the others keep serving\n",
                Sockets.echo(installed.echoPort, "the others keep serving\n", superserverLog()));

        // FileInstall acts on a file once two of its scans (one a second in Karaf) have seen it
        // unchanged; a file deleted before it knows the rewritten one would go unnoticed
        Thread.sleep(FILEINSTALL_SETTLE_MILLIS);
        Files.delete(installed.karaf.etc().resolve("org.superserver.service-karaf-itest.cfg"));
        Sockets.awaitRefused(second, superserverLog());
        assertEquals("and still serve\n", Sockets.echo(installed.echoPort, "and still serve\n", superserverLog()));
    }

    @Test
    public void jnaIsWiredSoTheCoreStartsAServerPerConnection() throws Exception {
        int port = installed.sparePorts[2];
        String created = createService("karaf-itest-cat", "service", "karafcat", "port", Integer.toString(port),
                "user", System.getProperty("user.name"), "server", "/bin/cat");
        assertFalse(created, created.contains("Error executing command"));
        try {
            // /bin/cat started per connection with the socket as its stdin and stdout: posix_spawn through JNA
            assertEquals("through cat\n", Sockets.echo(port, "through cat\n", superserverLog()));
            String log = installed.karaf.log();
            assertFalse(lines(log, "JNA"), log.contains("JNA is not available"));
            assertFalse(lines(log, "LIMITS"), log.contains("cannot read the open-file limit"));
            assertTrue(lines(log, "LIMITS"), log.contains("LIMITS nofile="));
        } finally {
            // through Configuration Admin: FileInstall may not have seen the new file yet, and would
            // then not notice it deleted
            String listed = installed.karaf.execute(
                    "config:list \"(felix.fileinstall.filename=*/org.superserver.service-karaf-itest-cat.cfg)\"");
            Matcher pid = Pattern.compile("Pid:\\s+(\\S+)").matcher(listed);
            assertTrue("no configuration for the file:\n" + listed, pid.find());
            String deleted = installed.karaf.execute("config:delete " + pid.group(1));
            assertFalse(deleted, deleted.contains("Error executing command"));
        }
        Sockets.awaitRefused(port, superserverLog());
    }

    /**
     * Creates a factory configuration of {@code org.superserver.service} with {@code config:*}: a
     * TCP stream service on 127.0.0.1, nowait, with the given property names and values on top.
     * Returns the session's output.
     */
    private static String createService(String alias, String... properties) throws Exception {
        List<String> commands = new ArrayList<>(List.of("config:edit --factory --alias " + alias
                + " org.superserver.service", "config:property-set socket_type stream",
                "config:property-set protocol tcp", "config:property-set bind 127.0.0.1",
                "config:property-set wait no"));
        for (int i = 0; i < properties.length; i += 2) {
            commands.add("config:property-set " + properties[i] + " " + properties[i + 1]);
        }
        commands.add("config:update");
        return installed.karaf.execute(commands.toArray(new String[0]));
    }

    /** Longer than two scans of Karaf's FileInstall (felix.fileinstall.poll = 1000 ms). */
    private static final long FILEINSTALL_SETTLE_MILLIS = 4_000;

    static final String X86_64_FRAGMENT = "io.netty.transport-native-epoll.linux-x86_64";
    static final String AARCH64_FRAGMENT = "io.netty.transport-native-epoll.linux-aarch_64";

    static boolean hasBundle(String bundleList, String state, String symbolicName) {
        return Pattern.compile("(?m)^\\s*\\d+\\s*\\|\\s*" + state + "\\s*\\|.*\\|\\s*" + Pattern.quote(symbolicName) + "\\s*$")
                .matcher(bundleList).find();
    }

    private static Supplier<String> superserverLog() {
        return () -> {
            try {
                return "Karaf's log:\n" + lines(installed.karaf.log(), "superserver");
            } catch (Exception e) {
                return "Karaf's log cannot be read: " + e;
            }
        };
    }

    static String lines(String text, String containing) {
        StringBuilder result = new StringBuilder();
        Matcher line = Pattern.compile("(?m)^.*" + Pattern.quote(containing) + ".*$").matcher(text);
        while (line.find()) {
            result.append(line.group()).append('\n');
        }
        return result.toString();
    }
}
