package org.superserver.config.cm.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

public class ServiceConfigMapperTest {

    private static final String FILE = "file:/opt/superserver/etc/org.superserver.service-echo-tcp.cfg";

    /** The properties FileInstall gives the configuration of the embedded default's echo/tcp file. */
    private static Map<String, Object> echoTcpFromFile() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("service.pid", "org.superserver.service~echo-tcp");
        p.put("service.factoryPid", "org.superserver.service");
        p.put("felix.fileinstall.filename", FILE);
        p.put("service", "echo");
        p.put("type", "INTERNAL");
        p.put("socket_type", "stream");
        p.put("protocol", "tcp");
        p.put("port", "10007");
        p.put("bind", "127.0.0.1");
        p.put("wait", "no");
        return p;
    }

    private static Map<String, Object> pidConfig(Object... keyValues) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("service.pid", "org.superserver.service.1f2e");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static ServiceDefinition valid(Map<String, Object> p) {
        MappingResult r = ServiceConfigMapper.map(p);
        assertTrue("expected a valid configuration but got " + r, r.isValid());
        assertNotNull(r.definition());
        return r.definition();
    }

    private static MappingResult invalid(Map<String, Object> p, String property, String fragment) {
        MappingResult r = ServiceConfigMapper.map(p);
        assertFalse("expected property " + property + " to be invalid", r.isValid());
        assertNull(r.definition());
        assertEquals(property, r.property());
        assertTrue("'" + r.problem() + "' should contain '" + fragment + "'", r.problem().contains(fragment));
        return r;
    }

    @Test
    public void internalServiceFromAFileIsServedByTheHandlerNamedLikeTheService() {
        ServiceDefinition d = valid(echoTcpFromFile());
        assertEquals("cm:org.superserver.service-echo-tcp", d.id());
        assertEquals("echo", d.name());
        assertEquals("echo", d.handler());
        assertNull(d.server());
        assertEquals(SocketType.STREAM, d.socketType());
        assertEquals(Protocol.TCP, d.protocol());
        assertEquals("127.0.0.1", d.bindAddress());
        assertEquals(10007, d.port());
        assertFalse(d.isWait());
        assertEquals(0, d.instances());
        assertEquals("/opt/superserver/etc/org.superserver.service-echo-tcp.cfg", d.origin());
        assertTrue("no Configuration Admin or FileInstall property becomes an attribute", d.attributes().isEmpty());
    }

    @Test
    public void theServiceNameChoosesTheHandlerAndIdOnlyTellsDefinitionsApart() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("id", "echo-stream");
        MappingResult r = ServiceConfigMapper.map(p);
        assertEquals("echo", r.definition().name());
        assertEquals("echo", r.definition().handler());
        assertEquals(List.of(), r.notices());
        p.put("id", "discard"); // a handler's name as id does not choose it when the service name is one
        assertEquals("echo", valid(p).handler());
        List<MappingResult.Notice> notices = ServiceConfigMapper.map(p).notices();
        assertEquals(1, notices.size());
        assertEquals("id", notices.get(0).property);
        assertTrue(notices.get(0).message, notices.get(0).message.contains("no longer chooses it"));
    }

    @Test
    public void handlerPropertyNamesTheHandlerOfAServiceNamedOtherwise() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("service", "my-echo");
        p.put("handler", "echo");
        MappingResult r = ServiceConfigMapper.map(p);
        assertEquals("my-echo", r.definition().name());
        assertEquals("echo", r.definition().handler());
        assertEquals(List.of(), r.notices());
    }

    @Test
    public void anOlderFileWhoseIdNamesTheHandlerIsReadAsBeforeWithANotice() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("service", "my-echo");
        p.put("id", "echo");
        MappingResult r = ServiceConfigMapper.map(p);
        assertEquals("my-echo", r.definition().name());
        assertEquals("echo", r.definition().handler());
        assertEquals(1, r.notices().size());
        assertEquals("id", r.notices().get(0).property);
        assertTrue(r.notices().get(0).message, r.notices().get(0).message.contains("write handler = echo"));
        assertTrue(ServiceConfigMapper.dependsOnHandlers(p));
    }

    @Test
    public void anIdNamesAPluginHandlerOnlyOnceThatHandlerIsRegistered() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("service", "rev");
        p.put("id", "reverse");
        assertEquals("rev", ServiceConfigMapper.map(p, name -> false).definition().handler());
        MappingResult registered = ServiceConfigMapper.map(p, "reverse"::equals);
        assertEquals("reverse", registered.definition().handler());
        assertEquals(1, registered.notices().size());
        // the service name wins when it names a handler too
        assertEquals("rev", ServiceConfigMapper.map(p, n -> true).definition().handler());
    }

    @Test
    public void handlerOfAServiceThatIsNotInternalIsInvalid() {
        Map<String, Object> p = pidConfig("service", "ftp", "port", "2121", "server", "/usr/sbin/in.ftpd",
                "handler", "echo");
        invalid(p, "handler", "type is not INTERNAL");
    }

    @Test
    public void idWithABlankIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("id", "echo stream");
        invalid(p, "id", "is not one word");
    }

    @Test
    public void configurationWithoutAFileIsIdentifiedByItsPid() {
        ServiceDefinition d = valid(pidConfig("service", "daytime", "type", "INTERNAL", "port", 13013));
        assertEquals("cm:org.superserver.service.1f2e", d.id());
        assertEquals("Configuration Admin org.superserver.service.1f2e", d.origin());
        assertEquals(13013, d.port());
        assertNull("no bind means every address", d.bindAddress());
    }

    @Test
    public void socketTypeAndProtocolImplyEachOther() {
        ServiceDefinition dgram = valid(pidConfig("service", "time", "type", "INTERNAL", "port", "37",
                "socket_type", "dgram"));
        assertEquals(Protocol.UDP, dgram.protocol());
        ServiceDefinition udp6 = valid(pidConfig("service", "time", "type", "INTERNAL", "port", "37",
                "protocol", "udp6"));
        assertEquals(SocketType.DGRAM, udp6.socketType());
        assertEquals(Protocol.UDP6, udp6.protocol());
        ServiceDefinition neither = valid(pidConfig("service", "time", "type", "INTERNAL", "port", "37"));
        assertEquals(Protocol.TCP, neither.protocol());
    }

    @Test
    public void serverArgumentsFollowTheProgramsBasenameInArgv() {
        ServiceDefinition d = valid(pidConfig("service", "ftp", "port", "2121", "server", "/usr/sbin/in.ftpd",
                "server_args", "  -l   -a ", "user", "nobody", "group", "nogroup", "wait", "yes",
                "instances", "25"));
        assertEquals("/usr/sbin/in.ftpd", d.server());
        assertEquals(List.of("in.ftpd", "-l", "-a"), d.argv());
        assertNull(d.handler());
        assertEquals("nobody", d.user());
        assertEquals("nogroup", d.group());
        assertTrue(d.isWait());
        assertEquals(25, d.instances());
    }

    @Test
    public void serverArgumentsMayBeGivenAsAnArray() {
        ServiceDefinition d = valid(pidConfig("service", "x", "port", 1, "server", "/bin/echo",
                "server_args", new String[] {"hello world", "again"}));
        assertEquals(List.of("echo", "hello world", "again"), d.argv());
    }

    @Test
    public void programAndArgumentsAreCarriedAsTheirUtf8BytesOneCharPerByte() {
        ServiceDefinition d = valid(pidConfig("service", "x", "port", 1, "server", "/srv/caf\u00e9/run",
                "server_args", "na\u00efve \u20ac"));
        assertEquals("/srv/caf\u00c3\u00a9/run", d.server());
        assertEquals(List.of("run", "na\u00c3\u00afve", "\u00e2\u0082\u00ac"), d.argv());
        // what the core writes (ISO-8859-1) is the UTF-8 of the configuration's text
        assertEquals("\u20ac", new String(d.argv().get(2).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    public void otherUndottedPropertiesBecomeAttributesForPolicies() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("only_from", "127.0.0.1 10.0.0.0/8");
        p.put("component.name", "org.superserver.config.cm.service");
        ServiceDefinition d = valid(p);
        assertEquals(List.of("127.0.0.1", "10.0.0.0/8"), d.attribute("only_from"));
        assertEquals(1, d.attributes().size());
    }

    @Test
    public void policiesNameTheAccessPoliciesInOrderAndAreNoAttribute() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("policies", "tcpd  extra");
        ServiceDefinition d = valid(p);
        assertEquals(List.of("tcpd", "extra"), d.policies());
        assertEquals(0, d.attributes().size());
        Map<String, Object> list = echoTcpFromFile();
        list.put("policies", new String[] {"tcpd"});
        assertEquals(List.of("tcpd"), valid(list).policies());
        assertEquals(List.of(), valid(echoTcpFromFile()).policies());
    }

    @Test
    public void aPolicyNameWithOddCharactersIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("policies", "tcpd,xinetd");
        invalid(p, "policies", "'tcpd,xinetd' is not a policy name; expected names such as tcpd");
    }

    @Test
    public void passenvNamesTheInheritedVariablesAndIsNoAttribute() {
        ServiceDefinition d = valid(pidConfig("service", "x", "port", 1, "server", "/bin/env",
                "passenv", " TERM  PATH_INFO TERM "));
        assertEquals(List.of("TERM", "PATH_INFO"), d.passenv());
        assertEquals(0, d.attributes().size());
        assertEquals(List.of("TERM"), valid(pidConfig("service", "x", "port", 1, "server", "/bin/env",
                "passenv", new String[] {"TERM"})).passenv());
        assertEquals(List.of(), valid(echoTcpFromFile()).passenv());
    }

    @Test
    public void passenvWithSomethingOtherThanAVariableNameIsInvalid() {
        invalid(pidConfig("service", "x", "port", 1, "server", "/bin/env", "passenv", "TERM LD_*"),
                "passenv", "'LD_*' is not an environment variable name");
        invalid(pidConfig("service", "x", "port", 1, "server", "/bin/env", "passenv", "A=1"),
                "passenv", "'A=1' is not an environment variable name");
    }

    @Test
    public void theSamePropertiesGiveAnEqualDefinition() {
        assertEquals(valid(echoTcpFromFile()), valid(echoTcpFromFile()));
    }

    @Test
    public void disabledConfigurationDefinesNothingAndIsNoError() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("disable", "yes");
        MappingResult r = ServiceConfigMapper.map(p);
        assertTrue(r.isValid());
        assertNull(r.definition());
        assertEquals("/opt/superserver/etc/org.superserver.service-echo-tcp.cfg", r.origin());
    }

    @Test
    public void invalidConfigurationNamesItsFileThePropertyAndWhatWouldBeRight() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("port", "echo");
        MappingResult r = invalid(p, "port", "'echo' is not a number; expected a port number 0-65535");
        assertEquals("/opt/superserver/etc/org.superserver.service-echo-tcp.cfg", r.origin());
    }

    @Test
    public void missingServiceIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.remove("service");
        invalid(p, "service", "is missing");
    }

    @Test
    public void serviceNameWithABlankIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("service", "my echo");
        invalid(p, "service", "contains a blank");
    }

    @Test
    public void missingOrOutOfRangePortIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.remove("port");
        invalid(p, "port", "is missing");
        p.put("port", "65536");
        invalid(p, "port", "65536 is outside 0-65535");
        p.put("port", -1);
        invalid(p, "port", "-1 is outside 0-65535");
    }

    @Test
    public void unknownSocketTypeOrProtocolIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("socket_type", "raw");
        invalid(p, "socket_type", "expected stream or dgram");
        p.put("socket_type", "stream");
        p.put("protocol", "sctp");
        invalid(p, "protocol", "expected tcp, tcp4, tcp6, udp, udp4, udp6 or unix");
    }

    private static Map<String, Object> echoUnix() {
        Map<String, Object> p = echoTcpFromFile();
        p.remove("port");
        p.remove("bind");
        p.put("protocol", "unix");
        p.put("path", "/run/echo.sock");
        return p;
    }

    @Test
    public void protocolUnixServesAtItsPathWithAModeForOwnerAndGroupByDefault() {
        ServiceDefinition d = valid(echoUnix());
        assertEquals(Protocol.UNIX, d.protocol());
        assertEquals("/run/echo.sock", d.socketPath());
        assertEquals(0660, d.socketMode());
        assertNull(d.socketOwner());
        assertNull(d.bindAddress());
        Map<String, Object> p = echoUnix();
        p.put("socket_type", "dgram");
        p.put("socket_mode", "0600");
        p.put("socket_owner", "daemon");
        p.put("socket_group", "adm");
        p.put("port", "0");
        ServiceDefinition dgram = valid(p);
        assertEquals(Protocol.UNIX_DGRAM, dgram.protocol());
        assertEquals(0600, dgram.socketMode());
        assertEquals("daemon", dgram.socketOwner());
        assertEquals("adm", dgram.socketGroup());
    }

    @Test
    public void badUnixPropertiesAreNamed() {
        Map<String, Object> p = echoUnix();
        p.remove("path");
        invalid(p, "path", "is missing; protocol = unix needs the absolute path");
        p.put("path", "run/echo.sock");
        invalid(p, "path", "is not an absolute path");
        p = echoUnix();
        p.put("port", "7");
        invalid(p, "port", "'7' does not fit protocol = unix");
        p = echoUnix();
        p.put("bind", "127.0.0.1");
        invalid(p, "bind", "does not fit protocol = unix");
        p = echoUnix();
        p.put("socket_mode", "0999");
        invalid(p, "socket_mode", "is not a file mode");
        p = echoTcpFromFile();
        p.put("path", "/run/echo.sock");
        invalid(p, "path", "needs protocol = unix (protocol is tcp)");
        p = echoTcpFromFile();
        p.put("socket_mode", "0666");
        invalid(p, "socket_mode", "needs protocol = unix");
    }

    @Test
    public void protocolThatDoesNotFitTheSocketTypeIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("protocol", "udp");
        invalid(p, "protocol", "'udp' does not fit socket_type stream; expected tcp, tcp4 or tcp6");
    }

    @Test
    public void waitOtherThanYesOrNoIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("wait", "nowait");
        invalid(p, "wait", "expected yes or no");
    }

    @Test
    public void aValueOfUnicodeWhiteSpaceIsBlank() {
        // found by ServiceConfigMapperFuzzTest: an id (now handler) of U+3000 named a built-in that is a blank
        Map<String, Object> p = echoTcpFromFile();
        p.put("handler", "\u3000");
        assertEquals("echo", valid(p).handler());
        p.put("handler", "\u2003discard\u3000");
        assertEquals("discard", valid(p).handler());
    }

    @Test
    public void bindStarMeansEveryAddress() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("bind", "*");
        assertNull(valid(p).bindAddress());
    }

    @Test
    public void hostNameAsBindAddressIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("bind", "localhost");
        invalid(p, "bind", "is not an IP address");
        p.put("bind", "::1");
        assertEquals("::1", valid(p).bindAddress());
        p.put("bind", "256.0.0.1");
        invalid(p, "bind", "is not an IP address");
    }

    @Test
    public void unsupportedTypeIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("type", "RPC");
        invalid(p, "type", "'RPC' is not supported");
        p.put("type", "INTERNAL UNLISTED");
        assertEquals("echo", valid(p).handler());
    }

    @Test
    public void serviceWithoutProgramOrInternalTypeIsInvalid() {
        invalid(pidConfig("service", "ftp", "port", "21"), "server", "is missing");
    }

    @Test
    public void internalServiceWithAProgramIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("server", "/bin/cat");
        invalid(p, "server", "type is INTERNAL");
    }

    @Test
    public void relativeProgramPathIsInvalid() {
        invalid(pidConfig("service", "x", "port", "1", "server", "cat"), "server", "not an absolute path");
    }

    @Test
    public void instancesOtherThanAPositiveNumberOrUnlimitedIsInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("instances", "0");
        invalid(p, "instances", "expected a positive number or UNLIMITED");
        p.put("instances", "lots");
        invalid(p, "instances", "expected a positive number or UNLIMITED");
        p.put("instances", "UNLIMITED");
        assertEquals(0, valid(p).instances());
    }

    @Test
    public void severalValuesForASingleValuedPropertyAreInvalid() {
        Map<String, Object> p = echoTcpFromFile();
        p.put("port", new String[] {"7", "8"});
        invalid(p, "port", "expected one");
    }
}
