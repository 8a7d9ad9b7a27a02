package org.superserver.config.cm.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;
import org.superserver.api.LogField;
import org.superserver.api.LogTarget;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;

/** The xinetd properties beyond inetd's fields: limits, redirect, process, logging, flags, access. */
public class ExtendedPropertiesTest {

    private static Map<String, Object> program(Object... keyValues) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("service.pid", "org.superserver.service~finger");
        p.put("service", "finger");
        p.put("port", "10079");
        p.put("server", "/usr/sbin/in.fingerd");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static ServiceDefinition valid(Map<String, Object> p) {
        MappingResult r = ServiceConfigMapper.map(p);
        assertTrue("expected a valid configuration but got " + r, r.isValid() && r.definition() != null);
        return r.definition();
    }

    private static void invalid(Map<String, Object> p, String property, String fragment) {
        MappingResult r = ServiceConfigMapper.map(p);
        assertFalse("expected property " + property + " to be invalid: " + r, r.isValid());
        assertEquals(property, r.property());
        assertTrue("'" + r.problem() + "' should contain '" + fragment + "'", r.problem().contains(fragment));
        assertEquals("Configuration Admin org.superserver.service~finger", r.origin());
    }

    @Test
    public void limitsAreTypedFields() {
        ServiceDefinition d = valid(program("per_source", "3", "cps", "10 5", "max_load", "2.5",
                "max_per_minute", "40", "instances", "20"));
        assertEquals(3, d.perSource());
        assertEquals(10, d.cps());
        assertEquals(5, d.cpsPauseSeconds());
        assertEquals(2.5, d.maxLoad(), 0);
        assertEquals(40, d.maxPerMinute());
        assertEquals(20, d.instances());
        assertTrue(d.attributes().isEmpty());
        assertTrue("limits need no access policy", d.policies().isEmpty());
    }

    @Test
    public void cpsMayBeAListOfTheTwoNumbers() {
        ServiceDefinition d = valid(program("cps", new String[] {"25", "30"}));
        assertEquals(25, d.cps());
        assertEquals(30, d.cpsPauseSeconds());
    }

    @Test
    public void badLimitsAreNamed() {
        invalid(program("cps", "10"), "cps", "two numbers");
        invalid(program("cps", "10 0"), "cps", "at least 1");
        invalid(program("per_source", "0"), "per_source", "positive number or UNLIMITED");
        invalid(program("max_load", "-1"), "max_load", "load average");
        invalid(program("max_load", "NaN"), "max_load", "load average");
        invalid(program("max_per_minute", "x"), "max_per_minute", "UNLIMITED");
    }

    @Test
    public void redirectRelaysInsteadOfAServer() {
        Map<String, Object> p = program("redirect", "127.0.0.2 8080");
        p.remove("server");
        ServiceDefinition d = valid(p);
        assertTrue(d.isRedirect());
        assertEquals("127.0.0.2", d.redirectHost());
        assertEquals(8080, d.redirectPort());
        assertNull(d.server());
        invalid(program("redirect", "127.0.0.2 8080"), "redirect", "one of redirect, server and type INTERNAL");
        Map<String, Object> noPort = program("redirect", "127.0.0.2");
        noPort.remove("server");
        invalid(noPort, "redirect", "host and a port");
        Map<String, Object> waiting = program("redirect", "127.0.0.2 80", "wait", "yes");
        waiting.remove("server");
        invalid(waiting, "redirect", "wait");
    }

    @Test
    public void processAttributesApplyToTheStartedServer() {
        ServiceDefinition d = valid(program("nice", "10", "umask", "027", "groups", "no", "rlimit_as", "64M",
                "rlimit_cpu", "30", "rlimit_files", "UNLIMITED", "rlimit_stack", "512K", "env", "LANG=C TZ=UTC"));
        assertEquals(Integer.valueOf(10), d.nice());
        assertEquals(Integer.valueOf(027), d.umask());
        assertFalse(d.supplementaryGroups());
        assertEquals(Long.valueOf(64L << 20), d.resourceLimits().get(ResourceLimit.AS));
        assertEquals(Long.valueOf(30), d.resourceLimits().get(ResourceLimit.CPU));
        assertEquals(Long.valueOf(ServiceDefinition.UNLIMITED), d.resourceLimits().get(ResourceLimit.NOFILE));
        assertEquals(Long.valueOf(512L << 10), d.resourceLimits().get(ResourceLimit.STACK));
        assertEquals(Map.of("LANG", "C", "TZ", "UTC"), d.env());
        ServiceDefinition plain = valid(program());
        assertNull(plain.nice());
        assertNull(plain.umask());
        assertTrue("as inetd, a server gets its user's groups unless groups = no", plain.supplementaryGroups());
        assertTrue(plain.resourceLimits().isEmpty());
    }

    @Test
    public void theSandboxIsOffUnlessAskedAndCapabilityNamesAreCanonical() {
        ServiceDefinition plain = valid(program());
        assertFalse(plain.noNewPrivs());
        assertNull(plain.capabilities());
        assertFalse(plain.privateTmp());
        ServiceDefinition boxed = valid(program("no_new_privs", "yes", "capabilities", "none", "private_tmp", "yes"));
        assertTrue(boxed.noNewPrivs());
        assertEquals(java.util.Set.of(), boxed.capabilities());
        assertTrue(boxed.privateTmp());
        ServiceDefinition keeps = valid(program("capabilities", "net_bind_service CAP_NET_RAW"));
        assertEquals(java.util.Set.of("CAP_NET_BIND_SERVICE", "CAP_NET_RAW"), keeps.capabilities());
        assertNull(valid(program("capabilities", " ")).capabilities());
    }

    @Test
    public void badSandboxPropertiesAreNamed() {
        invalid(program("no_new_privs", "maybe"), "no_new_privs", "yes or no");
        invalid(program("private_tmp", "1"), "private_tmp", "yes or no");
        invalid(program("capabilities", "CAP_NET_BIND_SERVICE CAP_FLY"), "capabilities", "'CAP_FLY' is not a capability");
        invalid(program("capabilities", "none CAP_NET_RAW"), "capabilities", "cannot be combined");
    }

    @Test
    public void badProcessAttributesAreNamed() {
        invalid(program("nice", "20"), "nice", "-20 to 19");
        invalid(program("umask", "8"), "umask", "octal");
        invalid(program("umask", "1000"), "umask", "octal");
        invalid(program("groups", "maybe"), "groups", "yes or no");
        invalid(program("rlimit_cpu", "1M"), "rlimit_cpu", "UNLIMITED");
        invalid(program("rlimit_as", "-1"), "rlimit_as", "K and M");
        invalid(program("env", "=x"), "env", "NAME=value");
    }

    @Test
    public void loggingFieldsAndTarget() {
        ServiceDefinition d = valid(program("log_on_success", "PID HOST TRAFFIC", "log_on_failure", "HOST ATTEMPT",
                "log_type", "FILE /var/log/finger.log 5K 6K"));
        assertEquals(EnumSet.of(LogField.PID, LogField.HOST, LogField.TRAFFIC), d.logOnSuccess());
        assertEquals(EnumSet.of(LogField.HOST, LogField.ATTEMPT), d.logOnFailure());
        assertEquals(LogTarget.file("/var/log/finger.log", 5120, 6144), d.logTarget());
        assertEquals(LogTarget.syslog("daemon", "info"), valid(program("log_type", "SYSLOG daemon")).logTarget());
        assertEquals(Set.of(), valid(program("log_on_success", "")).logOnSuccess());
        assertEquals(ServiceDefinition.DEFAULT_LOG_ON_SUCCESS, valid(program()).logOnSuccess());
        invalid(program("log_on_success", "ATTEMPT"), "log_on_success", "PID");
        invalid(program("log_on_failure", "EXIT"), "log_on_failure", "ATTEMPT");
        invalid(program("log_type", "FILE relative.log"), "log_type", "absolute");
        invalid(program("log_type", "FILE /x 10 5"), "log_type", "below the soft limit");
        invalid(program("log_type", "STDERR"), "log_type", "SYSLOG facility");
    }

    @Test
    public void flagsSetSocketOptionsAndAreKeptUpperCase() {
        ServiceDefinition d = valid(program("flags", "KEEPALIVE nodelay IPv6", "v6only", "yes"));
        assertTrue(d.keepAlive());
        assertTrue(d.noDelay());
        assertTrue(d.v6Only());
        assertEquals(List.of("KEEPALIVE", "NODELAY", "IPV6"), d.attribute("flags"));
        assertTrue("flags without SENSOR need no access policy", d.policies().isEmpty());
        invalid(program("flags", "KEEPALIVE BOGUS"), "flags", "not an xinetd flag");
    }

    @Test
    public void nameInArgsMakesServerArgsStartWithArgv0() {
        ServiceDefinition d = valid(program("flags", "NAMEINARGS", "server_args", "fingerd -w"));
        assertEquals(List.of("fingerd", "-w"), d.argv());
        invalid(program("flags", "NAMEINARGS"), "server_args", "argv[0]");
    }

    @Test
    public void anAccessAttributeMakesTheServiceAskTheXinetdPolicy() {
        ServiceDefinition d = valid(program("only_from", "127.0.0.1 10.0.0.0/8", "policies", "tcpd"));
        assertEquals(List.of("127.0.0.1", "10.0.0.0/8"), d.attribute("only_from"));
        assertEquals(List.of("tcpd", "xinetd"), d.policies());
        for (String key : List.of("no_access", "access_times", "banner", "banner_success", "deny_time", "libwrap")) {
            Object value = key.equals("access_times") ? "08:00-18:30" : key.startsWith("banner") ? "/etc/b" : "10";
            ServiceDefinition one = valid(program(key, value));
            assertEquals(key, List.of("xinetd"), one.policies());
            assertTrue(key, one.attributes().containsKey(key));
        }
        assertEquals(List.of("xinetd"), valid(program("flags", "SENSOR", "deny_time", "forever")).policies());
        assertEquals(List.of("FOREVER"), valid(program("deny_time", "forever")).attribute("deny_time"));
        assertEquals("xinetd is listed once", List.of("xinetd"),
                valid(program("only_from", "127.0.0.1", "policies", "xinetd")).policies());
    }

    @Test
    public void onlyFromPresentButEmptyAllowsNobody() {
        ServiceDefinition d = valid(program("only_from", ""));
        assertTrue(d.attributes().containsKey("only_from"));
        assertEquals(List.of(), d.attribute("only_from"));
        assertEquals(List.of("xinetd"), d.policies());
    }

    @Test
    public void badAccessAttributesAreNamed() {
        invalid(program("access_times", "8-18"), "access_times", "hh:mm-hh:mm");
        invalid(program("banner", "welcome.txt"), "banner", "absolute");
        invalid(program("banner_fail", "busy.txt"), "banner_fail", "absolute");
        invalid(program("deny_time", "soon"), "deny_time", "FOREVER or NEVER");
        invalid(program("libwrap", "a b"), "libwrap", "one daemon name");
    }

    @Test
    public void optionalPoliciesAreAskedWhenInstalled() {
        ServiceDefinition d = valid(program("optional_policies", "tcpd"));
        assertEquals(List.of("tcpd"), d.optionalPolicies());
        assertTrue(d.policies().isEmpty());
        invalid(program("optional_policies", "-x"), "optional_policies", "policy name");
    }
}
