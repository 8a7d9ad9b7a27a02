package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The distribution starts exec'd services through the core's own libsuperserver-spawn (built with
 * the core bundle where a C compiler is, which the build of this test needs), loaded from the
 * bundle inside the framework: the SPAWN line says so, a child gets the connection, and the
 * open-file limit bin/superserver was started with, not the server's raised one.
 */
public class SpawnLibraryIT {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    @Rule
    public final Distribution distribution = new Distribution();

    @Test
    public void childrenAreStartedByTheCoresLibraryWithTheOpenFileLimitOfTheStart() throws Exception {
        assumeTrue("the core bundle was built without a C compiler (cc): no libsuperserver-spawn in it",
                coreCarriesTheLibrary());
        Path dir = folder.getRoot().toPath();
        Path script = dir.resolve("limits.sh");
        Files.writeString(script, "#!/bin/sh\nread -r line\necho \"$line $(ulimit -n):$(ulimit -Hn)\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        int daytime = ServedPorts.freePort();
        int limits = ServedPorts.freePort();
        Path conf = folder.newFile("xinetd.conf").toPath();
        Files.writeString(conf, ServedPorts.xinetdDaytime(daytime)
                + "service limits\n{\n    type = UNLISTED\n    socket_type = stream\n    protocol = tcp\n"
                + "    wait = no\n    bind = 127.0.0.1\n    port = " + limits + "\n"
                + "    user = " + System.getProperty("user.name") + "\n    server = " + script + "\n}\n");
        Path log = dir.resolve("server.log");
        // started with a soft limit of 256, which bin/superserver records for the children and the
        // server raises to the hard one for itself
        String hard = hardOpenFileLimit();
        Process server = distribution.start("ulimit -Sn 256", log, "--xinetd", conf.toString(), "--data",
                folder.newFolder("data").toString());
        ServedPorts.awaitDaytime(server, daytime, log);
        // the services of one file are bound one after the other: daytime answering says nothing of limits
        ServedPorts.awaitLog(log, "LISTEN service=limits ");

        assertEquals("hello 256:" + hard + "\n", exchange(limits, "hello\n"));
        String text = Files.readString(log);
        assertTrue("children are started by the core's library: " + text,
                text.contains("SPAWN method=clone (libsuperserver-spawn)"));
        assertTrue("the server raised its own limit: " + text,
                text.contains("LIMITS nofile=" + hard + ":" + hard + " children=256:" + hard));
    }

    /** Whether the core bundle in bundle/ has libsuperserver-spawn for some platform. */
    private boolean coreCarriesTheLibrary() throws IOException {
        for (Path jar : distribution.bundles("superserver-core-")) {
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                if (zip.stream().anyMatch(e -> e.getName().endsWith("/libsuperserver-spawn.so"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** This process's hard open-file limit, as ulimit prints it. */
    private static String hardOpenFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return line.substring("Max open files".length()).trim().split("\\s+")[1];
            }
        }
        throw new AssertionError("no open-file limit in /proc/self/limits");
    }

    /** What the service on 127.0.0.1:{@code port} answers to {@code line} before it closes. */
    private static String exchange(int port, String line) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
