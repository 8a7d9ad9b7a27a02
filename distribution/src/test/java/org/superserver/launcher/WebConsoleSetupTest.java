package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class WebConsoleSetupTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private Path home;
    private Path data;

    @Before
    public void installation() throws Exception {
        home = folder.newFolder("home").toPath();
        data = folder.newFolder("data").toPath();
        Files.createDirectories(home.resolve("etc"));
        Files.createDirectories(home.resolve("bundle-webconsole"));
        Files.writeString(home.resolve("bundle-webconsole/b.jar"), "");
        Files.writeString(home.resolve("bundle-webconsole/a.jar"), "");
        Files.writeString(home.resolve("bundle-webconsole/README"), "");
    }

    @Test
    public void hashesAsTheWebConsoleDoes() {
        // The Felix Web Console's own hash of its former default password "admin".
        assertEquals("{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=", WebConsoleSetup.hash("admin"));
    }

    @Test
    public void withoutAPasswordOneIsGeneratedOnceIntoAFileOnlyItsOwnerCanRead() throws Exception {
        WebConsoleSetup.Setup first = prepare(null);
        Path file = data.resolve("webconsole.password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String password = Files.readString(file).strip();
        assertTrue(password, password.length() >= 20);
        Map<String, String> p = first.properties();
        assertEquals(WebConsoleSetup.hash(password), p.get("felix.webconsole.password"));
        assertEquals("admin", p.get("felix.webconsole.username"));
        assertEquals("127.0.0.1", p.get("org.apache.felix.http.host"));
        assertEquals("18080", p.get("org.osgi.service.http.port"));
        String prefix = "file:/x/bundle-webconsole/";
        assertEquals("earlier " + prefix + "a.jar " + prefix + "b.jar", p.get("felix.auto.start.3"));
        assertTrue(first.summary(), first.summary().contains("url=http://127.0.0.1:18080/system/console"));
        assertTrue(first.summary(), first.summary().contains("password=" + file));
        assertFalse("the summary never shows the password", first.summary().contains(password));

        WebConsoleSetup.Setup second = prepare(null);
        assertEquals("the same password at the next start", WebConsoleSetup.hash(password),
                second.properties().get("felix.webconsole.password"));
    }

    @Test
    public void theFileSetsHostPortUserAndPasswordAndThePropertyOverridesThePort() throws Exception {
        Files.writeString(home.resolve("etc/webconsole.cfg"), "host = ::1\nport = 19999\nusername = root\n"
                + "password = {sha-256}abc=\n");
        Map<String, String> p = prepare(null).properties();
        assertEquals("::1", p.get("org.apache.felix.http.host"));
        assertEquals("19999", p.get("org.osgi.service.http.port"));
        assertEquals("root", p.get("felix.webconsole.username"));
        assertEquals("a hashed password is passed on as it is", "{sha-256}abc=", p.get("felix.webconsole.password"));
        assertEquals("28080", prepare("28080").properties().get("org.osgi.service.http.port"));
        assertFalse(Files.exists(data.resolve("webconsole.password")));
    }

    @Test
    public void anAddressOtherThanLoopbackIsRefused() throws Exception {
        for (String host : new String[] {"0.0.0.0", "::", "192.168.1.1", "example.org", ""}) {
            if (host.isEmpty()) {
                continue;  // empty means the default, 127.0.0.1
            }
            Files.writeString(home.resolve("etc/webconsole.cfg"), "host = " + host + "\n");
            try {
                prepare(null);
                fail("accepted host " + host);
            } catch (WebConsoleSetup.SetupException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("host = " + host
                        + " is not a loopback address"));
            }
        }
        assertTrue(WebConsoleSetup.isLoopback("127.0.0.2"));
        assertTrue(WebConsoleSetup.isLoopback("localhost"));
    }

    @Test
    public void aBadPortIsRefusedNamingWhereItCameFrom() throws Exception {
        Files.writeString(home.resolve("etc/webconsole.cfg"), "port = 70000\n");
        try {
            prepare(null);
            fail("accepted port 70000");
        } catch (WebConsoleSetup.SetupException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().endsWith("etc/webconsole.cfg: port = 70000 is not a"
                    + " TCP port: give a number from 1 to 65535 (default 18080)"));
        }
    }

    @Test
    public void aPasswordFileThatOthersCanReadOrThatIsASymlinkIsRefused() throws Exception {
        Path file = data.resolve("webconsole.password");
        Files.writeString(file, "pw\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try {
            WebConsoleSetup.readOrCreatePassword(file);
            fail("read a world-readable password file");
        } catch (WebConsoleSetup.SetupException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("(mode 0644)"));
        }
        Files.delete(file);
        Path target = folder.newFile("elsewhere").toPath();
        Files.createSymbolicLink(file, target);
        try {
            WebConsoleSetup.readOrCreatePassword(file);
            fail("followed a symlink");
        } catch (WebConsoleSetup.SetupException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("is not a regular file"));
        }
        assertEquals("nothing written through the link", 0, Files.size(target));
    }

    @Test
    public void anInstallationWithoutTheConsoleBundlesSaysSo() throws Exception {
        for (String name : new String[] {"a.jar", "b.jar"}) {
            Files.delete(home.resolve("bundle-webconsole").resolve(name));
        }
        try {
            prepare(null);
            fail("started without bundles");
        } catch (WebConsoleSetup.SetupException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("holds no bundles"));
        }
    }

    private WebConsoleSetup.Setup prepare(String portProperty) throws Exception {
        return WebConsoleSetup.prepare(home, "file:/x", data, "earlier",
                name -> WebConsoleSetup.PORT_PROPERTY.equals(name) ? portProperty : null);
    }
}
