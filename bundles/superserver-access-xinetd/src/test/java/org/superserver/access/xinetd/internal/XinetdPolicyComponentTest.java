package org.superserver.access.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

public class XinetdPolicyComponentTest {

    /** The configuration with every property at its default, as DS gives it without a configuration. */
    static XinetdConfig defaults() {
        return (XinetdConfig) Proxy.newProxyInstance(XinetdConfig.class.getClassLoader(),
                new Class<?>[] {XinetdConfig.class}, (proxy, method, args) -> method.getDefaultValue());
    }

    /** DS's mapping of a method name to a property name: {@code a__b} is {@code a_b}. */
    private static String property(Method m) {
        return m.getName().replace("__", "_");
    }

    @Test
    public void theSampleConfigurationListsEveryPropertyWithItsDefault() throws Exception {
        Properties sample = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/config/org.superserver.access.xinetd.cfg"))) {
            sample.load(r);
        }
        TreeMap<String, String> expected = new TreeMap<>();
        for (Method m : XinetdConfig.class.getDeclaredMethods()) {
            expected.put(property(m), String.valueOf(m.getDefaultValue()));
        }
        TreeMap<String, String> documented = new TreeMap<>();
        sample.forEach((k, v) -> documented.put((String) k, ((String) v).trim()));
        assertEquals(expected, documented);
    }

    @Test
    public void theComponentDecidesWithItsDefaults() throws Exception {
        XinetdPolicyComponent c = new XinetdPolicyComponent(defaults());
        try {
            ServiceDefinition d = ServiceDefinition.builder().name("echo").socketType(SocketType.STREAM)
                    .protocol(Protocol.TCP).port(7).handler("echo").policies(List.of("xinetd"))
                    .attribute("only_from", List.of("127.0.0.1")).build();
            assertTrue(c.check(from("127.0.0.1"), d).toCompletableFuture().get(10, TimeUnit.SECONDS).isAllowed());
            assertFalse(c.check(from("127.0.0.2"), d).toCompletableFuture().get(10, TimeUnit.SECONDS).isAllowed());
            c.modified(defaults());
            assertTrue(c.check(from("127.0.0.1"), d).toCompletableFuture().get(10, TimeUnit.SECONDS).isAllowed());
        } finally {
            c.deactivate();
        }
    }

    private static ConnectionInfo from(String client) {
        return new ConnectionInfo("echo/tcp", "echo", Protocol.TCP, new InetSocketAddress("127.0.0.1", 7),
                new InetSocketAddress(client, 40_000), Instant.now());
    }
}
