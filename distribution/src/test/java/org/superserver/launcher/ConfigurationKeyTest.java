package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The fingerprint of the configuration files a start is given, which decides whether a record's sockets are bound early. */
public class ConfigurationKeyTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final Map<String, String> properties = new HashMap<>();

    private String key() {
        return ConfigurationKey.of(properties::get);
    }

    @Test
    public void theSameFilesGiveTheSameKeyAndAnEditOrOtherFilesAnother() throws Exception {
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:7007 stream tcp nowait root internal echo\n");
        Path deploy = folder.newFolder("deploy").toPath();
        properties.put("superserver.inetd", conf.toString());
        properties.put("superserver.fileinstall.dirs", deploy.toString());
        String first = key();
        assertEquals(16, first.length());
        assertEquals("nothing changed", first, key());

        Files.writeString(conf, "127.0.0.1:7008 stream tcp nowait root internal echo\n");
        Files.setLastModifiedTime(conf, FileTime.from(Instant.now().plusSeconds(5)));
        String edited = key();
        assertNotEquals("an edited inetd.conf", first, edited);

        Files.writeString(deploy.resolve("org.superserver.service-x.cfg"), "port=7009\n");
        String deployed = key();
        assertNotEquals("a file dropped into a FileInstall directory", edited, deployed);

        properties.put("superserver.inetd", folder.newFile("other.conf").toString());
        assertNotEquals("another inetd.conf", deployed, key());
    }

    @Test
    public void theHashIsFnv1a64() {
        assertEquals(0xcbf29ce484222325L, ConfigurationKey.fnv1a(new byte[0]));
        assertEquals(0xaf63dc4c8601ec8cL, ConfigurationKey.fnv1a("a".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    public void anXinetdConfsIncludedDirectoryCounts() throws Exception {
        Path dir = folder.newFolder("xinetd.d").toPath();
        Path conf = folder.newFile("xinetd.conf").toPath();
        Files.writeString(conf, "defaults\n{\n}\n  includedir " + dir + "\n");
        properties.put("superserver.xinetd", conf.toString());
        String before = key();
        Files.writeString(dir.resolve("echo"), "service echo\n{\n}\n");
        assertNotEquals("a service file added to the includedir", before, key());
    }
}
