package org.superserver.examples.denyfile;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.access.Decision;

/** The component as Declarative Services runs it: activated with a configuration, modified, deactivated. */
public class DenyFileComponentTest {

    private DenyFileComponent component;
    private Path file;

    @After
    public void stop() throws Exception {
        if (component != null) {
            component.deactivate();
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    /** A configuration naming {@code file} (null: none), with the default poll interval. */
    private static DenyFileConfig config(String file) {
        return (DenyFileConfig) Proxy.newProxyInstance(DenyFileConfig.class.getClassLoader(),
                new Class<?>[] {DenyFileConfig.class},
                (proxy, method, args) -> method.getName().equals("file") ? file : method.getDefaultValue());
    }

    private Decision decision(String client) throws Exception {
        ConnectionInfo connection = new ConnectionInfo("test", "echo", Protocol.TCP,
                new InetSocketAddress("127.0.0.1", 7), new InetSocketAddress(client, 40000), Instant.now());
        return component.check(connection, null).toCompletableFuture().getNow(null);
    }

    @Test
    public void aConfigurationNamingAFileDecidesFromIt() throws Exception {
        file = Files.createTempFile("denyfile-component", ".txt");
        Files.writeString(file, "127.0.0.2\n");
        component = new DenyFileComponent(config(file.toString()), Map.of());
        assertFalse(decision("127.0.0.2").isAllowed());
        assertTrue(decision("127.0.0.3").isAllowed());
        assertEquals(List.of(), component.check());
    }

    @Test
    public void aConfigurationWithoutAFileDeniesEveryoneAndSaysWhy() throws Exception {
        component = new DenyFileComponent(config(null), Map.of("felix.fileinstall.filename", "deploy/x.cfg"));
        Decision denied = decision("127.0.0.3");
        assertFalse(denied.isAllowed());
        assertEquals(DenyFileComponent.UNCONFIGURED, denied.reason());
        assertEquals("org.superserver.examples.denyfile: error: file: " + DenyFileComponent.UNCONFIGURED,
                component.check().get(0).toString());
    }

    @Test
    public void aModifiedConfigurationTakesTheNewFileAtOnce() throws Exception {
        file = Files.createTempFile("denyfile-component", ".txt");
        Files.writeString(file, "127.0.0.2\n");
        component = new DenyFileComponent(config(null), Map.of());
        assertFalse(decision("127.0.0.3").isAllowed());
        component.modified(config(file.toString()), Map.of());
        assertTrue(decision("127.0.0.3").isAllowed());
        assertFalse(decision("127.0.0.2").isAllowed());
    }
}
