package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** The environment of spawn and aclexec commands, built from a given server environment. */
public class SpawnEnvironmentTest {

    private static final ConnectionInfo CLIENT = new ConnectionInfo("id", "finger", Protocol.TCP,
            Hosts.endpoint("127.0.0.1", 79), Hosts.endpoint("127.0.0.2", 40001), Instant.now());

    @Test
    public void onlyTheAllowListAndPassenvComeFromTheServerThenWhatTheServiceGets() {
        Map<String, String> server = new LinkedHashMap<>();
        server.put("LD_PRELOAD", "/tmp/evil.so");
        server.put("LD_LIBRARY_PATH", "/tmp");
        server.put("BASH_ENV", "/tmp/evil.sh");
        server.put("PERL5OPT", "-Mevil");
        server.put("JAVA_TOOL_OPTIONS", "-javaagent:/tmp/evil.jar");
        server.put("GCONV_PATH", "/tmp");
        server.put("MALLOC_CHECK_", "3");
        server.put("AWS_SECRET_ACCESS_KEY", "secret");
        server.put("PATH", "/tmp/bin:/usr/bin");
        server.put("HOME", "/home/admin");
        server.put("TZ", "UTC");
        server.put("LANG", "C.UTF-8");
        server.put("LC_ALL", "C");
        server.put("FOO", "passed");
        server.put("REMOTE_ADDR", "10.9.9.9");
        ServiceDefinition finger = ServiceDefinition.builder().name("finger").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).port(79).server("/usr/sbin/tcpd").argv(List.of("in.fingerd"))
                .passenv(List.of("FOO")).env(Map.of("SERVICE_VAR", "from the definition")).build();
        Map<String, String> env = SpawnEnvironment.of(server, finger, CLIENT, "daemon", "/usr/sbin");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("TZ", "UTC");
        expected.put("LANG", "C.UTF-8");
        expected.put("LC_ALL", "C");
        expected.put("FOO", "passed");
        expected.put("PATH", SpawnEnvironment.PATH);
        expected.put("HOME", "/usr/sbin");
        expected.put("SHELL", "/bin/sh");
        expected.put("USER", "daemon");
        expected.put("LOGNAME", "daemon");
        expected.put("PROTO", "TCP");
        expected.put("TCPREMOTEIP", "127.0.0.2");
        expected.put("TCPREMOTEPORT", "40001");
        expected.put("TCPLOCALIP", "127.0.0.1");
        expected.put("TCPLOCALPORT", "79");
        expected.put("REMOTE_HOST", "127.0.0.2");
        expected.put("REMOTE_ADDR", "127.0.0.2");
        expected.put("REMOTE_PORT", "40001");
        expected.put("SERVICE_VAR", "from the definition");
        assertEquals(expected, env);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(env.keySet()));
    }

    @Test
    public void aDatagramClientIsNamedWithUdpVariables() {
        ConnectionInfo udp = new ConnectionInfo("id", "tftp", Protocol.UDP, Hosts.endpoint("::1", 69),
                Hosts.endpoint("::1", 5000), Instant.now());
        ServiceDefinition tftp = ServiceDefinition.builder().name("tftp").socketType(SocketType.DGRAM)
                .protocol(Protocol.UDP).port(69).server("/usr/sbin/in.tftpd").argv(List.of("in.tftpd")).build();
        Map<String, String> env = SpawnEnvironment.of(Map.of(), tftp, udp, "root", "");
        assertEquals("UDP", env.get("PROTO"));
        assertEquals("0:0:0:0:0:0:0:1", env.get("UDPREMOTEIP"));
        assertEquals("5000", env.get("UDPREMOTEPORT"));
        assertEquals("/", env.get("HOME"));
    }
}
