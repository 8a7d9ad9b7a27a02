package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.superserver.itests.Clients.assertEchoService;
import static org.superserver.itests.Clients.freePort;

import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.superserver.api.ConfigFormat;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;

/**
 * The config formats as OSGi services (what inetd:convert uses), and a converted inetd.conf, loaded
 * into Configuration Admin as FileInstall would load the .cfg files, serving the same services over
 * loopback.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConvertIT extends ItestSupport {

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    private ConfigFormat format(String name) throws Exception {
        return awaitServiceWith(ConfigFormat.class, "(" + ConfigFormat.NAME_PROPERTY + "=" + name + ")");
    }

    @Test
    public void eachConfigFormatBundleRegistersItsFormatByName() throws Exception {
        for (String name : List.of("inetd", "xinetd", "cfg")) {
            ConfigFormat f = format(name);
            assertNotNull(name, f);
            assertEquals(name, f.name());
        }
        assertTrue(format("cfg").canWrite());
        assertTrue(format("xinetd").canWrite());
    }

    @Test
    public void anInetdConfConvertedToCfgFilesServesTheSameServices() throws Exception {
        int echoPort = freePort();
        int catPort = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + echoPort + " stream tcp nowait " + USER + " internal echo\n"
                + "127.0.0.1:" + catPort + " stream tcp nowait " + USER + " /bin/cat cat\n");
        List<Diagnostic> problems = new ArrayList<>();
        List<ServiceDefinition> inetd = format("inetd").read(conf, problems::add);
        assertEquals(problems.toString(), 2, inetd.size());
        Map<String, String> files = format("cfg").write(inetd, problems::add);
        assertEquals(problems.toString(), List.of(), problems);
        assertEquals(2, files.size());

        List<String> ids = new ArrayList<>();
        for (String text : files.values()) {
            Properties p = new Properties();
            p.load(new StringReader(text));
            Hashtable<String, Object> properties = new Hashtable<>();
            p.forEach((k, v) -> properties.put((String) k, v));
            ids.add("cm:" + factoryConfiguration("org.superserver.service", properties).getPid());
        }
        InetSocketAddress echo = awaitListening(ids.get(0));
        InetSocketAddress cat = awaitListening(ids.get(1));
        assertEquals(echoPort, echo.getPort());
        assertEquals(catPort, cat.getPort());
        assertEchoService(echo, "converted built-in\n");
        assertEchoService(cat, "converted program\n");
    }
}
