package org.superserver.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The features repository in a real Apache Karaf 4.4: {@code feature:repo-add} and
 * {@code feature:install superserver superserver-default} serve echo, the shell conditional brings
 * the {@code inetd:*} commands, the epoll fragment of this platform is the one installed, and the
 * {@code config:*} commands create a service and move it to another port, and deleting its file
 * in etc/ withdraws it.
 *
 * <p>The embedded default's ten services are given free ports by {@code .cfg} files written into
 * etc/ before the install (Karaf keeps a feature's configuration when its file exists), so that the
 * test never takes the standard 100xx ports that another server on this machine may hold.
 */
public class KarafFeaturesIT {

    private static final String[] DEFAULT_SERVICES = {"echo", "discard", "daytime", "chargen", "time"};
    private static final long BOOT_TIMEOUT_SECONDS = 240;
    private static final long LISTEN_TIMEOUT_SECONDS = 60;

    private static KarafInstance karaf;
    private static int echoPort;
    private static int[] freePorts;
    private static String installOutput;

    @BeforeClass
    public static void installTheFeaturesIntoKaraf() throws Exception {
        Optional<Path> java17 = KarafInstance.java17(System.getProperty("karaf.java.home"));
        assumeTrue("Apache Karaf 4.4 boots on Java 17 only, and there is no JDK 17 at "
                + System.getProperty("karaf.java.home") + " (-Dkaraf.java.home=...) and this is Java "
                + Runtime.version().feature(), java17.isPresent());

        freePorts = FreePorts.take(3 + DEFAULT_SERVICES.length + 2);
        karaf = KarafInstance.prepare(Paths.get(System.getProperty("karaf.distribution")),
                Paths.get(System.getProperty("karaf.system.extra")), Paths.get(System.getProperty("karaf.work")),
                java17.get(), freePorts[0], freePorts[1], freePorts[2]);
        for (int i = 0; i < DEFAULT_SERVICES.length; i++) {
            int port = freePorts[3 + i];
            writeDefaultService(DEFAULT_SERVICES[i], "tcp", port);
            writeDefaultService(DEFAULT_SERVICES[i], "udp", port);
        }
        echoPort = freePorts[3];

        karaf.start();
        karaf.awaitBooted(BOOT_TIMEOUT_SECONDS);
        installOutput = karaf.execute(
                "feature:repo-add mvn:org.superserver/superserver-features/" + System.getProperty("superserver.version")
                        + "/xml/features",
                "feature:install superserver superserver-default");
    }

    @AfterClass
    public static void stopKarafAndDeleteIt() throws Exception {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    public void featureInstallServesEchoOnTheConfiguredPort() throws Exception {
        assertFalse("feature:install failed:\n" + installOutput, installOutput.contains("Error executing command"));
        assertEquals("hello from Karaf\n", echo(echoPort, "hello from Karaf\n"));
    }

    @Test
    public void everySuperserverBundleIsActiveAndTheShellConditionalAddsTheInetdCommands() throws Exception {
        String bundles = karaf.execute("bundle:list -t 0 -s");
        for (String name : new String[] {"superserver-api", "superserver-core", "superserver-builtin",
                "superserver-config-cm", "superserver-config-inetd", "superserver-config-xinetd",
                "superserver-access-tcpd", "superserver-access-xinetd", "superserver-shell", "com.sun.jna"}) {
            assertTrue(name + " is not active:\n" + bundles,
                    Pattern.compile("(?m)^\\s*\\d+\\s*\\|\\s*Active\\s*\\|.*\\|\\s*" + Pattern.quote(name) + "\\s*$")
                            .matcher(bundles).find());
        }
        awaitListening(echoPort);
        // A session fed through bin/client -b prints what a pipe carries, not the value of a command.
        String list = karaf.execute("inetd:list | grep 127.0.0.1");
        assertTrue("inetd:list does not show echo:\n" + list, list.contains("127.0.0.1:" + echoPort));
    }

    @Test
    public void theEpollFragmentOfThisPlatformIsInstalledAndTheOtherIsNot() throws Exception {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm = arch.equals("aarch64");
        assumeTrue("epoll fragments exist for linux-x86_64 and linux-aarch_64; this is "
                + System.getProperty("os.name") + " " + arch,
                System.getProperty("os.name").equals("Linux") && (x86 || arm));
        String bundles = karaf.execute("bundle:list -t 0 -s");
        String mine = x86 ? "io.netty.transport-native-epoll.linux-x86_64" : "io.netty.transport-native-epoll.linux-aarch_64";
        String other = x86 ? "io.netty.transport-native-epoll.linux-aarch_64" : "io.netty.transport-native-epoll.linux-x86_64";
        assertTrue(mine + " is not attached:\n" + bundles,
                Pattern.compile("(?m)\\|\\s*Resolved\\s*\\|.*\\|\\s*" + Pattern.quote(mine) + "\\s*$").matcher(bundles).find());
        assertFalse(other + " is installed:\n" + bundles, bundles.contains(other));
        awaitListening(echoPort);
        String log = karaf.log();
        assertTrue("the core does not run on epoll:\n" + lines(log, "START transport="),
                log.contains("START transport=epoll"));
    }

    @Test
    public void configCommandsCreateAServiceAPortChangeMovesItAndDeletingItsFileWithdrawsIt() throws Exception {
        int first = freePorts[freePorts.length - 2];
        int second = freePorts[freePorts.length - 1];
        String created = karaf.execute(
                "config:edit --factory --alias karaf-itest org.superserver.service",
                "config:property-set service echo",
                "config:property-set type INTERNAL",
                "config:property-set socket_type stream",
                "config:property-set protocol tcp",
                "config:property-set bind 127.0.0.1",
                "config:property-set port " + first,
                "config:property-set wait no",
                "config:update");
        assertFalse(created, created.contains("Error executing command"));
        assertTrue("etc/ has no file for the new configuration", Files.exists(karaf.etc().resolve("org.superserver.service-karaf-itest.cfg")));
        awaitListening(first);
        assertEquals("created\n", echo(first, "created\n"));

        String changed = karaf.execute(
                "config:edit \"(felix.fileinstall.filename=*/org.superserver.service-karaf-itest.cfg)\"",
                "config:property-set port " + second,
                "config:update");
        assertFalse(changed, changed.contains("Error executing command"));
        awaitListening(second);
        assertEquals("moved\n", echo(second, "moved\n"));
        assertFalse("the old port still answers after the move", answers(first));
        assertEquals("the other services keep serving\n", echo(echoPort, "the other services keep serving\n"));

        Files.delete(karaf.etc().resolve("org.superserver.service-karaf-itest.cfg"));
        awaitRefused(second);
        assertEquals("and still serve\n", echo(echoPort, "and still serve\n"));
    }

    /** Waits until nothing accepts on 127.0.0.1:{@code port} any more (FileInstall polls etc/ every few seconds). */
    private static void awaitRefused(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LISTEN_TIMEOUT_SECONDS);
        while (answers(port)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("127.0.0.1:" + port + " still answers; Karaf's log:\n"
                        + lines(karaf.log(), "superserver"));
            }
            Thread.sleep(200);
        }
    }

    private static void writeDefaultService(String service, String protocol, int port) throws IOException {
        String socketType = protocol.equals("tcp") ? "stream" : "dgram";
        Files.writeString(karaf.etc().resolve("org.superserver.service-" + service + "-" + protocol + ".cfg"),
                "service = " + service + "\ntype = INTERNAL\nsocket_type = " + socketType + "\nprotocol = " + protocol
                        + "\nbind = 127.0.0.1\nport = " + port + "\nwait = no\n", StandardCharsets.UTF_8);
    }

    /** Waits until something accepts on 127.0.0.1:{@code port} (a listener binds a moment after its configuration). */
    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LISTEN_TIMEOUT_SECONDS);
        while (!answers(port)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing listens on 127.0.0.1:" + port + "; Karaf's log:\n"
                        + lines(karaf.log(), "superserver"));
            }
            Thread.sleep(200);
        }
    }

    private static boolean answers(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    private static String echo(int port, String text) throws Exception {
        awaitListening(port);
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(sent);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] received = in.readNBytes(sent.length);
            return new String(received, StandardCharsets.UTF_8);
        }
    }

    private static String lines(String text, String containing) {
        StringBuilder result = new StringBuilder();
        Matcher line = Pattern.compile("(?m)^.*" + Pattern.quote(containing) + ".*$").matcher(text);
        while (line.find()) {
            result.append(line.group()).append('\n');
        }
        return result.toString();
    }
}
