package org.superserver.config.inetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.superserver.api.ConfigSource;
import org.superserver.api.ServiceDefinition;

/** The component's settings and registrations, observed through a recording {@link BundleContext}. */
public class InetdConfigComponentTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final Map<String, String> frameworkProperties = new HashMap<>();
    /** Live registrations: service object to its properties. */
    private final Map<Object, Dictionary<String, ?>> live = new LinkedHashMap<>();
    private final List<String> events = new ArrayList<>();
    private InetdConfigComponent component;
    private Path conf;
    private Path services;

    private final BundleContext context = (BundleContext) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getProperty":
                        return frameworkProperties.get((String) args[0]);
                    case "registerService":
                        Object service = args[1];
                        @SuppressWarnings("unchecked")
                        Dictionary<String, ?> props = (Dictionary<String, ?>) args[2];
                        synchronized (live) {
                            live.put(service, props);
                            events.add("+" + label(service));
                        }
                        boolean[] gone = {false};
                        return Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                    if (!"unregister".equals(m.getName())) {
                                        throw new UnsupportedOperationException(m.getName());
                                    }
                                    if (gone[0]) {
                                        throw new IllegalStateException("already unregistered");
                                    }
                                    gone[0] = true;
                                    synchronized (live) {
                                        live.remove(service);
                                        events.add("-" + label(service));
                                    }
                                    return null;
                                });
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });

    private static String label(Object service) {
        return service instanceof ServiceDefinition ? ((ServiceDefinition) service).name() : "source";
    }

    /** A typed configuration as DS would build it: the given values, the rest at their defaults. */
    private static InetdConfig config(Map<String, Object> values) {
        Map<String, Object> all = new HashMap<>();
        all.put("file", new String[0]);
        all.put("services", "");
        all.put("wrap__all", false);
        all.put("poll__interval__ms", 0L);
        all.putAll(values);
        return (InetdConfig) Proxy.newProxyInstance(InetdConfig.class.getClassLoader(),
                new Class<?>[] {InetdConfig.class}, (p, m, a) -> all.get(m.getName()));
    }

    @Before
    public void setUp() throws IOException {
        conf = tmp.getRoot().toPath().resolve("inetd.conf");
        services = tmp.getRoot().toPath().resolve("services");
        Files.copy(Path.of("src/test/resources/services"), services);
        frameworkProperties.put("superserver.services", services.toString());
    }

    @After
    public void tearDown() {
        if (component != null) {
            component.deactivate();
        }
    }

    private static void write(Path file, String... lines) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(next, String.join("\n", lines) + "\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private List<ServiceDefinition> definitions() {
        synchronized (live) {
            List<ServiceDefinition> out = new ArrayList<>();
            live.keySet().stream().filter(s -> s instanceof ServiceDefinition)
                    .forEach(s -> out.add((ServiceDefinition) s));
            return out;
        }
    }

    private ConfigSource configSource() {
        synchronized (live) {
            return live.keySet().stream().filter(s -> s instanceof ConfigSource).map(s -> (ConfigSource) s)
                    .findFirst().orElseThrow();
        }
    }

    // ---- settings ----

    @Test
    public void theFrameworkPropertyNamesTheFilesWhenNoConfigurationDoes() {
        frameworkProperties.put("superserver.inetd", "/a/inetd.conf, /b/x.conf:/c/y.conf");
        InetdConfigComponent.Settings s = InetdConfigComponent.Settings.of(config(Map.of()), frameworkProperties::get);
        assertEquals(List.of(Path.of("/a/inetd.conf"), Path.of("/b/x.conf"), Path.of("/c/y.conf")), s.files);
        assertEquals(services, s.services);
    }

    @Test
    public void theConfigurationWinsOverTheFrameworkProperty() {
        frameworkProperties.put("superserver.inetd", "/a/inetd.conf");
        InetdConfigComponent.Settings s = InetdConfigComponent.Settings.of(config(Map.of(
                "file", new String[] {"/etc/inetd.conf", "/etc/more.conf,/etc/third.conf"},
                "services", "/srv/services", "wrap__all", true, "poll__interval__ms", 5L)), frameworkProperties::get);
        assertEquals(List.of(Path.of("/etc/inetd.conf"), Path.of("/etc/more.conf"), Path.of("/etc/third.conf")),
                s.files);
        assertEquals(Path.of("/srv/services"), s.services);
        assertTrue(s.wrapAll);
        assertEquals(InetdConfigComponent.MIN_POLL_MS, s.pollMillis);
    }

    @Test
    public void theWrapAllFrameworkPropertyWrapsEveryLineAsWrapAllDoes() {
        assertFalse(InetdConfigComponent.Settings.of(config(Map.of()), name -> null).wrapAll);
        frameworkProperties.put("superserver.inetd.wrap_all", "true");
        assertTrue(InetdConfigComponent.Settings.of(config(Map.of()), frameworkProperties::get).wrapAll);
        frameworkProperties.put("superserver.inetd.wrap_all", "false");
        assertFalse(InetdConfigComponent.Settings.of(config(Map.of()), frameworkProperties::get).wrapAll);
    }

    @Test
    public void theServicesTableDefaultsToEtcServices() {
        InetdConfigComponent.Settings s = InetdConfigComponent.Settings.of(config(Map.of()), name -> null);
        assertEquals(Path.of("/etc/services"), s.services);
        assertEquals(List.of(), s.files);
    }

    // ---- registrations ----

    @Test
    public void publishesEachDefinitionAndAConfigSourceAndWithdrawsThemOnDeactivate() throws IOException {
        write(conf, "echo stream tcp nowait root internal", "daytime stream tcp nowait root internal");
        frameworkProperties.put("superserver.inetd", conf.toString());
        component = new InetdConfigComponent(context, config(Map.of()));

        assertEquals(2, definitions().size());
        Dictionary<String, ?> props = live.get(definitions().get(0));
        assertEquals("inetd:" + conf + ":*:echo/tcp", props.get("superserver.service.id"));
        assertEquals("echo", props.get("superserver.service.name"));
        assertEquals(conf + ":1", props.get("superserver.origin"));
        ConfigSource source = configSource();
        assertEquals("inetd.conf " + conf, source.description());
        assertEquals("inetd", live.get(source).get("superserver.config.format"));

        component.deactivate();
        component = null;
        assertEquals(Map.of(), live);
    }

    @Test
    public void configSourceReloadAppliesTheDifference() throws IOException {
        write(conf, "echo stream tcp nowait root internal", "daytime stream tcp nowait root internal");
        component = new InetdConfigComponent(context, config(Map.of("file", new String[] {conf.toString()})));
        events.clear();
        write(conf, "echo stream tcp nowait root internal", "time stream tcp nowait root internal");
        configSource().reload();
        assertEquals(List.of("-daytime", "+time"), events);
    }

    @Test
    public void aNewConfigurationForTheSameFilesKeepsTheRegistrations() throws IOException {
        write(conf, "echo stream tcp nowait root internal");
        component = new InetdConfigComponent(context, config(Map.of("file", new String[] {conf.toString()})));
        events.clear();
        component.modified(config(Map.of("file", new String[] {conf.toString()}, "poll__interval__ms", 60000L)));
        // the ConfigSource is replaced (its settings changed); the definition stays registered
        assertEquals(List.of("-source", "+source"), events);
        component.modified(config(Map.of("file", new String[] {conf.toString()}, "wrap__all", true)));
        assertEquals(List.of("tcpd"), definitions().get(0).policies());
    }

    @Test
    public void withoutAnyFileNothingIsPublished() {
        component = new InetdConfigComponent(context, config(Map.of()));
        assertEquals(Map.of(), live);
    }

    @Test
    public void aChangeOnDiskIsPickedUpByThePoll() throws IOException, InterruptedException {
        write(conf, "echo stream tcp nowait root internal");
        component = new InetdConfigComponent(context, config(Map.of(
                "file", new String[] {conf.toString()}, "poll__interval__ms", 100L)));
        write(conf, "echo stream tcp nowait root internal", "daytime stream tcp nowait root internal");
        long deadline = System.currentTimeMillis() + 5000;
        while (definitions().size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(2, definitions().size());
    }

    @Test(timeout = 20_000)
    public void aFifoAsTheInetdFileDoesNotBlockActivationAndTheOtherFilesServe() throws Exception {
        Path fifo = tmp.getRoot().toPath().resolve("inetd.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        Path directory = tmp.newFolder("inetd.d").toPath();
        write(conf, "echo stream tcp nowait root internal");
        frameworkProperties.put("superserver.inetd", fifo + "," + directory + "," + conf);

        component = new InetdConfigComponent(context, config(Map.of()));

        assertEquals(1, definitions().size());
        assertEquals("echo", definitions().get(0).name());
        configSource().reload();
        assertEquals(1, definitions().size());
    }
}
