package org.superserver.config.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import org.superserver.api.Protocol;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.config.ConfigFile;

public class XinetdReaderTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Conf conf;

    @Before
    public void setUp() {
        conf = new Conf(tmp.getRoot().toPath());
    }

    private static String service(String name, String... lines) {
        return "service " + name + "\n{\n" + String.join("\n", lines) + "\n}\n";
    }

    private ServiceDefinition only(List<ServiceDefinition> ds) {
        assertEquals(conf.problemText() + "\n" + ds, 1, ds.size());
        return ds.get(0);
    }

    private Diagnostic onlyError() {
        List<Diagnostic> errors = conf.errors();
        assertEquals(conf.problemText(), 1, errors.size());
        return errors.get(0);
    }

    @Test
    public void anExternalServiceGetsArgv0FromTheServerNameAndTheArgumentsAfterIt() throws IOException {
        ServiceDefinition d = only(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /usr/sbin/in.ftpd", "server_args = -l -a")));
        assertEquals("/usr/sbin/in.ftpd", d.server());
        assertEquals(List.of("in.ftpd", "-l", "-a"), d.argv());
        assertEquals(21, d.port());
        assertEquals(Protocol.TCP, d.protocol());
        assertEquals("root", d.user());
        assertFalse(d.isWait());
        assertTrue(d.id().startsWith("xinetd:") && d.id().endsWith(":ftp"));
        assertEquals(conf.dir.resolve("xinetd.conf") + ":1", d.origin());
        assertEquals("no access attribute, no sensor: nothing for the xinetd policy", List.of(), d.policies());
        assertEquals(List.of("tcpd"), d.optionalPolicies());
        assertTrue(conf.problemText(), conf.problems.isEmpty());
    }

    @Test
    public void protocolUnixServesAtItsPathAsThisServersExtension() throws IOException {
        ServiceDefinition d = only(conf.read(service("echo", "type = INTERNAL", "socket_type = stream",
                "protocol = unix", "path = /run/echo.sock", "wait = no")));
        assertEquals(Protocol.UNIX, d.protocol());
        assertEquals("/run/echo.sock", d.socketPath());
        assertEquals(0660, d.socketMode());
        assertEquals("echo", d.handler());
        ServiceDefinition x = only(conf.read(service("x", "type = UNLISTED", "socket_type = dgram", "protocol = unix",
                "path = /run/x.sock", "socket_mode = 0600", "socket_owner = daemon", "socket_group = adm",
                "wait = yes", "user = nobody", "server = /usr/bin/server")));
        assertEquals(Protocol.UNIX_DGRAM, x.protocol());
        assertEquals(0600, x.socketMode());
        assertEquals("daemon", x.socketOwner());
        assertEquals("adm", x.socketGroup());
        assertTrue(conf.problemText(), conf.problems.isEmpty());
    }

    @Test
    public void badUnixAttributesNameTheirField() throws IOException {
        conf.read(service("echo", "type = INTERNAL", "protocol = unix", "wait = no"));
        assertEquals("path", onlyError().field());
        conf = new Conf(tmp.newFolder().toPath());
        conf.read(service("echo", "type = INTERNAL", "protocol = unix", "path = /run/e.sock", "port = 7",
                "wait = no"));
        assertEquals("port", onlyError().field());
        conf = new Conf(tmp.newFolder().toPath());
        conf.read(service("echo", "type = INTERNAL", "protocol = tcp", "path = /run/e.sock", "wait = no"));
        assertEquals("path", onlyError().field());
        conf = new Conf(tmp.newFolder().toPath());
        conf.read(service("echo", "type = INTERNAL", "protocol = unix", "path = /run/e.sock", "socket_mode = 999",
                "wait = no"));
        assertEquals("socket_mode", onlyError().field());
    }

    @Test
    public void nameInArgsTakesArgv0FromServerArgsWhateverTheOrderOfTheLines() throws IOException {
        List<ServiceDefinition> ds = conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /usr/sbin/tcpd", "server_args = /usr/sbin/in.ftpd -l", "flags = NAMEINARGS")
                + service("telnet", "socket_type = stream", "wait = no", "user = root", "flags = NAMEINARGS",
                "server = /usr/sbin/tcpd", "server_args = in.telnetd"));
        assertEquals(conf.problemText(), 2, ds.size());
        assertEquals(List.of("/usr/sbin/in.ftpd", "-l"), ds.get(0).argv());
        assertEquals("/usr/sbin/tcpd", ds.get(0).server());
        assertEquals(List.of("in.telnetd"), ds.get(1).argv());
    }

    @Test
    public void nameInArgsWithoutServerArgsIsAnErrorAndOnlyThatServiceIsSkipped() throws IOException {
        List<ServiceDefinition> ds = conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /usr/sbin/tcpd", "flags = NAMEINARGS")
                + service("telnet", "socket_type = stream", "wait = no", "user = root", "server = /usr/sbin/in.telnetd"));
        assertEquals("telnet", only(ds).name());
        Diagnostic e = onlyError();
        assertEquals("server_args", e.field());
        assertEquals(7, e.line());
        assertTrue(e.message(), e.message().contains("NAMEINARGS") && e.message().contains("service ftp"));
    }

    @Test
    public void internalServicesAreChosenByNameAndSocketTypeAndIdTellsThemApart() throws IOException {
        List<ServiceDefinition> ds = conf.read(
                service("echo", "id = echo-stream", "type = INTERNAL", "socket_type = stream", "wait = no")
                + service("echo", "id = echo-dgram", "type = INTERNAL", "socket_type = dgram", "wait = yes"));
        assertEquals(conf.problemText(), 2, ds.size());
        assertEquals("echo", ds.get(0).handler());
        assertEquals(SocketType.STREAM, ds.get(0).socketType());
        assertEquals(Protocol.UDP, ds.get(1).protocol());
        assertEquals("echo", ds.get(1).handler());
        assertFalse(ds.get(1).isWait());
        assertTrue(ds.get(0).id().endsWith(":echo-stream"));
        assertTrue(ds.get(1).id().endsWith(":echo-dgram"));
        assertEquals(7, ds.get(1).port());
    }

    @Test
    public void idsStayTheSameAcrossReads() throws IOException {
        String text = service("echo", "id = echo-stream", "type = INTERNAL", "socket_type = stream", "wait = no");
        Path file = conf.write("xinetd.conf", text);
        String first = only(conf.read(file)).id();
        conf.write("xinetd.conf", "# a comment moves the block\n\n" + text);
        ServiceDefinition again = only(conf.read(file));
        assertEquals(first, again.id());
        assertTrue(again.origin().endsWith(":3"));
    }

    @Test
    public void anInternalServiceWithoutABuiltInIsAnError() throws IOException {
        assertTrue(conf.read(service("servers", "type = INTERNAL UNLISTED", "port = 9099", "socket_type = stream",
                "wait = no")).isEmpty());
        assertTrue(onlyError().message().contains("names no built-in"));
    }

    @Test
    public void unlistedServicesNeedAPortAndListedOnesTakeTheirsFromTheServicesTable() throws IOException {
        List<ServiceDefinition> ds = conf.read(
                service("mine", "type = UNLISTED", "socket_type = stream", "wait = no", "user = u", "server = /bin/cat")
                + service("mine2", "type = UNLISTED", "socket_type = stream", "protocol = tcp", "wait = no",
                "user = u", "server = /bin/cat", "port = 20020")
                + service("unknown", "socket_type = stream", "wait = no", "user = u", "server = /bin/cat")
                + service("ftp", "socket_type = stream", "wait = no", "user = u", "server = /bin/cat", "port = 2121"));
        assertEquals(conf.problemText(), 20020, only(ds).port());
        List<Diagnostic> errors = conf.errors();
        assertEquals(conf.problemText(), 3, errors.size());
        assertEquals("port", errors.get(0).field());
        assertTrue(errors.get(0).message().contains("UNLISTED"));
        assertEquals("service", errors.get(1).field());
        assertTrue(errors.get(1).message().contains("unknown/tcp is not in the services table"));
        assertTrue(errors.get(2).message(), errors.get(2).message().contains("expects port 21"));
    }

    @Test
    public void mandatoryAttributesAreReportedWithFileLineAndAttribute() throws IOException {
        conf.read(service("ftp", "wait = no", "user = u", "server = /bin/cat")
                + service("ftp", "id = f2", "socket_type = stream", "user = u", "server = /bin/cat")
                + service("ftp", "id = f3", "socket_type = stream", "wait = no", "server = /bin/cat")
                + service("ftp", "id = f4", "socket_type = stream", "wait = no", "user = u"));
        List<Diagnostic> errors = conf.errors();
        assertEquals(conf.problemText(), 4, errors.size());
        assertEquals(List.of("socket_type", "wait", "user", "server"),
                errors.stream().map(Diagnostic::field).collect(Collectors.toList()));
        assertEquals(List.of(1, 7, 14, 21), errors.stream().map(Diagnostic::line).collect(Collectors.toList()));
        for (Diagnostic e : errors) {
            assertEquals(conf.dir.resolve("xinetd.conf").toString(), e.file());
            assertTrue(e.message(), e.message().contains("missing"));
        }
    }

    @Test
    public void protocolAloneGivesTheSocketTypeAndTheOtherWayRound() throws IOException {
        List<ServiceDefinition> ds = conf.read(service("time", "type = INTERNAL", "protocol = udp", "wait = yes")
                + service("time", "id = t2", "type = INTERNAL", "socket_type = stream", "wait = no"));
        assertEquals(conf.problemText(), 2, ds.size());
        assertEquals(SocketType.DGRAM, ds.get(0).socketType());
        assertEquals(Protocol.TCP, ds.get(1).protocol());
    }

    @Test
    public void socketTypeAndProtocolThatDisagreeAreAnError() throws IOException {
        assertTrue(conf.read(service("time", "type = INTERNAL", "protocol = udp", "socket_type = stream",
                "wait = no")).isEmpty());
        assertEquals("protocol", onlyError().field());
    }

    @Test
    public void defaultsAreInheritedAndServiceValuesOverrideOrExtendThem() throws IOException {
        List<ServiceDefinition> ds = conf.read("defaults\n{\n"
                + "  log_type = FILE /var/log/servicelog\n"
                + "  log_on_success = PID\n"
                + "  log_on_failure = HOST\n"
                + "  only_from = 128.138.193.0 128.138.204.0\n"
                + "  only_from = 128.138.252.1\n"
                + "  instances = 10\n"
                + "  per_source = 3\n"
                + "  cps = 100 2\n"
                + "  groups = yes\n"
                + "  umask = 027\n"
                + "  max_load = 2.5\n"
                + "  passenv = PATH\n"
                + "  banner_fail = /etc/fail\n"
                + "}\n"
                + service("login", "socket_type = stream", "protocol = tcp", "wait = no", "user = root",
                "server = /usr/sbin/in.rlogind", "instances = UNLIMITED")
                + service("shell", "socket_type = stream", "wait = no", "user = root", "instances = UNLIMITED",
                "server = /usr/sbin/in.rshd", "log_on_success += HOST", "only_from -= 128.138.252.1",
                "passenv = ", "cps = 5 1", "umask = 022", "groups = no", "banner_fail = /etc/shellfail")
                + service("ftp", "socket_type = stream", "wait = no", "user = root", "server = /usr/sbin/in.ftpd",
                "only_from = 10.0.0.1", "log_on_success = DURATION"));
        assertEquals(conf.problemText(), 3, ds.size());
        ServiceDefinition login = ds.get(0);
        assertEquals(0, login.instances());
        assertEquals(3, login.perSource());
        assertEquals(100, login.cps());
        assertEquals(2, login.cpsPauseSeconds());
        assertTrue(login.supplementaryGroups());
        assertEquals(Integer.valueOf(027), login.umask());
        assertEquals(2.5, login.maxLoad(), 0);
        assertEquals(List.of("PATH"), login.passenv());
        assertEquals("/etc/fail", login.bannerFail());
        assertEquals(LogTarget.file("/var/log/servicelog", 0, 0), login.logTarget());
        assertEquals(EnumSet.of(LogField.PID), login.logOnSuccess());
        assertEquals(EnumSet.of(LogField.HOST), login.logOnFailure());
        assertEquals(List.of("128.138.193.0", "128.138.204.0", "128.138.252.1"), login.attribute("only_from"));

        ServiceDefinition shell = ds.get(1);
        assertEquals(EnumSet.of(LogField.PID, LogField.HOST), shell.logOnSuccess());
        assertEquals(List.of("128.138.193.0", "128.138.204.0"), shell.attribute("only_from"));
        assertEquals(List.of(), shell.passenv());
        assertEquals(5, shell.cps());
        assertEquals(Integer.valueOf(022), shell.umask());
        assertFalse(shell.supplementaryGroups());
        assertEquals("/etc/shellfail", shell.bannerFail());

        ServiceDefinition ftp = ds.get(2);
        assertEquals(List.of("10.0.0.1"), ftp.attribute("only_from"));
        assertEquals(EnumSet.of(LogField.DURATION), ftp.logOnSuccess());
        assertEquals(10, ftp.instances());
    }

    @Test
    public void theSandboxIsReadFromAServiceOrItsDefaultsAndIsOffUnlessAsked() throws IOException {
        List<ServiceDefinition> ds = conf.read("defaults\n{\n"
                + "  no_new_privs = yes\n"
                + "  capabilities = none\n"
                + "}\n"
                + service("ftp", "socket_type = stream", "wait = no", "user = nobody", "server = /bin/cat",
                "private_tmp = yes")
                + service("telnet", "socket_type = stream", "wait = no", "user = root", "server = /bin/cat",
                "capabilities = net_bind_service CAP_NET_RAW", "no_new_privs = no"));
        assertEquals(conf.problemText(), 2, ds.size());
        ServiceDefinition boxed = ds.get(0);
        assertTrue(boxed.noNewPrivs());
        assertEquals(java.util.Set.of(), boxed.capabilities());
        assertTrue(boxed.privateTmp());
        ServiceDefinition keeps = ds.get(1);
        assertFalse(keeps.noNewPrivs());
        assertEquals(java.util.Set.of("CAP_NET_BIND_SERVICE", "CAP_NET_RAW"), keeps.capabilities());
        assertFalse(keeps.privateTmp());
    }

    @Test
    public void tlsIsReadFromAServiceOrItsDefaultsAndIsOffUnlessAsked() throws IOException {
        List<ServiceDefinition> ds = conf.read("defaults\n{\n"
                + "  tls_certificate = /etc/ssl/site.pem\n"
                + "  tls_key = /etc/ssl/site.key\n"
                + "}\n"
                + service("ftp", "socket_type = stream", "wait = no", "user = nobody", "server = /bin/cat",
                "tls = yes", "tls_client_ca = /etc/ssl/ca.pem")
                + service("telnet", "socket_type = stream", "wait = no", "user = root", "server = /bin/cat"));
        assertEquals(conf.problemText(), 2, ds.size());
        ServiceDefinition secure = ds.get(0);
        assertTrue(secure.tls());
        assertEquals("/etc/ssl/site.pem", secure.tlsCertificate());
        assertEquals("/etc/ssl/site.key", secure.tlsKey());
        assertEquals("/etc/ssl/ca.pem", secure.tlsClientCa());
        assertFalse(ds.get(1).tls());
    }

    @Test
    public void tlsWithoutACertificateIsAnErrorThatSkipsOnlyItsService() throws IOException {
        List<ServiceDefinition> ds = conf.read(service("ftp", "socket_type = stream", "wait = no",
                "user = nobody", "server = /bin/cat", "tls = yes", "tls_key = /etc/ssl/k.pem")
                + service("time", "type = INTERNAL", "socket_type = stream", "wait = no"));
        assertEquals(conf.problemText(), "time", only(ds).name());
        assertTrue(conf.problemText(), conf.problemText().contains("tls_certificate"));
    }

    @Test
    public void anUnknownCapabilityIsAnErrorNamingTheFileLineAndField() throws IOException {
        List<ServiceDefinition> ds = conf.read(service("ftp", "socket_type = stream", "wait = no",
                "user = nobody", "server = /bin/cat", "capabilities = CAP_NET_BIND_SERVICE CAP_FLY"));
        assertTrue(ds.isEmpty());
        Diagnostic e = onlyError();
        assertEquals("capabilities", e.field());
        assertEquals(7, e.line());
        assertTrue(e.toString(), e.message().contains("'CAP_FLY' is not a capability"));
    }

    @Test
    public void xinetdsOwnDefaultsApplyWhenNothingSetsThem() throws IOException {
        ServiceDefinition d = only(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /usr/sbin/in.ftpd")));
        assertEquals(50, d.cps());
        assertEquals(10, d.cpsPauseSeconds());
        assertFalse(d.supplementaryGroups());
        assertEquals(0, d.instances());
        assertEquals(0, d.perSource());
        assertNull(d.umask());
        assertFalse(d.noNewPrivs());
        assertNull(d.capabilities());
        assertFalse(d.privateTmp());
        assertFalse(d.attributes().containsKey("only_from"));
        assertEquals(LogTarget.DEFAULT, d.logTarget());
    }

    @Test
    public void anEmptyOnlyFromMeansNobodyAndIsPresent() throws IOException {
        ServiceDefinition d = only(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /usr/sbin/in.ftpd", "only_from =")));
        assertTrue(d.attributes().containsKey("only_from"));
        assertEquals(List.of(), d.attribute("only_from"));
    }

    @Test
    public void enabledAndDisabledInDefaultsChooseServicesById() throws IOException {
        String services = service("echo", "id = echo-stream", "type = INTERNAL", "socket_type = stream", "wait = no")
                + service("echo", "id = echo-dgram", "type = INTERNAL", "socket_type = dgram", "wait = yes")
                + service("time", "type = INTERNAL", "socket_type = stream", "wait = no");
        List<ServiceDefinition> ds = conf.read("defaults\n{\n  disabled = echo-dgram\n}\n" + services);
        assertEquals(List.of("echo", "time"), ds.stream().map(ServiceDefinition::name).collect(Collectors.toList()));
        ds = conf.read("defaults\n{\n  enabled = echo-dgram time\n}\n" + services);
        assertEquals(2, ds.size());
        assertTrue(ds.get(0).id().endsWith(":echo-dgram"));
        assertTrue(ds.get(1).id().endsWith(":time"));
        assertTrue(conf.problemText(), conf.errors().isEmpty());
    }

    @Test
    public void disableYesLeavesTheServiceOutSilently() throws IOException {
        assertTrue(conf.read(service("time", "type = INTERNAL", "socket_type = stream", "wait = no",
                "disable = yes")).isEmpty());
        assertTrue(conf.problemText(), conf.problems.isEmpty());
    }

    @Test
    public void flagsMapToSocketOptionsFamilyAndPolicies() throws IOException {
        List<ServiceDefinition> ds = conf.read(
                service("ftp", "socket_type = stream", "wait = no", "user = root", "server = /bin/cat",
                        "flags = IPv4 NODELAY KEEPALIVE NOLIBWRAP REUSE")
                + service("ftp", "id = ftp6", "socket_type = stream", "wait = no", "user = root", "server = /bin/cat",
                        "flags = IPv6", "v6only = yes", "port = 21"));
        assertEquals(conf.problemText(), 2, ds.size());
        ServiceDefinition v4 = ds.get(0);
        assertEquals(Protocol.TCP4, v4.protocol());
        assertTrue(v4.noDelay());
        assertTrue(v4.keepAlive());
        assertEquals(List.of(), v4.optionalPolicies());
        assertEquals(List.of("IPV4", "NODELAY", "KEEPALIVE", "NOLIBWRAP", "REUSE"), v4.attribute("flags"));
        assertEquals(Protocol.TCP6, ds.get(1).protocol());
        assertTrue(ds.get(1).v6Only());
        assertTrue(conf.problemText(), conf.problems.isEmpty());
    }

    @Test
    public void unsupportedFlagsAreAcceptedWithANotice() throws IOException {
        ServiceDefinition d = only(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /bin/cat", "flags = INTERCEPT IDONLY")));
        assertEquals(List.of("INTERCEPT", "IDONLY"), d.attribute("flags"));
        List<Diagnostic> warnings = conf.warnings();
        assertEquals(conf.problemText(), 2, warnings.size());
        assertEquals(7, warnings.get(0).line());
        assertTrue(warnings.get(0).message().contains("INTERCEPT is not supported"));
    }

    @Test
    public void attributesThatCannotApplyAreAcceptedWithANoticeNamingFileAndLine() throws IOException {
        List<ServiceDefinition> ds = conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /bin/cat", "mdns = yes", "rpc_version = 2", "deny_time = 10", "flags = NOLIBWRAP",
                "libwrap = ftpd")
                + service("time", "type = INTERNAL", "socket_type = stream", "wait = no", "server = /bin/date"));
        assertEquals(conf.problemText(), 2, ds.size());
        List<Diagnostic> notices = conf.warnings();
        assertEquals(conf.problemText(), List.of("deny_time", "libwrap", "rpc_version", "mdns", "server"),
                notices.stream().map(Diagnostic::field).collect(Collectors.toList()));
        assertEquals(List.of(9, 11, 8, 7, 18), notices.stream().map(Diagnostic::line).collect(Collectors.toList()));
        for (Diagnostic d : notices) {
            assertEquals(conf.dir.resolve("xinetd.conf").toString(), d.file());
        }
        assertTrue(conf.errors().isEmpty());
    }

    @Test
    public void aBindAddressOfTheOtherFamilyThanTheFlagsIsAnErrorNamingTheDefaults() throws IOException {
        List<ServiceDefinition> ds = conf.read("defaults\n{\n  interface = 127.0.0.1\n  v6only = yes\n}\n"
                + service("time", "type = INTERNAL", "socket_type = stream", "wait = no", "flags = IPv6")
                + service("daytime", "type = INTERNAL", "socket_type = stream", "wait = no", "bind = ::1"));
        assertEquals(conf.problemText(), "daytime", only(ds).name());
        assertTrue(ds.get(0).v6Only());
        assertEquals(Protocol.TCP6, ds.get(0).protocol());
        Diagnostic e = onlyError();
        assertEquals("bind", e.field());
        assertEquals(6, e.line());
        assertTrue(e.message(), e.message().contains("from the defaults at " + conf.dir.resolve("xinetd.conf") + ":3"));
    }

    @Test
    public void aFlagSpelledInAnotherCaseIsAnError() throws IOException {
        assertTrue(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /bin/cat", "flags = ipv4")).isEmpty());
        Diagnostic e = onlyError();
        assertEquals("flags", e.field());
        assertEquals(7, e.line());
    }

    @Test
    public void sensorServicesAreServedInProcessAndCarryDenyTime() throws IOException {
        ServiceDefinition d = only(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /usr/sbin/in.ftpd", "flags = SENSOR", "deny_time = 60")));
        assertTrue(d.isInternal());
        assertEquals(List.of("SENSOR"), d.attribute("flags"));
        assertEquals(List.of("60"), d.attribute("deny_time"));
    }

    @Test
    public void theXinetdPolicyGuardsAServiceWithAnAccessAttributeAndEveryServiceOnceTheFilesHaveASensor()
            throws IOException {
        String plain = service("daytime", "type = INTERNAL", "socket_type = stream", "wait = no", "user = root");
        String guarded = service("echo", "type = INTERNAL", "socket_type = stream", "wait = no", "user = root",
                "only_from = 127.0.0.1");
        String timed = service("time", "type = INTERNAL", "socket_type = stream", "wait = no", "user = root",
                "access_times = 08:00-18:00");
        List<ServiceDefinition> ds = conf.read(plain + guarded + timed);
        assertEquals(conf.problemText(), 3, ds.size());
        assertEquals("nothing for the policy to decide", List.of(), ds.get(0).policies());
        assertEquals(List.of("xinetd"), ds.get(1).policies());
        assertEquals(List.of("xinetd"), ds.get(2).policies());

        String sensor = service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /usr/sbin/in.ftpd", "flags = SENSOR", "deny_time = 60");
        ds = conf.read(plain + sensor);
        assertEquals(conf.problemText(), 2, ds.size());
        assertEquals("a sensor's client is denied by every service", List.of("xinetd"), ds.get(0).policies());
        assertEquals(List.of("xinetd"), ds.get(1).policies());

        String disabledSensor = service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /usr/sbin/in.ftpd", "flags = SENSOR", "disable = yes");
        ds = conf.read(plain + disabledSensor);
        assertEquals("a disabled sensor touches nobody", List.of(), only(ds).policies());
    }

    @Test
    public void withoutLogOnSuccessAServiceLogsNoStartOrExitLineAsInXinetd() throws IOException {
        List<ServiceDefinition> ds = conf.read(service("daytime", "type = INTERNAL", "socket_type = stream",
                "wait = no", "user = root") + service("time", "type = INTERNAL", "socket_type = stream", "wait = no",
                "user = root", "log_on_success = PID HOST"));
        assertEquals(conf.problemText(), 2, ds.size());
        assertEquals(java.util.Set.of(), ds.get(0).logOnSuccess());
        assertEquals(java.util.Set.of(org.superserver.api.LogField.PID, org.superserver.api.LogField.HOST),
                ds.get(1).logOnSuccess());
        ds = conf.read("defaults\n{\n log_on_success = HOST\n}\n" + service("daytime", "type = INTERNAL",
                "socket_type = stream", "wait = no", "user = root"));
        assertEquals("inherited from defaults", java.util.Set.of(org.superserver.api.LogField.HOST),
                only(ds).logOnSuccess());
    }

    @Test
    public void rpcServicesAreReportedAsUnsupported() throws IOException {
        conf.read(service("rstatd", "type = RPC", "socket_type = dgram", "protocol = udp", "wait = yes",
                "user = root", "server = /usr/sbin/rpc.rstatd", "rpc_version = 2-4",
                "env = LD_LIBRARY_PATH=/etc/securelib"));
        Diagnostic e = onlyError();
        assertEquals("type", e.field());
        assertTrue(e.message().contains("RPC services are not supported"));
    }

    @Test
    public void processAttributesAreMapped() throws IOException {
        ServiceDefinition d = only(conf.read(service("telnet", "socket_type = stream", "wait = no", "nice = 10",
                "user = root", "group = staff", "server = /usr/sbin/in.telnetd", "rlimit_as = 8M", "rlimit_cpu = 20",
                "rlimit_data = 512K", "rlimit_files = UNLIMITED", "rlimit_rss = 1000", "rlimit_stack = 1m",
                "env = A=1 B=x=y", "env += C=", "passenv = PATH TZ", "passenv -= TZ", "passenv += LANG")));
        assertEquals(Integer.valueOf(10), d.nice());
        assertEquals("staff", d.group());
        Map<ResourceLimit, Long> limits = d.resourceLimits();
        assertEquals(Long.valueOf(8L << 20), limits.get(ResourceLimit.AS));
        assertEquals(Long.valueOf(20), limits.get(ResourceLimit.CPU));
        assertEquals(Long.valueOf(512L << 10), limits.get(ResourceLimit.DATA));
        assertEquals(Long.valueOf(ServiceDefinition.UNLIMITED), limits.get(ResourceLimit.NOFILE));
        assertEquals(Long.valueOf(1000), limits.get(ResourceLimit.RSS));
        assertEquals(Long.valueOf(1L << 20), limits.get(ResourceLimit.STACK));
        assertEquals(Map.of("A", "1", "B", "x=y", "C", ""), d.env());
        assertEquals(List.of("PATH", "LANG"), d.passenv());
    }

    @Test
    public void badValuesAreErrorsThatSkipOnlyTheirService() throws IOException {
        String[] bad = {"instances = many", "per_source = -1", "umask = 089", "nice = x", "rlimit_cpu = 2K",
            "rlimit_as = lots", "cps = a b", "max_load = 0", "groups = maybe", "mdns = sometimes",
            "log_on_success = ATTEMPT", "log_on_failure = PID", "log_type = FILE", "log_type = FILE relative.log",
            "log_type = SYSLOG nofacility", "log_type = SYSLOG daemon loud", "log_type = STDOUT",
            "access_times = 25:00-26:00", "env = NOEQUALS", "env -= A=1", "port = 70000", "type = WEIRD",
            "rlimit_files = 1G", "protocol = icmp", "deny_time = soon", "only_from = 1.2.3.4,5.6.7.8",
            "server_args =", "v6only = perhaps", "redirect = 10.0.0.1 0", "no_new_privs = maybe",
            "private_tmp = 1", "tls = maybe", "capabilities = CAP_FLY", "capabilities =", "capabilities = none CAP_NET_RAW"};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < bad.length; i++) {
            text.append(service("ftp", "id = f" + i, "socket_type = stream", "wait = no", "user = root",
                    "server = /bin/cat", bad[i]));
        }
        text.append(service("time", "type = INTERNAL", "socket_type = stream", "wait = no"));
        List<ServiceDefinition> ds = conf.read(text.toString());
        assertEquals(conf.problemText(), "time", only(ds).name());
        List<Diagnostic> errors = conf.errors();
        assertEquals(conf.problemText(), bad.length, errors.size());
        for (Diagnostic e : errors) {
            assertTrue(e.toString(), e.message().contains("service ftp"));
            assertTrue(e.toString(), e.line() > 0 && e.field() != null);
        }
    }

    @Test
    public void singleValuedAttributesSetTwiceKeepTheFirstWithAWarning() throws IOException {
        ServiceDefinition d = only(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /bin/cat", "user = nobody", "interface = 127.0.0.1", "bind = 127.0.0.2",
                "instances += 3")));
        assertEquals("root", d.user());
        assertEquals("127.0.0.1", d.bindAddress());
        assertEquals(Protocol.TCP4, d.protocol());
        assertEquals(3, conf.warnings().size());
    }

    @Test
    public void unknownAttributesAndDefaultsOnlyOnesAreWarnings() throws IOException {
        conf.read("defaults\n{\n  server = /bin/cat\n  bogus = 1\n}\n"
                + service("time", "type = INTERNAL", "socket_type = stream", "wait = no", "colour = blue",
                "enabled = time"));
        List<Diagnostic> w = conf.warnings();
        assertEquals(conf.problemText(), 4, w.size());
        assertTrue(w.get(0).message().contains("may not be in the defaults section"));
        assertTrue(w.get(1).message().contains("has no attribute 'bogus'"));
        assertEquals(11, w.get(2).line());
    }

    @Test
    public void bindNamesAreResolvedToALiteralOfTheFlagsFamily() throws IOException {
        List<ServiceDefinition> ds = conf.read(
                service("time", "type = INTERNAL", "socket_type = stream", "wait = no", "bind = loopback.test",
                        "flags = IPv4")
                + service("time", "id = t6", "type = INTERNAL", "socket_type = stream", "wait = no",
                        "bind = loopback.test", "flags = IPv6")
                + service("time", "id = t7", "type = INTERNAL", "socket_type = stream", "wait = no",
                        "bind = nowhere.test"));
        assertEquals(conf.problemText(), 2, ds.size());
        assertEquals("127.0.0.1", ds.get(0).bindAddress());
        assertEquals("::1", ds.get(1).bindAddress());
        assertEquals(Protocol.TCP6, ds.get(1).protocol());
        assertEquals("bind", onlyError().field());
    }

    @Test
    public void redirectRelaysAndRejectsWhatCannotBeRelayed() throws IOException {
        List<ServiceDefinition> ds = conf.read(
                service("ftp", "socket_type = stream", "wait = no", "redirect = 10.0.0.5 2121",
                        "log_on_success = TRAFFIC", "user = root")
                + service("ftp", "id = f2", "socket_type = stream", "wait = no", "redirect = backend.test ftp",
                        "user = nobody", "type = UNLISTED", "port = 2100")
                + service("ftp", "id = f3", "socket_type = stream", "wait = yes", "redirect = 10.0.0.5 21")
                + service("time", "socket_type = dgram", "wait = yes", "user = r", "redirect = 10.0.0.5 21")
                + service("daytime", "socket_type = stream", "wait = no", "user = r", "server = /bin/date",
                        "log_on_success = TRAFFIC"));
        assertEquals(conf.problemText(), 2, ds.size());
        assertTrue(ds.get(0).isRedirect());
        assertEquals("10.0.0.5", ds.get(0).redirectHost());
        assertEquals(2121, ds.get(0).redirectPort());
        assertEquals(EnumSet.of(LogField.TRAFFIC), ds.get(0).logOnSuccess());
        assertEquals("backend.test", ds.get(1).redirectHost());
        assertEquals(21, ds.get(1).redirectPort());
        assertEquals(3, conf.errors().size());
    }

    @Test
    public void accessAttributesFollowTheContract() throws IOException {
        ServiceDefinition d = only(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /bin/cat", "only_from = 127.0.0.1 10.0.0.{1,2}", "no_access = 10.0.0.2",
                "access_times = 2:00-9:00 12:00-24:00", "banner = /etc/b", "banner_success = /etc/s",
                "libwrap = in.ftpd")));
        assertEquals(List.of("127.0.0.1", "10.0.0.{1,2}"), d.attribute("only_from"));
        assertEquals(List.of("10.0.0.2"), d.attribute("no_access"));
        assertEquals(List.of("2:00-9:00", "12:00-24:00"), d.attribute("access_times"));
        assertEquals(List.of("/etc/b"), d.attribute("banner"));
        assertEquals(List.of("/etc/s"), d.attribute("banner_success"));
        assertEquals(List.of("in.ftpd"), d.attribute("libwrap"));
        assertFalse(d.attributes().containsKey("flags"));
    }

    @Test
    public void syntaxErrorsLoseTheirBlockAndTheRestServes() throws IOException {
        List<ServiceDefinition> ds = conf.read("service broken1 {\n  socket_type = stream\n}\n"
                + service("broken2", "socket_type=stream", "wait = no")
                + service("broken3", "socket_type stream")
                + "servce typo\n{\n}\n"
                + "service\n"
                + service("unclosed", "socket_type = stream")
                + service("time", "type = INTERNAL", "socket_type = stream", "wait = no")
                + "service last\n{\n  socket_type = stream\n");
        assertEquals(conf.problemText(), 1, ds.size());
        assertEquals(conf.problemText(), 6, conf.errors().size());
        assertTrue(conf.errors().get(0).message().contains("only '{'"));
        assertTrue(conf.errors().get(1).message().contains("needs a blank before its operator"));
    }

    @Test
    public void aHashInsideALineIsPartOfTheValue() throws IOException {
        ServiceDefinition d = only(conf.read("  # comment\n" + service("ftp", "socket_type = stream", "wait = no",
                "user = root", "server = /bin/echo", "server_args = a # b")));
        assertEquals(List.of("echo", "a", "#", "b"), d.argv());
    }

    @Test
    public void bytesAreReadOnePerChar() throws IOException {
        Path file = conf.dir.resolve("latin1.conf");
        String text = service("ftp", "socket_type = stream", "wait = no", "user = root", "server = /bin/echo",
                "server_args = caf\u00e9");
        Files.write(file, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("caf\u00e9", only(conf.read(file)).argv().get(1));
    }

    @Test
    public void aSecondDefaultsSectionInOneFileIsIgnored() throws IOException {
        ServiceDefinition d = only(conf.read("defaults\n{\n  instances = 4\n}\ndefaults\n{\n  instances = 9\n}\n"
                + service("time", "type = INTERNAL", "socket_type = stream", "wait = no")));
        assertEquals(4, d.instances());
        assertEquals(5, onlyError().line());
    }

    @Test
    public void includeAndIncludedirReadOtherFilesInByteOrderSkippingDotsAndTildes() throws IOException {
        conf.write("d/b-time", service("time", "type = INTERNAL", "socket_type = stream", "wait = no"));
        conf.write("d/a-echo", service("echo", "type = INTERNAL", "socket_type = stream", "wait = no"));
        conf.write("d/echo.rpmsave", service("echo", "id = x", "type = INTERNAL", "socket_type = dgram", "wait = yes"));
        conf.write("d/chargen~", service("chargen", "type = INTERNAL", "socket_type = stream", "wait = no"));
        Files.createDirectories(conf.dir.resolve("d/subdir"));
        conf.write("extra.conf", service("daytime", "type = INTERNAL", "socket_type = stream", "wait = no"));
        List<ServiceDefinition> ds = conf.read("defaults\n{\n  instances = 7\n}\nincludedir " + conf.dir.resolve("d")
                + "\ninclude extra.conf\n");
        assertEquals(conf.problemText(), List.of("echo", "time", "daytime"),
                ds.stream().map(ServiceDefinition::name).collect(Collectors.toList()));
        assertEquals(7, ds.get(2).instances());
        assertTrue(ds.get(0).origin().startsWith(conf.dir.resolve("d/a-echo") + ":"));
        List<String> skipped = conf.warnings().stream().map(Diagnostic::file).collect(Collectors.toList());
        assertEquals(List.of(conf.dir.resolve("d/chargen~").toString(), conf.dir.resolve("d/echo.rpmsave").toString()),
                skipped);
        assertEquals("includedir", onlyError().field());
    }

    @Test
    public void aCycleThroughASymbolicLinkIsSeen() throws IOException {
        Path file = conf.write("real.conf", "include link.conf\n"
                + service("time", "type = INTERNAL", "socket_type = stream", "wait = no"));
        Files.createSymbolicLink(conf.dir.resolve("link.conf"), file);
        assertEquals(1, conf.read(file).size());
        assertTrue(onlyError().message().contains("includes itself"));
    }

    @Test
    public void aFileThatIncludesItselfIsReadOnce() throws IOException {
        Path file = conf.write("self.conf", "include self.conf\n"
                + service("time", "type = INTERNAL", "socket_type = stream", "wait = no"));
        assertEquals(1, conf.read(file).size());
        assertTrue(onlyError().message().contains("includes itself"));
    }

    @Test
    public void includesThatMultiplyAreCutOffAtAFixedNumberOfReads() throws IOException {
        StringBuilder tenIncludes = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            tenIncludes.append("include next\n");
        }
        // a chain of directories, each file including the next one ten times: 10^6 reads uncut
        Path top = conf.write("top.conf", tenIncludes.toString().replace("next", "d1/f"));
        for (int depth = 1; depth <= 6; depth++) {
            conf.write("d" + depth + "/f", tenIncludes.toString().replace("next", "../d" + (depth + 1) + "/f"));
        }
        conf.write("d7/f", service("time", "type = INTERNAL", "socket_type = stream", "wait = no"));
        conf.read(top);
        List<Diagnostic> includeErrors = conf.errors().stream().filter(e -> e.field().equals("include"))
                .collect(Collectors.toList());
        assertEquals(1, includeErrors.size());
        assertTrue(includeErrors.get(0).message().contains("has read 4096 files"));
    }

    @Test
    public void missingIncludesAreErrorsAtTheIncludingLine() throws IOException {
        conf.read("include /nonexistent/file\nincludedir /nonexistent/dir\n");
        List<Diagnostic> errors = conf.errors();
        assertEquals(conf.problemText(), 2, errors.size());
        assertEquals(1, errors.get(0).line());
        assertEquals(2, errors.get(1).line());
    }

    @Test(timeout = 20_000)
    public void fifosAreRefusedWithoutBeingOpenedWhetherIncludedOrInAnIncludedir() throws Exception {
        Path dir = conf.dir.resolve("d");
        Files.createDirectories(dir);
        mkfifo(dir.resolve("pipe"));
        mkfifo(conf.dir.resolve("pipe.conf"));
        conf.write("d/time", service("time", "type = INTERNAL", "socket_type = stream", "wait = no"));
        List<ServiceDefinition> ds = conf.read("include pipe.conf\nincludedir " + dir + "\n");
        assertEquals(conf.problemText(), "time", only(ds).name());
        List<Diagnostic> errors = conf.errors();
        assertEquals(conf.problemText(), 2, errors.size());
        assertTrue(errors.get(0).message(), errors.get(0).message().contains("a FIFO (named pipe), not a regular file"));
        assertTrue(errors.get(1).message(), errors.get(1).message().contains("is not a regular file"));
        try {
            conf.read(conf.dir.resolve("pipe.conf"));
            fail();
        } catch (ConfigFile.NotRegular expected) {
            assertTrue(expected.getMessage().contains("FIFO"));
        }
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        assertEquals(new String(p.getInputStream().readAllBytes()), 0, p.waitFor());
    }

    @Test
    public void theTopFileMissingOrNotRegularIsAnIOException() throws IOException {
        try {
            conf.read(conf.dir.resolve("absent.conf"));
            fail();
        } catch (NoSuchFileException expected) {
            // the caller reports it
        }
        try {
            conf.read(conf.dir);
            fail();
        } catch (ConfigFile.NotRegular expected) {
            assertTrue(expected.getMessage().contains("a directory"));
        }
    }

    @Test
    public void twoServicesOnOnePortAreAnErrorForTheLaterOne() throws IOException {
        List<ServiceDefinition> ds = conf.read(
                service("echo", "type = INTERNAL", "socket_type = stream", "wait = no")
                + service("echo", "id = echo2", "type = INTERNAL", "socket_type = stream", "wait = no")
                + service("echo", "type = INTERNAL", "socket_type = dgram", "wait = yes"));
        assertEquals(1, ds.size());
        assertEquals(2, conf.errors().size());
        assertEquals("port", conf.errors().get(0).field());
        assertEquals("id", conf.errors().get(1).field());
    }

    @Test
    public void aNiceOutsideTheRangeIsClampedWithANotice() throws IOException {
        ServiceDefinition d = only(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /bin/cat", "nice = 40")));
        assertEquals(Integer.valueOf(19), d.nice());
        assertEquals(1, conf.warnings().size());
    }

    @Test
    public void logTypeFileHardLimitDefaultsToSoftPlusOnePercentWithinFiveToTwentyK() throws IOException {
        ServiceDefinition d = only(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /bin/cat", "log_type = FILE /var/log/x 100K")));
        assertEquals(LogTarget.file("/var/log/x", 102400, 102400 + 5120), d.logTarget());
        d = only(conf.read(service("ftp", "socket_type = stream", "wait = no", "user = root",
                "server = /bin/cat", "log_type = SYSLOG authpriv")));
        assertEquals(LogTarget.syslog("authpriv", "info"), d.logTarget());
    }
}
