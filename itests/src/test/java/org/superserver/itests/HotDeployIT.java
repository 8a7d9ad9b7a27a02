package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.superserver.itests.Clients.READ_TIMEOUT_MILLIS;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.awaitRefused;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.connectFrom;
import static org.superserver.itests.Clients.freePort;
import static org.superserver.itests.Clients.loopback;
import static org.superserver.itests.Clients.readToEnd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.slf4j.LoggerFactory;
import org.superserver.api.Protocol;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

/**
 * Hot deploy of third-party plugins, as an administrator does it: with the server running, the
 * example plugins' jars (examples/qotd, examples/deny-file-policy, built by this build) are copied
 * into the directory Felix FileInstall watches, then {@code .cfg} files naming them; a jar is
 * replaced by a new version while clients are connected, and deleted. Nothing is restarted; the
 * other services keep serving throughout.
 *
 * <p>Files go into the deploy directory the way they should in production: written beside it and
 * renamed into it, so that FileInstall never sees half a jar.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployIT extends ItestSupport {

    static final String QOTD = "superserver-example-qotd";
    static final String DENYFILE = "superserver-example-deny-file-policy";
    static final String DEPLOY_DIR_PROPERTY = "felix.fileinstall.dir";
    /** The quote the upgraded qotd bundle carries as its built-in list. */
    static final String UPGRADED_QUOTE = "A new version, deployed while the server ran.\r\n";
    static final Version UPGRADED_VERSION = new Version(0, 2, 0);
    /** A client the deny file lists, and one it does not. */
    static final String LISTED = "127.0.0.2";
    static final String UNLISTED = "127.0.0.3";

    @Configuration
    public Option[] config() throws IOException {
        Path target = Path.of(System.getProperty("itest.bundles", "target/bundles")).toAbsolutePath().getParent();
        Files.createDirectories(target.resolve("hot-deploy"));
        Path deploy = Files.createTempDirectory(target.resolve("hot-deploy"), "deploy-");
        return frameworkOptions(
                bundleFromTarget("org.apache.felix.fileinstall", LEVEL_OSGI_SERVICES),
                frameworkProperty(DEPLOY_DIR_PROPERTY).value(deploy.toString()),
                frameworkProperty("felix.fileinstall.poll").value("200"),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                frameworkProperty("felix.fileinstall.enableConfigSave").value("false"),
                frameworkProperty("felix.fileinstall.bundles.new.start").value("true"),
                frameworkProperty("felix.fileinstall.log.level").value("2"));
    }

    private Path deploy;

    @Before
    public void emptyDeployDirectoryAfterTheTest() {
        deploy = Path.of(context.getProperty(DEPLOY_DIR_PROPERTY));
        afterTest(() -> {
            try (Stream<Path> files = Files.list(deploy)) {
                for (Path file : files.collect(Collectors.toList())) {
                    Files.delete(file);
                }
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (bundle(QOTD) != null || bundle(DENYFILE) != null) {
                if (System.nanoTime() > deadline) {
                    fail("the example bundles are still installed " + TIMEOUT + " after their jars were deleted");
                }
                Thread.sleep(50);
            }
        });
    }

    // ---- qotd -----------------------------------------------------------------------------------

    @Test
    public void qotdDroppedIntoDeployWithItsCfgAnswersOverTcpAndUdpWithoutARestart() throws Exception {
        InetSocketAddress echo = otherServiceServing();
        try (Socket heldEcho = connect(echo)) {
            assertEchoes(heldEcho, "before the plugin");

            int port = deployQotd();

            String overTcp = readQuote(loopback(port));
            assertTrue("one of the built-in quotes over TCP, then the end: '" + overTcp + "'",
                    builtInQuotes().contains(overTcp));
            String overUdp = askOverUdp(loopback(port));
            assertTrue("one of the built-in quotes over UDP: '" + overUdp + "'", builtInQuotes().contains(overUdp));
            assertEchoes(heldEcho, "the other service's open connection is untouched");
        }
    }

    @Test
    public void qotdReplacedByANewVersionFinishesOpenConnectionsOnTheOldCodeAndServesNewOnesWithTheNew()
            throws Exception {
        InetSocketAddress echo = otherServiceServing();
        int port = deployQotd();
        Set<String> oldQuotes = builtInQuotes();
        Path upgraded = upgradedQotd();

        try (Socket heldEcho = connect(echo); QuoteClient clients = new QuoteClient(loopback(port), oldQuotes)) {
            assertEchoes(heldEcho, "before the upgrade");
            clients.awaitCount(Outcome.OLD, 3);

            dropIntoDeploy(upgraded, QOTD + ".jar");
            clients.awaitCount(Outcome.NEW, 3);
            clients.close();

            assertEquals("no connection got part of a quote, something else, or hung: " + clients.failures(),
                    List.of(), clients.failures());
            List<Outcome> seen = clients.outcomes();
            LoggerFactory.getLogger(HotDeployIT.class).info("UPGRADE qotd connections={} outcomes={}", seen.size(),
                    clients.summary());
            int firstNew = seen.indexOf(Outcome.NEW);
            assertFalse("once a connection got the new code, none got the old one: " + seen,
                    seen.subList(firstNew, seen.size()).contains(Outcome.OLD));
            assertEquals(UPGRADED_VERSION, bundle(QOTD).getVersion());
            assertEquals("the upgraded bundle answers over UDP too", UPGRADED_QUOTE, askOverUdpUntilServed(loopback(port)));
            assertEchoes(heldEcho, "the other service's open connection is untouched by the upgrade");
        }
    }

    @Test
    public void qotdJarDeletedStopsItsPortWhileTheOtherServicesKeepServing() throws Exception {
        InetSocketAddress echo = otherServiceServing();
        int port = deployQotd();
        try (Socket heldEcho = connect(echo)) {
            assertEchoes(heldEcho, "before the plugin leaves");

            Files.delete(deploy.resolve(QOTD + ".jar"));

            awaitRefused(loopback(port), TIMEOUT);
            awaitUdpPortUnreachable(loopback(port));
            awaitNoBundle(QOTD);
            assertEchoes(heldEcho, "the other service's open connection is untouched");
            Clients.assertEchoService(echo, "a new connection to the other service");
            ListenerStatus waiting = listenerOn(port, Protocol.TCP);
            assertEquals("the qotd service waits for its handler: " + waiting, ListenerState.WAITING_FOR_HANDLER,
                    waiting.state());
        }
    }

    // ---- denyfile -------------------------------------------------------------------------------

    @Test
    public void denyFilePolicyDroppedIntoDeployDeniesAListedClientAndServesAnother() throws Exception {
        Path denyFile = scratch().write("deny", "# clients refused by the guarded echo\n" + LISTED + "/32\n");
        int guarded = freePort();
        writeIntoDeploy("org.superserver.service-guarded.cfg", guardedEchoCfg(guarded));
        awaitListeningOn(guarded, Protocol.TCP);
        assertDenied(loopback(guarded), UNLISTED, "before the policy is deployed (a missing policy refuses everyone)");

        deployDenyFilePolicy(denyFile);

        awaitEchoServes(loopback(guarded), UNLISTED, "guarded echo, client not listed");
        assertDenied(loopback(guarded), LISTED, "guarded echo, client listed");

        LogCapture log = log();
        scratch().write("deny", "# clients refused by the guarded echo\n" + LISTED + "/32\nno-such-address\n"
                + UNLISTED + "\n");
        log.await(TIMEOUT, "DENYFILE", denyFile + ":3: error: address: 'no-such-address'");
        awaitDenied(loopback(guarded), UNLISTED, "guarded echo, client added to the deny file");
    }

    @Test
    public void denyFilePolicyReplacedByANewVersionKeepsAnOpenConnectionAndDecidesNewOnes() throws Exception {
        Path denyFile = scratch().write("deny", LISTED + "\n");
        int guarded = freePort();
        deployDenyFilePolicy(denyFile);
        writeIntoDeploy("org.superserver.service-guarded.cfg", guardedEchoCfg(guarded));
        awaitListeningOn(guarded, Protocol.TCP);
        awaitEchoServes(loopback(guarded), UNLISTED, "guarded echo, client not listed");

        try (Socket open = connectFrom(UNLISTED, loopback(guarded))) {
            assertEchoes(open, "allowed by the first version");

            dropIntoDeploy(upgraded(plugin(DENYFILE), Map.of()), DENYFILE + ".jar");
            awaitPolicyFromVersion(UPGRADED_VERSION);

            assertEchoes(open, "the connection allowed by the old version goes on");
            awaitEchoServes(loopback(guarded), UNLISTED, "guarded echo after the upgrade, client not listed");
            assertDenied(loopback(guarded), LISTED, "guarded echo after the upgrade, client listed");
        }
    }

    @Test
    public void denyFilePolicyJarDeletedLeavesItsServicesRefusingEveryoneWhileOthersServe() throws Exception {
        Path denyFile = scratch().write("deny", LISTED + "\n");
        int guarded = freePort();
        deployDenyFilePolicy(denyFile);
        writeIntoDeploy("org.superserver.service-guarded.cfg", guardedEchoCfg(guarded));
        awaitListeningOn(guarded, Protocol.TCP);
        awaitEchoServes(loopback(guarded), UNLISTED, "guarded echo, client not listed");
        InetSocketAddress open = otherServiceServing();

        Files.delete(deploy.resolve(DENYFILE + ".jar"));
        awaitNoBundle(DENYFILE);

        awaitDenied(loopback(guarded), UNLISTED, "guarded echo without its policy (fail closed)");
        assertDenied(loopback(guarded), LISTED, "guarded echo without its policy (fail closed)");
        assertEchoServes(open, LISTED, "an unguarded service");
        assertEchoServes(open, UNLISTED, "an unguarded service");
    }

    // ---- deploying ------------------------------------------------------------------------------

    /** A built-in echo the test defines, which must keep serving whatever happens to the plugins. */
    private InetSocketAddress otherServiceServing() throws Exception {
        define(internal("hot-deploy-echo", "echo", Protocol.TCP));
        InetSocketAddress echo = awaitListening("hot-deploy-echo");
        Clients.assertEchoService(echo, "the other service");
        return echo;
    }

    /** Drops the qotd jar, then a .cfg per transport on one port; waits until both listen; returns the port. */
    private int deployQotd() throws Exception {
        dropIntoDeploy(plugin(QOTD), QOTD + ".jar");
        int port = freePort();
        for (String socketType : List.of("stream", "dgram")) {
            writeIntoDeploy("org.superserver.service-qotd-" + socketType + ".cfg", String.join("\n",
                    "service = qotd",
                    "type = INTERNAL",
                    "socket_type = " + socketType,
                    "bind = 127.0.0.1",
                    "port = " + port,
                    ""));
        }
        awaitListeningOn(port, Protocol.TCP);
        awaitListeningOn(port, Protocol.UDP);
        return port;
    }

    /** Drops the denyfile jar and its own configuration, naming {@code denyFile}; waits for the policy. */
    private void deployDenyFilePolicy(Path denyFile) throws Exception {
        dropIntoDeploy(plugin(DENYFILE), DENYFILE + ".jar");
        writeIntoDeploy("org.superserver.examples.denyfile.cfg",
                "file = " + denyFile + "\npoll_interval_ms = 100\n");
        awaitServiceWith(AccessPolicy.class, "(" + AccessPolicy.NAME_PROPERTY + "=denyfile)");
    }

    private static String guardedEchoCfg(int port) {
        return String.join("\n",
                "service = echo",
                "type = INTERNAL",
                "bind = 127.0.0.1",
                "port = " + port,
                "policies = denyfile",
                "");
    }

    /** A plugin jar as this build made it. */
    private static Path plugin(String artifactId) {
        Path jar = Path.of(System.getProperty("itest.plugins", "target/plugins"), artifactId + ".jar");
        assertTrue(jar + " is missing: the build copies it there in pre-integration-test", Files.isRegularFile(jar));
        return jar;
    }

    /** Puts {@code source} into the deploy directory as {@code name}: copied beside it, then renamed into it. */
    private void dropIntoDeploy(Path source, String name) throws IOException {
        Path staged = Files.createTempFile(deploy.getParent(), name, ".part");
        Files.copy(source, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, deploy.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void writeIntoDeploy(String name, String content) throws IOException {
        Path staged = Files.createTempFile(deploy.getParent(), name, ".part");
        Files.writeString(staged, content);
        Files.move(staged, deploy.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The qotd jar as a new version: Bundle-Version 0.2.0 and one built-in quote, {@link #UPGRADED_QUOTE}. */
    private Path upgradedQotd() throws IOException {
        return upgraded(plugin(QOTD), Map.of("org/superserver/examples/qotd/default-quotes.txt",
                UPGRADED_QUOTE.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A copy of {@code jar} as version {@link #UPGRADED_VERSION}, with the entries of {@code replaced}
     * holding new content; written to the scratch directory.
     */
    private Path upgraded(Path jar, Map<String, byte[]> replaced) throws IOException {
        Path out = scratch().dir().resolve(jar.getFileName() + "-" + UPGRADED_VERSION + ".jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), UPGRADED_VERSION.toString());
            try (JarOutputStream target = new JarOutputStream(Files.newOutputStream(out), manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    target.putNextEntry(new JarEntry(entry.getName()));
                    byte[] content = replaced.get(entry.getName());
                    if (content != null) {
                        target.write(content);
                    } else {
                        in.transferTo(target);
                    }
                    target.closeEntry();
                }
            }
        }
        return out;
    }

    // ---- waiting --------------------------------------------------------------------------------

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private void awaitNoBundle(String symbolicName) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (bundle(symbolicName) != null) {
            if (System.nanoTime() > deadline) {
                fail(symbolicName + " is still installed " + TIMEOUT + " after its jar left the deploy directory");
            }
            Thread.sleep(20);
        }
    }

    /** Waits until the denyfile policy is registered by a bundle of {@code version}. */
    private void awaitPolicyFromVersion(Version version) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (ServiceReference<AccessPolicy> ref : context.getServiceReferences(AccessPolicy.class,
                    "(" + AccessPolicy.NAME_PROPERTY + "=denyfile)")) {
                Bundle from = ref.getBundle();
                if (from != null && from.getVersion().equals(version) && from.getState() == Bundle.ACTIVE) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                fail("no denyfile policy of version " + version + " within " + TIMEOUT);
            }
            Thread.sleep(20);
        }
    }

    /** The listener bound to {@code port} over {@code protocol}'s transport, as the core reports it. */
    private ListenerStatus listenerOn(int port, Protocol protocol) throws InterruptedException {
        for (ListenerStatus l : serverStatus().listeners()) {
            if (l.definition().port() == port && l.definition().protocol().isTcp() == protocol.isTcp()) {
                return l;
            }
        }
        throw new AssertionError("the core knows no listener on port " + port + " " + protocol);
    }

    private void awaitListeningOn(int port, Protocol protocol) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String last = "unknown to the core";
        while (System.nanoTime() < deadline) {
            for (ListenerStatus l : serverStatus().listeners()) {
                if (l.definition().port() == port && l.definition().protocol().isTcp() == protocol.isTcp()) {
                    if (l.state() == ListenerState.LISTENING) {
                        return;
                    }
                    last = l.toString();
                }
            }
            Thread.sleep(20);
        }
        fail("nothing LISTENING on port " + port + " (" + protocol + ") within " + TIMEOUT + "; last seen: " + last);
    }

    // ---- clients --------------------------------------------------------------------------------

    /** The built-in quotes of the qotd jar this build made, each as sent (CR LF line ends). */
    private static Set<String> builtInQuotes() throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(plugin(QOTD)))) {
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                if (entry.getName().endsWith("/default-quotes.txt")) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    return Stream.of(text.split("(?m)^%\n"))
                            .map(q -> q.strip().replace("\n", "\r\n") + "\r\n")
                            .collect(Collectors.toSet());
                }
            }
        }
        throw new AssertionError("the qotd jar holds no default-quotes.txt");
    }

    /** What one TCP client reads until the server closes. */
    private static String readQuote(InetSocketAddress qotd) throws IOException {
        try (Socket socket = connect(qotd)) {
            return ascii(readToEnd(socket));
        }
    }

    private static String askOverUdp(InetSocketAddress qotd) throws IOException {
        return ascii(Clients.exchange(qotd, new byte[0]));
    }

    /** Asks over UDP until a quote comes (the socket may be bound again right after an upgrade). */
    private static String askOverUdpUntilServed(InetSocketAddress qotd) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                return askOverUdp(qotd);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no UDP answer from " + qotd + " within " + TIMEOUT, notYet);
                }
            }
        }
    }

    /** Waits until a datagram to {@code address} is refused with ICMP port unreachable. */
    private static void awaitUdpPortUnreachable(InetSocketAddress address) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.connect(address);
            socket.setSoTimeout(500);
            while (true) {
                try {
                    socket.send(new DatagramPacket(new byte[] {'\n'}, 1));  // (an empty datagram draws no ICMP reply here)
                    socket.receive(new DatagramPacket(new byte[1024], 1024));
                } catch (PortUnreachableException closed) {
                    return;
                } catch (SocketTimeoutException quiet) {
                    // ICMP replies are rate-limited by the kernel: ask again
                }
                if (System.nanoTime() > deadline) {
                    fail(address + " still takes datagrams " + TIMEOUT + " after its plugin left");
                }
            }
        }
    }

    /** What one connection to qotd got. */
    enum Outcome {
        /** a whole quote of the first version, then the end */
        OLD,
        /** the quote of the new version, then the end */
        NEW,
        /** connection refused: the port was closed for the moment of the swap */
        REFUSED,
        /** the connection ended without a byte (closed or reset as its handler left) */
        CLOSED
    }

    /**
     * Connects to qotd again and again on a thread of its own, one connection at a time, and
     * records what each got. Anything but a whole quote of one version or a connection ended
     * without a byte is a failure: part of a quote, other bytes, a client left hanging.
     */
    private static final class QuoteClient implements AutoCloseable {
        private final InetSocketAddress address;
        private final Set<String> oldQuotes;
        private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        QuoteClient(InetSocketAddress address, Set<String> oldQuotes) {
            this.address = address;
            this.oldQuotes = oldQuotes;
            this.thread = new Thread(this::run, "hot-deploy-qotd-client");
            thread.start();
        }

        private void run() {
            while (!stop.get()) {
                try {
                    Outcome outcome = once();
                    if (outcome != null) {
                        outcomes.add(outcome);
                    }
                } catch (IOException | RuntimeException e) {
                    failures.add(e.toString());
                }
            }
        }

        private Outcome once() throws IOException {
            String got;
            try (Socket socket = new Socket()) {
                try {
                    socket.connect(address, READ_TIMEOUT_MILLIS);
                } catch (ConnectException refused) {
                    return Outcome.REFUSED;
                } catch (SocketException reset) {
                    // handshaken in the backlog of a listener that closed before accepting it (the old
                    // bundle leaving): the kernel resets it, which connect may report before returning
                    return Outcome.REFUSED;
                }
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                try {
                    socket.getInputStream().transferTo(all);
                } catch (SocketTimeoutException hung) {
                    failures.add("left hanging after " + all.size() + " bytes");
                    return null;
                } catch (SocketException reset) {
                    if (all.size() == 0) {
                        return Outcome.CLOSED;
                    }
                    failures.add("reset after " + all.size() + " bytes: " + all.toString(StandardCharsets.UTF_8));
                    return null;
                }
                got = all.toString(StandardCharsets.UTF_8);
            }
            if (got.isEmpty()) {
                return Outcome.CLOSED;
            }
            if (oldQuotes.contains(got)) {
                return Outcome.OLD;
            }
            if (got.equals(UPGRADED_QUOTE)) {
                return Outcome.NEW;
            }
            failures.add("got '" + got.replace("\r\n", "\\r\\n") + "'");
            return null;
        }

        void awaitCount(Outcome outcome, int count) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (Collections.frequency(outcomes(), outcome) < count) {
                if (System.nanoTime() > deadline || !thread.isAlive()) {
                    fail("fewer than " + count + " connections got " + outcome + " within " + TIMEOUT + "; seen: "
                            + summary() + "; failures: " + failures());
                }
                Thread.sleep(20);
            }
        }

        List<Outcome> outcomes() {
            synchronized (outcomes) {
                return new ArrayList<>(outcomes);
            }
        }

        List<String> failures() {
            synchronized (failures) {
                return new ArrayList<>(failures);
            }
        }

        private Map<Outcome, Long> summary() {
            return outcomes().stream().collect(Collectors.groupingBy(o -> o, Collectors.counting()));
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(2L * READ_TIMEOUT_MILLIS + 1000);
        }
    }

    /** A client from {@code source} is served by the guarded echo. */
    private static void assertEchoServes(InetSocketAddress echo, String source, String what) throws IOException {
        try (Socket socket = connectFrom(source, echo)) {
            assertEchoes(socket, what + " serves " + source);
        } catch (SocketException | SocketTimeoutException e) {
            throw new AssertionError(what + ": the client from " + source + " was not served: " + e, e);
        }
    }

    private static void awaitEchoServes(InetSocketAddress echo, String source, String what) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                assertEchoServes(echo, source, what);
                return;
            } catch (AssertionError | IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(what + ": still not served after " + TIMEOUT + ": " + notYet, notYet);
                }
            }
            Thread.sleep(50);
        }
    }

    /** A client from {@code source} is denied: without sending anything, it reads the end without a byte. */
    private static void assertDenied(InetSocketAddress service, String source, String what) throws IOException {
        try (Socket socket = connectFrom(source, service)) {
            byte[] got;
            try {
                got = readToEnd(socket);
            } catch (SocketTimeoutException e) {
                throw new AssertionError(what + ": the client from " + source + " was still connected after "
                        + READ_TIMEOUT_MILLIS + " ms: served, where it should be denied", e);
            }
            assertEquals(what + ": the client from " + source + " is denied without a byte", "", ascii(got));
        }
    }

    private static void awaitDenied(InetSocketAddress service, String source, String what) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try (Socket socket = connectFrom(source, service)) {
                socket.setSoTimeout(500);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                try {
                    out.write('x');
                    if (in.read() < 0) {
                        return;  // the end without a byte: denied
                    }
                } catch (SocketException reset) {
                    return;  // a reset also ends it without a byte
                } catch (SocketTimeoutException stillDeciding) {
                    // neither served nor denied yet: ask again
                }
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": the client from " + source + " is still served " + TIMEOUT + " later");
            }
            Thread.sleep(50);
        }
    }
}
