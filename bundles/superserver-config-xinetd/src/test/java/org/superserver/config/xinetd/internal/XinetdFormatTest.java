package org.superserver.config.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ConfigFormat;
import org.superserver.api.Diagnostic;
import org.superserver.api.LogTarget;
import org.superserver.api.Protocol;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;

/** Written xinetd.d files, read back through an includedir, are the same services. */
public class XinetdFormatTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final XinetdFormat xinetd = new XinetdFormat(Path.of("src/test/resources/services"));
    private final List<Diagnostic> problems = new ArrayList<>();

    private List<ServiceDefinition> writeAndRead(List<ServiceDefinition> definitions) throws IOException {
        Map<String, String> files = xinetd.write(definitions, problems::add);
        Path dir = tmp.newFolder("xinetd.d").toPath();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.ISO_8859_1);
        }
        Path conf = tmp.newFile("xinetd.conf").toPath();
        Files.writeString(conf, "includedir " + dir + "\n");
        return xinetd.read(conf, problems::add);
    }

    @Test
    public void everyFieldXinetdHasSurvivesTheRoundTrip() throws IOException {
        ServiceDefinition d = ServiceDefinition.builder().name("finger").socketType(org.superserver.api.SocketType.STREAM)
                .protocol(Protocol.TCP6).port(10079).user("nobody").group("nogroup").server("/usr/sbin/in.fingerd")
                .argv(List.of("fingerd", "-w")).instances(20).perSource(3).cps(10, 5).maxLoad(2.5)
                .env("LANG", "C").passenv(List.of("TERM")).nice(5).umask(022).supplementaryGroups(true)
                .resourceLimit(ResourceLimit.AS, 1048576).resourceLimit(ResourceLimit.NOFILE, ServiceDefinition.UNLIMITED)
                .bannerFail("/etc/banners/busy").logTarget(LogTarget.file("/var/log/f", 5, 6))
                .keepAlive(true).noDelay(true).v6Only(true).policy("xinetd").optionalPolicy("tcpd")
                .attribute("only_from", List.of("127.0.0.1", "::1")).attribute("access_times", List.of("08:00-18:30"))
                .origin("/etc/inetd.conf:4").build();
        List<ServiceDefinition> read = writeAndRead(List.of(d));
        assertEquals(problems.toString(), List.of(), problems);
        assertEquals(1, read.size());
        ServiceDefinition r = read.get(0);
        assertEquals(List.of("IPV6", "NAMEINARGS", "KEEPALIVE", "NODELAY"), r.attribute("flags"));
        assertEquals(d.toBuilder().id(r.id()).origin(r.origin()).attribute("flags", r.attribute("flags")).build(), r);
    }

    @Test
    public void isFoundByTheServiceLoaderAndWrites() {
        ConfigFormat found = null;
        for (ConfigFormat f : ServiceLoader.load(ConfigFormat.class)) {
            if (f.name().equals("xinetd")) {
                found = f;
            }
        }
        assertTrue(found instanceof XinetdFormat);
        assertTrue(found.canWrite());
    }
}
