package org.superserver.itests;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.inject.Inject;
import org.junit.After;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.UrlProvisionOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
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
 * <p>Start levels order the framework the way the distribution does: SPI Fly (with ASM) and then
 * SLF4J at level 1, so that slf4j-simple is registered as the SLF4J provider before any bundle asks
 * for a logger (Pax Exam's own helper bundles log, and Pax Exam starts them at level 2); the OSGi
 * services (SCR, ConfigAdmin, Metatype) at 2; Netty at 3; the Superserver bundles at 4; the test
 * probe last (Pax Exam puts it at level 5, which is also the framework's start level).
 *
 * <p>Felix keeps its default implicit boot delegation, as in the distribution (Netty's JFR events
 * need it); so no SLF4J provider may be on the test JVM's class path (see the pom).
 */
public abstract class ItestSupport {

    /** Start level of SPI Fly, ASM and SLF4J: before Pax Exam's helper bundles (level 2). */
    static final int LEVEL_LOGGING = 1;
    static final int LEVEL_OSGI_SERVICES = 2;
    static final int LEVEL_NETTY = 3;
    static final int LEVEL_SUPERSERVER = 4;

    /** The Superserver bundles, by symbolic name (= artifactId). */
    static final String API = "superserver-api";
    static final String CORE = "superserver-core";
    static final String BUILTIN = "superserver-builtin";
    static final String CONFIG_CM = "superserver-config-cm";

    /** Service properties a test puts on the definitions it registers (as config bundles do). */
    static final String ID_PROPERTY = "superserver.service.id";
    static final String NAME_PROPERTY = "superserver.service.name";

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    protected BundleContext context;

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Configuration> configurations = new ArrayList<>();
    private final Map<Class<?>, ServiceTracker<?, ?>> trackers = new HashMap<>();

    /** The framework every test class runs in; a class adds its own options with {@code extra}. */
    public static Option[] frameworkOptions(Option... extra) {
        return new Option[] {
            // Inside one start level bundles start in install order: SPI Fly before slf4j.
            bundleFromTarget("org.apache.aries.spifly.dynamic.bundle", LEVEL_LOGGING),
            bundleFromTarget("asm", LEVEL_LOGGING),
            bundleFromTarget("asm-commons", LEVEL_LOGGING),
            bundleFromTarget("asm-tree", LEVEL_LOGGING),
            bundleFromTarget("asm-analysis", LEVEL_LOGGING),
            bundleFromTarget("asm-util", LEVEL_LOGGING),
            bundleFromTarget("slf4j-simple", LEVEL_LOGGING),
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
            bundleFromTarget("netty-transport-classes-epoll", LEVEL_NETTY),
            bundleFromTarget("netty-transport-native-epoll-linux-x86_64", LEVEL_NETTY).noStart(),
            bundleFromTarget("netty-codec-base", LEVEL_NETTY),
            bundleFromTarget("netty-handler", LEVEL_NETTY),

            bundleFromTarget(API, LEVEL_SUPERSERVER),
            bundleFromTarget(CORE, LEVEL_SUPERSERVER),
            bundleFromTarget(BUILTIN, LEVEL_SUPERSERVER),
            bundleFromTarget(CONFIG_CM, LEVEL_SUPERSERVER),

            junitBundles(),
            cleanCaches(true),
            systemTimeout(TimeUnit.MINUTES.toMillis(2)),
            frameworkProperty("felix.log.level").value("1"),
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
        for (Configuration configuration : configurations) {
            try {
                configuration.delete();
            } catch (IllegalStateException alreadyDeleted) {
                // deleted by the test itself
            }
        }
        configurations.clear();
        trackers.values().forEach(ServiceTracker::close);
        trackers.clear();
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

    // ---- services and bundles ----------------------------------------------------------------

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
