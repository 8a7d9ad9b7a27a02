package org.superserver.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class InheritedEnvironmentTest {

    private static Map<String, String> server() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TZ", "Europe/Berlin");
        env.put("BASH_ENV", "/tmp/evil");
        env.put("LANG", "de_DE.UTF-8");
        env.put("LD_PRELOAD", "/tmp/evil.so");
        env.put("LC_ALL", "C");
        env.put("LC_", "not a locale variable");
        env.put("PERL5OPT", "-Mevil");
        env.put("JAVA_TOOL_OPTIONS", "-javaagent:/tmp/evil.jar");
        env.put("GCONV_PATH", "/tmp");
        env.put("MALLOC_CHECK_", "3");
        env.put("SECRET_TOKEN", "hunter2");
        env.put("tz", "lower case is another name");
        return env;
    }

    @Test
    public void onlyTimeZoneAndLocaleVariablesPassByDefault() {
        Map<String, String> inherited = InheritedEnvironment.of(server(), List.of());
        assertEquals(List.of("TZ", "LANG", "LC_ALL"), List.copyOf(inherited.keySet()));
        assertEquals("Europe/Berlin", inherited.get("TZ"));
    }

    @Test
    public void passenvNamesExactlyWhatElsePasses() {
        Map<String, String> inherited = InheritedEnvironment.of(server(), List.of("SECRET_TOKEN", "MALLOC_*", "NOPE"));
        assertEquals(List.of("TZ", "LANG", "LC_ALL", "SECRET_TOKEN"), List.copyOf(inherited.keySet()));
    }

    @Test
    public void alwaysIsCaseSensitiveAndNeedsANameAfterLc() {
        assertTrue(InheritedEnvironment.always("LC_CTYPE"));
        assertFalse(InheritedEnvironment.always("LC_"));
        assertFalse(InheritedEnvironment.always("lang"));
        assertFalse(InheritedEnvironment.always("LD_LIBRARY_PATH"));
    }

    @Test
    public void passenvIsPartOfTheDefinitionValue() {
        ServiceDefinition.Builder b = ServiceDefinition.builder().name("x").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).port(1).server("/bin/cat").argv(List.of("cat"));
        ServiceDefinition plain = b.build();
        ServiceDefinition passing = b.passenv(List.of("FOO")).build();
        assertEquals(List.of(), plain.passenv());
        assertEquals(List.of("FOO"), passing.passenv());
        assertEquals(passing, passing.toBuilder().build());
        assertFalse(plain.equals(passing));
    }

    @Test
    public void theServiceManagersVariablesNeverPassEvenWhenPassenvNamesThem() {
        Map<String, String> server = new LinkedHashMap<>();
        server.put("LISTEN_PID", "42");
        server.put("LISTEN_FDS", "1");
        server.put("LISTEN_FDNAMES", "echo");
        server.put("NOTIFY_SOCKET", "/run/systemd/notify");
        server.put("FOO", "bar");
        assertEquals(Map.of("FOO", "bar"), InheritedEnvironment.of(server,
                List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "FOO")));
    }
}
