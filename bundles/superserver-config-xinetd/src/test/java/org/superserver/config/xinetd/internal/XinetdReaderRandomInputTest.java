package org.superserver.config.xinetd.internal;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;

/**
 * Randomized input, from a fixed seed so that a failure repeats: files made of xinetd.conf's
 * statements, attributes, operators and values shuffled and mutated, and plain random bytes.
 * Whatever the input, reading returns: every problem is a diagnostic naming a file, a line of it
 * (or 0) and, for errors, an attribute; every definition is complete.
 */
public class XinetdReaderRandomInputTest {

    private static final String[] STARTS = {"service echo", "service time", "service ftp", "service mine", "defaults",
        "{", "}", "include other", "includedir dir", "# comment", "", "service", "servce x", " { ", "}}"};
    private static final String[] ATTRIBUTES = {"id", "type", "flags", "disable", "socket_type", "protocol", "wait",
        "user", "group", "instances", "nice", "server", "server_args", "only_from", "no_access", "access_times",
        "log_type", "log_on_success", "log_on_failure", "env", "passenv", "port", "redirect", "bind", "interface",
        "banner", "banner_success", "banner_fail", "per_source", "groups", "umask", "cps", "max_load", "deny_time",
        "rlimit_as", "rlimit_cpu", "rlimit_data", "rlimit_rss", "rlimit_stack", "rlimit_files", "v6only", "libwrap",
        "mdns", "enabled", "disabled", "rpc_version", "bogus"};
    private static final String[] OPS = {"=", "+=", "-=", "==", "", "=+"};
    private static final String[] VALUES = {"INTERNAL", "UNLISTED", "RPC", "stream", "dgram", "tcp", "udp", "yes", "no",
        "root", "/bin/cat", "/usr/bin/printf", "%s", "7", "65536", "-1", "0", "UNLIMITED", "8M", "2K", "1.5", "022",
        "0999", "IPv4", "IPv6", "NAMEINARGS", "SENSOR", "NOLIBWRAP", "INTERCEPT", "PID", "HOST", "TRAFFIC", "ATTEMPT",
        "FILE", "/var/log/x", "SYSLOG", "daemon", "info", "127.0.0.1", "::1", "[::1]", "10.0.0.{1,2}", "1,2",
        "2:00-9:00", "25:00-1:00", "A=1", "NOEQ", "PATH", "50", "10", "FOREVER", "echo-stream", "loopback.test", "#",
        "\u00e9", "x"};

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void plausibleFilesReadToDiagnosticsAndCompleteDefinitions() throws IOException {
        Random random = new Random(20261205L);
        for (int i = 0; i < 600; i++) {
            StringBuilder text = new StringBuilder();
            int lines = random.nextInt(40);
            for (int l = 0; l < lines; l++) {
                if (random.nextInt(4) == 0) {
                    text.append(pick(random, STARTS));
                } else {
                    text.append(random.nextBoolean() ? "\t" : "").append(pick(random, ATTRIBUTES))
                            .append(random.nextInt(8) == 0 ? "" : " ").append(pick(random, OPS));
                    int values = random.nextInt(4);
                    for (int v = 0; v < values; v++) {
                        text.append(' ').append(pick(random, VALUES));
                    }
                }
                text.append(random.nextInt(20) == 0 ? "\r\n" : "\n");
            }
            check(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    public void randomBytesReadToDiagnostics() throws IOException {
        Random random = new Random(5122026L);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[random.nextInt(2000)];
            random.nextBytes(bytes);
            check(bytes);
        }
    }

    private static String pick(Random random, String[] from) {
        return from[random.nextInt(from.length)];
    }

    private void check(byte[] bytes) throws IOException {
        Path dir = tmp.getRoot().toPath();
        Path file = dir.resolve("xinetd.conf");
        Files.write(file, bytes);
        Files.write(dir.resolve("other"), bytes);
        Files.createDirectories(dir.resolve("dir"));
        Files.write(dir.resolve("dir").resolve("one"), bytes);
        List<Diagnostic> problems = new ArrayList<>();
        List<ServiceDefinition> definitions = Conf.reader().read(file, problems::add);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int lines = text.split("\n", -1).length;
        for (Diagnostic d : problems) {
            assertTrue(d.toString(), d.line() >= 0 && d.line() <= lines);
            assertTrue(d.toString(), !d.isError() || d.field() != null || d.message().contains("starts no statement")
                    || d.message().contains("'{'") || d.message().contains("'}'"));
        }
        for (ServiceDefinition d : definitions) {
            assertTrue(d.toString(), d.id().startsWith("xinetd:") && d.origin() != null);
            assertTrue(d.toString(), d.policies().isEmpty() || d.policies().equals(List.of("xinetd")));
        }
    }
}
