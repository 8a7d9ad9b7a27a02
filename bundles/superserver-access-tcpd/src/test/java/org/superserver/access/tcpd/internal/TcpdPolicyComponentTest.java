package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.PolicyInspector;

/** Where the component takes its files from, and that it answers as the {@code tcpd} policy. */
public class TcpdPolicyComponentTest {

    @org.junit.Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final Map<String, String> frameworkProperties = new HashMap<>();

    private final BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                if (method.getName().equals("getProperty")) {
                    return frameworkProperties.get((String) args[0]);
                }
                throw new UnsupportedOperationException(method.getName());
            });

    /** A typed configuration as DS builds it: the given values, the rest at their defaults. */
    private static TcpdConfig config(Map<String, Object> values) {
        return (TcpdConfig) Proxy.newProxyInstance(TcpdConfig.class.getClassLoader(), new Class<?>[] {TcpdConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return TcpdConfig.class;
                    }
                    String key = method.getName().replace("__", "_");
                    return values.containsKey(key) ? values.get(key) : method.getDefaultValue();
                });
    }

    @Test
    public void filesComeFromConfigurationThenFrameworkPropertiesThenEtc() {
        TcpdPolicyComponent.Settings s = new TcpdPolicyComponent.Settings(config(Map.of()), frameworkProperties::get);
        assertEquals(Path.of("/etc/hosts.allow"), s.allow);
        assertEquals(Path.of("/etc/hosts.deny"), s.deny);
        assertEquals(5000, s.lookupTimeoutMillis);
        assertEquals(30_000, s.cacheMillis);
        assertFalse(s.ident);
        assertEquals(1000, s.pollMillis);
        frameworkProperties.put("superserver.hosts.allow", "/srv/allow");
        frameworkProperties.put("superserver.hosts.deny", "/srv/deny");
        s = new TcpdPolicyComponent.Settings(config(Map.of()), frameworkProperties::get);
        assertEquals(Path.of("/srv/allow"), s.allow);
        assertEquals(Path.of("/srv/deny"), s.deny);
        s = new TcpdPolicyComponent.Settings(config(Map.of("allow_file", "/cm/allow", "ident", true,
                "poll_interval_ms", 5L, "cache_seconds", 0L)), frameworkProperties::get);
        assertEquals(Path.of("/cm/allow"), s.allow);
        assertEquals(Path.of("/srv/deny"), s.deny);
        assertTrue(s.ident);
        assertEquals(TcpdPolicyComponent.MIN_POLL_MS, s.pollMillis);
        assertEquals(0, s.cacheMillis);
    }

    @Test
    public void theComponentDecidesWithTheFilesItWasGiven() throws Exception {
        Hosts hosts = new Hosts(tmp.getRoot().toPath());
        hosts.files("echo: 127.0.0.3\n", "echo: ALL\n");
        frameworkProperties.put("superserver.hosts.allow", hosts.allow.toString());
        frameworkProperties.put("superserver.hosts.deny", hosts.deny.toString());
        TcpdPolicyComponent c = new TcpdPolicyComponent(context, config(Map.of("poll_interval_ms", 0L)));
        try {
            ServiceDefinition echo = ServiceDefinition.builder().name("echo").socketType(SocketType.STREAM)
                    .protocol(Protocol.TCP).port(7).handler("echo").policies(List.of("tcpd")).build();
            assertTrue(c.check(info("127.0.0.3"), echo).toCompletableFuture().get(5, TimeUnit.SECONDS).isAllowed());
            assertFalse(c.check(info("127.0.0.2"), echo).toCompletableFuture().get(5, TimeUnit.SECONDS).isAllowed());
            hosts.files("", "");
            c.modified(config(Map.of("poll_interval_ms", 0L)));
            assertTrue(c.check(info("127.0.0.2"), echo).toCompletableFuture().get(5, TimeUnit.SECONDS).isAllowed());
        } finally {
            c.deactivate();
        }
    }

    @Test
    public void aConfigurationChangeMakesTheViewsInUseBeforeTheNewPolicyTakesOver() throws Exception {
        Hosts hosts = new Hosts(tmp.getRoot().toPath());
        hosts.files("", "echo: 127.0.0.2\n");
        frameworkProperties.put("superserver.hosts.allow", hosts.allow.toString());
        frameworkProperties.put("superserver.hosts.deny", hosts.deny.toString());
        TcpdPolicyComponent c = new TcpdPolicyComponent(context, config(Map.of("poll_interval_ms", 0L)));
        try {
            ServiceDefinition echo = ServiceDefinition.builder().name("echo").socketType(SocketType.STREAM)
                    .protocol(Protocol.TCP).port(7).handler("echo").policies(List.of("tcpd")).build();
            assertFalse(c.check(info("127.0.0.2"), echo).toCompletableFuture().get(5, TimeUnit.SECONDS).isAllowed());
            TcpdPolicy before = c.policy();
            assertTrue(before.rules().deny.index.hasView("echo", 7));
            c.modified(config(Map.of("poll_interval_ms", 0L, "lookup_timeout_ms", 1000L)));
            assertTrue(c.policy() != before);
            assertTrue(c.policy().rules().deny.index.hasView("echo", 7));
        } finally {
            c.deactivate();
        }
    }

    @Test
    public void theComponentIsAlsoTheInspectorOfItsFiles() throws Exception {
        Hosts hosts = new Hosts(tmp.getRoot().toPath());
        hosts.files("echo: 127.0.0.3\n", "echo: ALL\nbad line\n");
        frameworkProperties.put("superserver.hosts.allow", hosts.allow.toString());
        frameworkProperties.put("superserver.hosts.deny", hosts.deny.toString());
        TcpdPolicyComponent c = new TcpdPolicyComponent(context, config(Map.of("poll_interval_ms", 0L)));
        try {
            PolicyInspector inspector = c;
            PolicyInspector.Explanation e = inspector.explain("echo", "127.0.0.2");
            assertFalse(e.allowed());
            assertEquals(hosts.deny + ":1", e.rule());
            assertEquals("access:   denied", e.report().get(e.report().size() - 1));
            assertTrue(inspector.explain("echo", "127.0.0.3").allowed());
            assertEquals(1, inspector.check().size());
            assertEquals(2, inspector.check().get(0).line());
        } finally {
            c.deactivate();
        }
    }

    private static ConnectionInfo info(String client) {
        return new ConnectionInfo("echo", "echo", Protocol.TCP, Hosts.endpoint("127.0.0.1", 7),
                Hosts.endpoint(client, 40000), Instant.now());
    }

}
