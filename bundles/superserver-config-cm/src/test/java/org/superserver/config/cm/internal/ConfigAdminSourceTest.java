package org.superserver.config.cm.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.superserver.api.Diagnostic;

/**
 * The {@link ConfigSource} of the factory PID over a Configuration Admin that holds configurations
 * in memory: which ids it publishes, what {@code check()} lists, and what {@code setDisabled}
 * writes or refuses.
 */
public class ConfigAdminSourceTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** The stored configurations by PID, and each update made through the source. */
    private final Map<String, Hashtable<String, Object>> stored = new HashMap<>();
    private final List<String> updates = new ArrayList<>();
    private final Map<String, String> frameworkProperties = new HashMap<>();

    private final BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                if ("getProperty".equals(method.getName())) {
                    return frameworkProperties.get((String) args[0]);
                }
                throw new UnsupportedOperationException(method.getName());
            });

    private Configuration configuration(String pid) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getPid":
                            return pid;
                        case "getProperties":
                            return stored.containsKey(pid) ? new Hashtable<>(stored.get(pid)) : null;
                        case "update":
                            @SuppressWarnings("unchecked")
                            Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                            Hashtable<String, Object> copy = new Hashtable<>();
                            for (String key : java.util.Collections.list(d.keys())) {
                                copy.put(key, d.get(key));
                            }
                            stored.put(pid, copy);
                            updates.add(pid + " disable=" + copy.get("disable"));
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private final ConfigurationAdmin configAdmin = (ConfigurationAdmin) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                if ("listConfigurations".equals(method.getName())) {
                    assertEquals("(service.factoryPid=org.superserver.service)", args[0]);
                    return stored.isEmpty() ? null
                            : stored.keySet().stream().map(this::configuration).toArray(Configuration[]::new);
                }
                throw new UnsupportedOperationException(method.getName());
            });

    private final ConfigAdminSource source = new ConfigAdminSource(context, configAdmin, new ConfiguredServices());

    private void store(String pid, Object... keysAndValues) {
        Hashtable<String, Object> p = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        p.put("service.pid", pid);
        p.put("service.factoryPid", ServiceConfigMapper.FACTORY_PID);
        stored.put(pid, p);
    }

    @Test
    public void publishesTheIdOfEveryConfigurationOfTheFactoryPidDisabledOrNot() {
        store("org.superserver.service.a", "service", "echo", "type", "INTERNAL", "port", "10007");
        store("org.superserver.service.b", "service", "echo", "type", "INTERNAL", "port", "10008", "disable", "yes");
        assertTrue(source.publishes("cm:org.superserver.service.a"));
        assertTrue(source.publishes("cm:org.superserver.service.b"));
        assertFalse(source.publishes("cm:org.superserver.service.c"));
        assertFalse(source.publishes("inetd:/etc/inetd.conf:echo/tcp"));
        assertEquals("Configuration Admin factory PID org.superserver.service", source.description());
    }

    @Test
    public void checkListsEveryConfigurationThatDoesNotMapWithPidPropertyAndTheLineOfItsFile() throws Exception {
        Path file = tmp.newFile("org.superserver.service-bad.cfg").toPath();
        Files.writeString(file, "service = bad\nport = 10079\nserver = /bin/cat\ncps = 10\n");
        store("org.superserver.service~bad", "service", "bad", "port", "10079", "server", "/bin/cat", "cps", "10",
                "felix.fileinstall.filename", file.toUri().toString());
        store("org.superserver.service.x", "service", "x", "type", "INTERNAL", "port", "99999");
        store("org.superserver.service.old", "service", "my-echo", "type", "INTERNAL", "id", "echo", "port", "1");
        store("org.superserver.service.good", "service", "echo", "type", "INTERNAL", "port", "7");
        List<Diagnostic> problems = source.check();
        assertEquals(problems.toString(), 3, problems.size()); // by PID: .old, .x, ~bad

        Diagnostic cps = problems.get(2);
        assertTrue(cps.isError());
        assertEquals(file.toString(), cps.file());
        assertEquals(4, cps.line());
        assertEquals("cps", cps.field());
        assertTrue(cps.message(), cps.message().contains("(pid org.superserver.service~bad)"));

        Diagnostic old = problems.get(0);
        assertFalse(old.isError());
        assertEquals("id", old.field());
        assertTrue(old.message(), old.message().contains("org.superserver.service.old"));

        Diagnostic port = problems.get(1);
        assertTrue(port.isError());
        assertEquals("Configuration Admin org.superserver.service.x", port.file());
        assertEquals(0, port.line());
        assertEquals("port", port.field());
        assertTrue(port.message(), port.message().contains("nothing is registered"));
    }

    @Test
    public void setDisabledWritesDisableIntoTheConfigurationAndSaysWhatItDid() {
        store("org.superserver.service.a", "service", "echo", "type", "INTERNAL", "port", "10007");
        String said = source.setDisabled("cm:org.superserver.service.a", true);
        assertEquals(List.of("org.superserver.service.a disable=yes"), updates);
        assertTrue(said, said.startsWith("disabled cm:org.superserver.service.a: configuration "
                + "org.superserver.service.a now has disable = yes"));
        said = source.setDisabled("cm:org.superserver.service.a", true);
        assertTrue(said, said.contains("already disabled"));
        assertEquals(1, updates.size());
        said = source.setDisabled("cm:org.superserver.service.a", false);
        assertTrue(said, said.startsWith("enabled cm:org.superserver.service.a"));
        assertEquals("no", stored.get("org.superserver.service.a").get("disable"));
    }

    @Test
    public void enablingAnInvalidConfigurationSaysThatNothingIsServed() {
        store("org.superserver.service.a", "service", "echo", "type", "INTERNAL", "port", "x", "disable", "yes");
        String said = source.setDisabled("cm:org.superserver.service.a", false);
        assertTrue(said, said.contains("nothing is served: property port"));
    }

    @Test
    public void aServiceOfAFileThatFileInstallDoesNotWriteBackIsRefusedNamingTheFile() throws Exception {
        Path file = tmp.newFile("org.superserver.service-echo.cfg").toPath();
        store("org.superserver.service~echo", "service", "echo", "type", "INTERNAL", "port", "7",
                "felix.fileinstall.filename", file.toUri().toString());
        frameworkProperties.put("felix.fileinstall.enableConfigSave", "false");
        try {
            source.setDisabled("cm:org.superserver.service-echo", true);
            fail("the file decides");
        } catch (UnsupportedOperationException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains(file.toString()));
            assertTrue(expected.getMessage(), expected.getMessage().contains("disable = yes"));
        }
        assertEquals(List.of(), updates);

        frameworkProperties.remove("felix.fileinstall.enableConfigSave"); // FileInstall's default: it writes back
        String said = source.setDisabled("cm:org.superserver.service-echo", true);
        assertTrue(said, said.contains("FileInstall writes it to " + file));
    }

    @Test
    public void aServiceNameTurnsOnEveryConfigurationOfThatServiceAndNoOther() {
        store("org.superserver.service.a", "service", "echo", "type", "INTERNAL", "port", "10007",
                "socket_type", "stream", "protocol", "tcp");
        store("org.superserver.service.b", "service", "echo", "type", "INTERNAL", "port", "10007",
                "socket_type", "dgram", "protocol", "udp", "disable", "yes");
        store("org.superserver.service.c", "service", "daytime", "type", "INTERNAL", "port", "10013", "disable", "yes");
        String said = source.setDisabled("echo", false);
        assertEquals(List.of("org.superserver.service.b disable=no"), updates);
        assertTrue(said, said.contains("cm:org.superserver.service.a is already enabled"));
        assertTrue(said, said.contains("enabled cm:org.superserver.service.b: configuration org.superserver.service.b"
                + " now has disable = no"));
        assertEquals("yes", stored.get("org.superserver.service.c").get("disable"));

        said = source.setDisabled("daytime", false);
        assertTrue(said, said.startsWith("enabled cm:org.superserver.service.c"));
        try {
            source.setDisabled("telnet", false);
            fail("no configuration of that name");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("telnet"));
        }
    }

    @Test
    public void anIdThatNoConfigurationDefinesIsRefused() {
        store("org.superserver.service.a", "service", "echo", "type", "INTERNAL", "port", "10007");
        try {
            source.setDisabled("cm:org.superserver.service.zzz", true);
            fail("unknown id");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("cm:org.superserver.service.a"));
        }
    }
}
