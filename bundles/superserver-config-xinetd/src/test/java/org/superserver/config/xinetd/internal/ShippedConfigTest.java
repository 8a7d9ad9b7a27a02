package org.superserver.config.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.Diagnostic;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;

/**
 * The xinetd.conf and xinetd.d files that Debian and Fedora ship (Debian's from its xinetd package,
 * Fedora's from xinetd's contrib/ directory, which its package installs), and the example of
 * xinetd.conf(5), read as shipped and with every service enabled.
 */
public class ShippedConfigTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Conf conf;

    @Before
    public void setUp() {
        conf = new Conf(tmp.getRoot().toPath());
    }

    private static List<String> ids(List<ServiceDefinition> ds) {
        return ds.stream().map(d -> d.id().substring(d.id().lastIndexOf(':') + 1)).collect(Collectors.toList());
    }

    @Test
    public void debianAsShippedServesNothingAndSaysNothingWrong() throws IOException {
        assertEquals(List.of(), conf.read(conf.copy("debian", false)));
        assertTrue(conf.problemText(), conf.problems.isEmpty());
    }

    @Test
    public void debianWithEverythingEnabledServesTheBuiltInsAndNamesWhatItCannot() throws IOException {
        List<ServiceDefinition> ds = conf.read(conf.copy("debian", true));
        assertEquals(conf.problemText(), List.of("chargen-stream", "chargen-dgram", "daytime-stream", "daytime-dgram",
                "discard-stream", "discard-dgram", "echo-stream", "echo-dgram", "time-stream", "time-dgram"), ids(ds));
        for (ServiceDefinition d : ds) {
            assertEquals(d.name(), d.handler());
            assertEquals("no access attribute, no sensor: nothing for the xinetd policy", List.of(), d.policies());
            assertEquals(List.of("tcpd"), d.optionalPolicies());
        }
        assertEquals(7, ds.get(6).port());
        // each *-udp file repeats the dgram service of its sibling on the same port; servers and services
        // are xinetd's own listing services, which are not provided
        List<Diagnostic> errors = conf.errors();
        assertEquals(conf.problemText(), 7, errors.size());
        assertEquals(5, errors.stream().filter(e -> e.field().equals("port")).count());
        assertTrue(errors.get(0).file().endsWith("xinetd.d/chargen-udp"));
        assertEquals(2, errors.stream().filter(e -> e.message().contains("names no built-in")).count());
        // xinetd.conf's own defaults section is empty; the includedir's files are read in name order
        assertTrue(ds.get(0).origin().contains("xinetd.d/chargen:"));
    }

    @Test
    public void fedoraAsShippedServesNothingAndSaysNothingWrong() throws IOException {
        assertEquals(List.of(), conf.read(conf.copy("fedora", false)));
        assertTrue(conf.problemText(), conf.problems.isEmpty());
    }

    @Test
    public void fedoraWithEverythingEnabledInheritsItsDefaults() throws IOException {
        List<ServiceDefinition> ds = conf.read(conf.copy("fedora", true));
        assertEquals(conf.problemText(), List.of("chargen-dgram", "chargen-stream", "daytime-dgram", "daytime-stream",
                "discard-dgram", "discard-stream", "echo-dgram", "echo-stream", "time-dgram", "time-stream"), ids(ds));
        ServiceDefinition d = ds.get(0);
        assertEquals(LogTarget.syslog("daemon", "info"), d.logTarget());
        assertEquals(EnumSet.of(LogField.HOST), d.logOnFailure());
        assertEquals(EnumSet.of(LogField.PID, LogField.HOST, LogField.DURATION, LogField.EXIT), d.logOnSuccess());
        assertEquals(50, d.cps());
        assertEquals(10, d.cpsPauseSeconds());
        assertEquals(50, d.instances());
        assertEquals(10, d.perSource());
        assertTrue(d.supplementaryGroups());
        assertEquals(Integer.valueOf(002), d.umask());
        // tcpmux-server: xinetd's TCPMUX multiplexer is not provided
        Diagnostic e = conf.errors().get(0);
        assertEquals(conf.problemText(), 1, conf.errors().size());
        assertTrue(e.file().endsWith("xinetd.d/tcpmux-server"));
        assertTrue(e.message().contains("names no built-in"));
    }

    @Test
    public void fedorasFtpSensorIsAnInProcessSensor() throws IOException {
        Path dir = conf.copy("fedora", true).getParent();
        ServiceDefinition d = conf.read(dir.resolve("ftp-sensor")).get(0);
        assertEquals("ftp", d.name());
        assertEquals(21, d.port());
        assertTrue(d.isInternal());
        assertEquals(List.of("SENSOR"), d.attribute("flags"));
        assertEquals(List.of("120"), d.attribute("deny_time"));
        assertTrue(conf.problemText(), conf.problems.isEmpty());
    }

    @Test
    public void theManPageExampleServesAllButTheUnlistedServiceThatNamesNoUser() throws IOException {
        Path file = conf.write("man.conf", new String(java.nio.file.Files.readAllBytes(
                Path.of("src/test/resources/manpage/xinetd.conf")), java.nio.charset.StandardCharsets.ISO_8859_1));
        List<ServiceDefinition> ds = conf.read(file);
        // rstatd is in the defaults' disabled list, so its being RPC is never looked at
        assertEquals(conf.problemText(), List.of("login", "shell", "ftp", "telnet", "echo-stream", "echo-dgram"), ids(ds));
        Map<String, ServiceDefinition> byName = ds.stream().collect(Collectors.toMap(ServiceDefinition::id, d -> d));
        ServiceDefinition login = ds.get(0);
        assertEquals(0, login.instances());
        assertEquals(LogTarget.file("/var/log/servicelog", 0, 0), login.logTarget());
        assertEquals(List.of("128.138.193.0", "128.138.204.0", "128.138.252.1"), login.attribute("only_from"));
        assertEquals(EnumSet.of(LogField.PID, LogField.HOST), ds.get(1).logOnSuccess());
        ServiceDefinition ftp = ds.get(2);
        assertEquals(4, ftp.instances());
        assertEquals(Integer.valueOf(10), ftp.nice());
        assertEquals(List.of("in.ftpd", "-l"), ftp.argv());
        assertEquals(EnumSet.of(LogField.PID, LogField.DURATION, LogField.HOST, LogField.USERID), ftp.logOnSuccess());
        assertEquals(List.of("2:00-9:00", "12:00-24:00"), ftp.attribute("access_times"));
        ServiceDefinition telnet = ds.get(3);
        assertEquals(Long.valueOf(8L << 20), telnet.resourceLimits().get(ResourceLimit.AS));
        assertEquals(Long.valueOf(20), telnet.resourceLimits().get(ResourceLimit.CPU));
        assertEquals(10, telnet.instances());
        assertEquals("echo", ds.get(5).handler());
        assertEquals(6, byName.size());
        Diagnostic e = conf.errors().get(0);
        assertEquals(conf.problemText(), 1, conf.errors().size());
        assertEquals("user", e.field());
        assertTrue(e.message().contains("service unlisted"));
    }
}
