package org.superserver.itests;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackage;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Assume;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.UrlProvisionOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConfigSource;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;

/**
 * What every integration test shares: the framework it runs in (one real Apache Felix with the
 * real bundles, provisioned from {@code target/bundles}), and helpers to define services, wait
 * for their listeners and clean up after each test.
 *
 * <p>Start levels order the framework the way the distribution does: SLF4J (slf4j-api with the
 * slf4j-simple fragment) at level 1, so that slf4j-simple is the SLF4J provider before any bundle asks
 * for a logger (Pax Exam's own helper bundles log, and Pax Exam starts them at level 2); the OSGi
 * services (SCR, ConfigAdmin, Metatype) at 2; Netty and JNA at 3; the Superserver bundles at 4; the
 * test probe last (Pax Exam puts it at level 5, which is also the framework's start level).
 *
 * <p>As in the distribution, the system bundle exports {@code sun.misc}, so the core handles SIGHUP
 * (it reloads every {@link ConfigSource} instead of letting the signal stop the test JVM).
 *
 * <p>Felix keeps its default implicit boot delegation, as in the distribution (Netty's JFR events
 * need it); so no SLF4J provider may be on the test JVM's class path (see the pom).
 */
public abstract class ItestSupport {

    /** Start level of SLF4J (slf4j-api and its slf4j-simple fragment): before Pax Exam's helpers (level 2). */
    static final int LEVEL_LOGGING = 1;
    static final int LEVEL_OSGI_SERVICES = 2;
    static final int LEVEL_NETTY = 3;
    static final int LEVEL_SUPERSERVER = 4;

    /** The Superserver bundles, by symbolic name (= artifactId). */
    static final String API = "superserver-api";
    static final String CORE = "superserver-core";
    static final String BUILTIN = "superserver-builtin";
    static final String CONFIG_CM = "superserver-config-cm";
    static final String CONFIG_INETD = "superserver-config-inetd";
    static final String ACCESS_TCPD = "superserver-access-tcpd";
    static final String CONFIG_XINETD = "superserver-config-xinetd";
    static final String ACCESS_XINETD = "superserver-access-xinetd";

    /** Configuration PIDs of the core and of the inetd.conf bundle. */
    static final String CORE_PID = "org.superserver.core";
    static final String INETD_PID = "org.superserver.config.inetd";
    /** Configuration PID of the tcpd access policy (hosts.allow, hosts.deny). */
    static final String TCPD_PID = "org.superserver.access.tcpd";
    /** Service property of a ConfigSource naming the files it reads. */
    static final String CONFIG_FILES_PROPERTY = "superserver.config.files";

    /** Service properties a test puts on the definitions it registers (as config bundles do). */
    static final String ID_PROPERTY = "superserver.service.id";
    static final String NAME_PROPERTY = "superserver.service.name";

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    /**
     * The user running the tests, and so the server: inetd.conf lines that do not test a switch of
     * user name it, so that they serve whether the suite runs as root or not.
     */
    static final String USER = System.getProperty("user.name");

    /**
     * Skips the test, saying why, unless it runs as root (it switches to another user). Pax Exam
     * reports a test skipped inside the framework as passed, so the reason is also logged.
     */
    static void assumeRoot(String why) throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        String reason = why + " needs root; these tests run as " + USER + " (uid " + uid + ")";
        if (uid != 0) {
            LoggerFactory.getLogger(ItestSupport.class).warn("SKIPPED {}", reason);
        }
        Assume.assumeTrue(reason, uid == 0);
    }

    @Inject
    protected BundleContext context;

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Configuration> configurations = new ArrayList<>();
    private final Map<Class<?>, ServiceTracker<?, ?>> trackers = new HashMap<>();
    /** What else a test set up (scratch files, children, log capture, the core's configuration), undone last first. */
    private final Deque<AutoCloseable> cleanups = new ArrayDeque<>();
    private Scratch scratch;
    private LogCapture log;

    /** The framework every test class runs in; a class adds its own options with {@code extra}. */
    public static Option[] frameworkOptions(Option... extra) {
        return new Option[] {
            // slf4j-simple as a fragment of slf4j-api, installed first so that it is attached when
            // slf4j-api resolves: SLF4J finds its provider in its own class loader.
            bundleFromTarget("superserver-slf4j-simple", LEVEL_LOGGING).start(false),
            bundleFromTarget("slf4j-api", LEVEL_LOGGING),

            bundleFromTarget("org.osgi.util.function", LEVEL_OSGI_SERVICES),
            bundleFromTarget("org.osgi.util.promise", LEVEL_OSGI_SERVICES),
            bundleFromTarget("org.osgi.service.component", LEVEL_OSGI_SERVICES),
            bundleFromTarget("org.apache.felix.scr", LEVEL_OSGI_SERVICES),
            bundleFromTarget("org.apache.felix.configadmin", LEVEL_OSGI_SERVICES),
            bundleFromTarget("org.apache.felix.log", LEVEL_OSGI_SERVICES),
            bundleFromTarget("org.apache.felix.metatype", LEVEL_OSGI_SERVICES),

            bundleFromTarget("netty-common", LEVEL_NETTY),
            bundleFromTarget("netty-buffer", LEVEL_NETTY),
            bundleFromTarget("netty-resolver", LEVEL_NETTY),
            bundleFromTarget("netty-transport", LEVEL_NETTY),
            bundleFromTarget("netty-transport-native-unix-common", LEVEL_NETTY),
            bundleFromTarget("netty-codec-base", LEVEL_NETTY),
            bundleFromTarget("netty-handler", LEVEL_NETTY),
            bundleFromTarget("netty-transport-classes-epoll", LEVEL_NETTY),
            bundleFromTarget("netty-transport-native-epoll-linux-x86_64", LEVEL_NETTY).noStart(),
            bundleFromTarget("netty-tcnative-classes", LEVEL_NETTY),
            bundleFromTarget("netty-tcnative-boringssl-static", LEVEL_NETTY).noStart(),
            bundleFromTarget("netty-codec-base", LEVEL_NETTY),
            bundleFromTarget("netty-handler", LEVEL_NETTY),
            bundleFromTarget("jna", LEVEL_NETTY),

            bundleFromTarget(API, LEVEL_SUPERSERVER),
            bundleFromTarget(CORE, LEVEL_SUPERSERVER),
            bundleFromTarget(BUILTIN, LEVEL_SUPERSERVER),
            bundleFromTarget(CONFIG_CM, LEVEL_SUPERSERVER),
            bundleFromTarget(CONFIG_INETD, LEVEL_SUPERSERVER),
            bundleFromTarget(ACCESS_TCPD, LEVEL_SUPERSERVER),
            bundleFromTarget(CONFIG_XINETD, LEVEL_SUPERSERVER),
            bundleFromTarget(ACCESS_XINETD, LEVEL_SUPERSERVER),

            junitBundles(),
            cleanCaches(true),
            systemTimeout(TimeUnit.MINUTES.toMillis(2)),
            frameworkProperty("felix.log.level").value("1"),
            // org.osgi.framework.system.packages.extra=sun.misc, as in the distribution's config.properties
            // (Netty and the core's SIGHUP handler use it); Pax Exam adds its own packages to that property
            systemPackage("sun.misc"),
            composite(extra),
        };
    }

    /** A bundle that maven-dependency-plugin copied to {@code target/bundles} (file name without version). */
    static UrlProvisionOption bundleFromTarget(String name, int startLevel) {
        File dir = new File(System.getProperty("itest.bundles", "target/bundles"));
        File jar = new File(dir, name + ".jar");
        if (!jar.isFile()) {
            throw new IllegalStateException(jar + " is missing: the build copies it there in "
                    + "pre-integration-test, so run the tests through Maven (mvn verify)");
        }
        return bundle(jar.toURI().toString()).startLevel(startLevel);
    }

    @After
    public final void withdrawWhatTheTestDefined() throws Exception {
        for (int i = registrations.size() - 1; i >= 0; i--) {
            try {
                registrations.get(i).unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the test itself, or its bundle stopped
            }
        }
        registrations.clear();
        for (int i = configurations.size() - 1; i >= 0; i--) {
            try {
                configurations.get(i).delete();
            } catch (IllegalStateException alreadyDeleted) {
                // deleted by the test itself
            }
        }
        configurations.clear();
        Throwable failure = null;  // every cleanup runs; the first failure is reported
        while (!cleanups.isEmpty()) {
            try {
                cleanups.pop().close();
            } catch (Exception | AssertionError e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        scratch = null;
        log = null;
        trackers.values().forEach(ServiceTracker::close);
        trackers.clear();
        if (failure instanceof Exception) {
            throw (Exception) failure;
        } else if (failure != null) {
            throw (AssertionError) failure;
        }
    }

    /** Runs {@code cleanup} after the test, before what was set up earlier is undone. */
    protected void afterTest(AutoCloseable cleanup) {
        cleanups.push(cleanup);
    }

    // ---- definitions -----------------------------------------------------------------------

    /** A definition of a built-in (or other in-process) handler on 127.0.0.1, ephemeral port. */
    static ServiceDefinition internal(String id, String handler, Protocol protocol) {
        return ServiceDefinition.builder()
                .id(id)
                .name(handler)
                .socketType(protocol.socketType())
                .protocol(protocol)
                .bindAddress("127.0.0.1")
                .port(0)
                .wait(!protocol.isTcp())
                .handler(handler)
                .origin("itest " + id)
                .build();
    }

    /** Registers a definition as an OSGi service, as a config-format bundle would; withdrawn after the test. */
    protected ServiceRegistration<ServiceDefinition> define(ServiceDefinition definition) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ID_PROPERTY, definition.id());
        props.put(NAME_PROPERTY, definition.name());
        ServiceRegistration<ServiceDefinition> registration =
                context.registerService(ServiceDefinition.class, definition, props);
        registrations.add(registration);
        return registration;
    }

    /** Keeps a registration made elsewhere (a handler, say) to withdraw it after the test. */
    protected <T> ServiceRegistration<T> withdrawAfterTest(ServiceRegistration<T> registration) {
        registrations.add(registration);
        return registration;
    }

    /** Creates a factory configuration; deleted after the test. */
    protected Configuration factoryConfiguration(String factoryPid, Hashtable<String, Object> properties)
            throws Exception {
        ConfigurationAdmin configAdmin = service(ConfigurationAdmin.class);
        Configuration configuration = configAdmin.createFactoryConfiguration(factoryPid, "?");
        configurations.add(configuration);
        configuration.update(properties);
        return configuration;
    }

    /** Creates (or replaces) the configuration of a singleton PID; deleted after the test. */
    protected Configuration configuration(String pid, Hashtable<String, Object> properties) throws Exception {
        ConfigurationAdmin configAdmin = service(ConfigurationAdmin.class);
        Configuration configuration = configAdmin.getConfiguration(pid, "?");
        configurations.add(configuration);
        configuration.update(properties);
        return configuration;
    }

    /**
     * Configures the core (PID {@value #CORE_PID}) with {@code key = value} and waits until the core
     * runs with it (applied in place: listeners and connections stay); after the test the
     * configuration is deleted and the core runs on its defaults again.
     */
    protected void configureCore(String key, Object value) throws Exception {
        // the core's service carries its configuration (defaults included) as service properties
        ServiceReference<ServerStatus> before = context.getServiceReference(ServerStatus.class);
        Object previous = before == null ? null : before.getProperty(key);
        ConfigurationAdmin configAdmin = service(ConfigurationAdmin.class);
        Configuration core = configAdmin.getConfiguration(CORE_PID, "?");
        core.update(properties(key, value));
        afterTest(() -> {
            try {
                core.delete();
            } catch (IllegalStateException alreadyDeleted) {
                // deleted by the test itself
            }
            awaitServiceWith(ServerStatus.class, previous == null ? "(!(" + key + "=*))" : "(" + key + "=" + previous + ")");
        });
        awaitServiceWith(ServerStatus.class, "(" + key + "=" + value + ")");
    }

    static Hashtable<String, Object> properties(Object... keysAndValues) {
        Hashtable<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    // ---- inetd.conf ----------------------------------------------------------------------------

    /**
     * A directory for this test's inetd.conf files, services tables and scripts, readable by every
     * user (children may run as nobody); removed after the test, once the children the scripts
     * recorded in {@link Scratch#PIDS} that are still running have been killed.
     */
    protected Scratch scratch() throws IOException {
        if (scratch == null) {
            scratch = Scratch.create();
            afterTest(scratch);
        }
        return scratch;
    }

    /** The server's log lines (SLF4J simple writes them to System.err) from now until the test ends. */
    protected LogCapture log() {
        if (log == null) {
            log = LogCapture.start();
            afterTest(log);
        }
        return log;
    }

    /**
     * Serves {@code conf} through the inetd.conf bundle's configuration (PID {@value #INETD_PID}):
     * names looked up in {@code services}, no change detection ({@code poll_interval_ms = 0}, so
     * only {@link ConfigSource#reload()} re-reads it unless {@code pollMillis} is positive). Waits
     * for its ConfigSource and returns it; the configuration is deleted after the test.
     */
    protected ConfigSource serveInetdConf(Path conf, Path services, long pollMillis) throws Exception {
        inetdConfiguration(properties(
                "file", new String[] {conf.toString()},
                "services", services.toString(),
                "poll_interval_ms", pollMillis));
        return awaitServiceWith(ConfigSource.class, "(" + CONFIG_FILES_PROPERTY + "=" + conf + ")");
    }

    /**
     * Updates the inetd.conf bundle's configuration (PID {@value #INETD_PID}), as an administrator
     * edits it. The one configuration object lives across tests and is updated, never deleted and
     * created again: Declarative Services may take a new configuration of a just-deleted PID for
     * one it has already seen. After the test it names no file again, and the test waits until
     * the bundle serves none.
     */
    protected void inetdConfiguration(Hashtable<String, Object> properties) throws Exception {
        Configuration configuration = service(ConfigurationAdmin.class).getConfiguration(INETD_PID, "?");
        configuration.update(properties);
        afterTest(() -> {
            configuration.update(properties("file", new String[0], "poll_interval_ms", 0L));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!context.getServiceReferences(ConfigSource.class, "(superserver.config.format=inetd)").isEmpty()) {
                if (System.nanoTime() > deadline) {
                    fail("the inetd.conf bundle still serves a file after its configuration names none");
                }
                Thread.sleep(20);
            }
        });
    }

    /** The id the inetd.conf bundle gives the line {@code address:service ... protocol} of {@code conf}. */
    static String inetdId(Path conf, String address, Object service, String protocol) {
        return "inetd:" + conf + ":" + address + ":" + service + "/" + protocol;
    }

    // ---- services and bundles ----------------------------------------------------------------

    /** Waits until a service of {@code type} matching the LDAP {@code filter} is registered; returns it. */
    protected <T> T awaitServiceWith(Class<T> type, String filter) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Collection<ServiceReference<T>> references = context.getServiceReferences(type, filter);
            if (!references.isEmpty()) {
                T service = context.getService(references.iterator().next());
                if (service != null) {
                    return service;
                }
            }
            Thread.sleep(20);
        }
        fail("no " + type.getSimpleName() + " service matching " + filter + " appeared within " + TIMEOUT);
        return null;
    }


    /** The service, waiting for it to appear (trackers stay open until the test ends). */
    protected <T> T service(Class<T> type) throws InterruptedException {
        @SuppressWarnings("unchecked")
        ServiceTracker<T, T> tracker = (ServiceTracker<T, T>) trackers.computeIfAbsent(type, t -> {
            ServiceTracker<T, T> opened = new ServiceTracker<>(context, type, null);
            opened.open();
            return opened;
        });
        T service = tracker.waitForService(TIMEOUT.toMillis());
        assertNotNull(type.getSimpleName() + " did not appear within " + TIMEOUT, service);
        return service;
    }

    protected ServerStatus serverStatus() throws InterruptedException {
        return service(ServerStatus.class);
    }

    protected Bundle installedBundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " is installed");
    }

    // ---- listeners ---------------------------------------------------------------------------

    /** Waits until the listener of {@code id} satisfies {@code condition}; returns it. */
    protected ListenerStatus awaitListener(String id, String what, Predicate<ListenerStatus> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Optional<ListenerStatus> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            ServerStatus status = serverStatus();
            last = status.listener(id);
            if (last.isPresent() && condition.test(last.get())) {
                return last.get();
            }
            Thread.sleep(20);
        }
        fail("listener " + id + " did not become " + what + " within " + TIMEOUT + "; last seen: "
                + last.map(Object::toString).orElse("unknown to the core"));
        return null;
    }

    /** Waits until {@code id} is LISTENING on a real port; returns the bound address. */
    protected InetSocketAddress awaitListening(String id) throws InterruptedException {
        ListenerStatus status = awaitListener(id, "LISTENING on a port",
                l -> l.state() == ListenerState.LISTENING && l.boundAddress() != null
                        && l.boundAddress().getPort() != 0);
        return status.boundAddress();
    }

    /** Waits until {@code id} is in {@code state}. */
    protected ListenerStatus awaitState(String id, ListenerState state) throws InterruptedException {
        return awaitListener(id, state.name(), l -> l.state() == state);
    }

    /** Waits until the core no longer knows {@code id}, or knows it as not listening. */
    protected void awaitNotListening(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ListenerStatus> now = serverStatus().listener(id);
            if (now.isEmpty() || now.get().state() != ListenerState.LISTENING) {
                return;
            }
            Thread.sleep(20);
        }
        fail("listener " + id + " is still LISTENING after " + TIMEOUT);
    }
}
