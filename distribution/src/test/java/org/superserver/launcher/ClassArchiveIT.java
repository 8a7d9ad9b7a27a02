package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.launcher.ServedPorts.freePort;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The class-data-sharing archive the build makes (lib/superserver.jsa): made for the build's own
 * Java runtime and read-only; a start on that runtime maps it; bin/superserver passes it to that
 * runtime only, never to another one.
 */
public class ClassArchiveIT {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    @Rule
    public final Distribution distribution = new Distribution();

    private final Path home = distribution.home();

    @Test
    public void theBuildMadeAReadOnlyArchiveForItsOwnRuntime() throws Exception {
        Path archive = home.resolve("lib/superserver.jsa");
        assertTrue("no " + archive + " (see the build's class-archive lines)", Files.size(archive) > 0);
        for (Path made : List.of(archive, home.resolve("lib/superserver.jsa.runtime"))) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(made);
            assertEquals(made.toString(), "r--r--r--", PosixFilePermissions.toString(permissions));
        }
        String runtime = Files.readString(home.resolve("lib/superserver.jsa.runtime")).trim();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString();
        assertTrue(runtime + " names " + java, runtime.startsWith(java + " "));
        assertTrue(runtime, runtime.endsWith(" " + Runtime.version()));
    }

    @Test
    public void aStartOnThatRuntimeMapsTheArchiveAndServes() throws Exception {
        int port = freePort();
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Path log = folder.getRoot().toPath().resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/superserver").toString(), "--inetd",
                conf.toString(), "--data", folder.newFolder("data").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JAVA_OPTS");
        Process server = distribution.started(builder.start());

        String answer = ServedPorts.awaitDaytime(server, port, log);
        assertTrue(answer, answer.endsWith("\r\n"));
        String maps = Files.readString(Path.of("/proc", Long.toString(server.pid()), "maps"));
        assertTrue("the archive is mapped", maps.contains(home.resolve("lib/superserver.jsa").toRealPath().toString()));
        assertFalse("no CDS warning reaches the log: " + Files.readString(log), Files.readString(log).contains("[cds]"));
    }

    @Test
    public void theStartScriptPassesTheArchiveToTheRuntimeThatMadeItOnly() throws Exception {
        Path copy = folder.newFolder("home").toPath();
        Files.createDirectories(copy.resolve("bin"));
        Files.createDirectories(copy.resolve("lib"));
        Files.copy(home.resolve("bin/superserver"), copy.resolve("bin/superserver"));
        Files.writeString(copy.resolve("lib/superserver.jsa"), "stand-in", StandardCharsets.UTF_8);
        Path javaHome = folder.newFolder("runtime").toPath();
        Path recorded = javaHome.resolve("args");
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a; do printf '%s\\n' \"$a\"; done > '" + recorded + "'\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n"
                + "JAVA_RUNTIME_VERSION=\"17.0.15+6\"\n", StandardCharsets.UTF_8);
        String option = "-XX:SharedArchiveFile=" + copy.resolve("lib/superserver.jsa");

        Files.writeString(copy.resolve("lib/superserver.jsa.runtime"), java.toRealPath() + " 17.0.15+6\n");
        assertTrue(launch(copy, javaHome, recorded).contains(option));

        Files.writeString(copy.resolve("lib/superserver.jsa.runtime"), java.toRealPath() + " 17.0.16+8\n");
        assertFalse("another build of the runtime", launch(copy, javaHome, recorded).contains(option));

        Files.writeString(copy.resolve("lib/superserver.jsa.runtime"), "/usr/bin/elsewhere 17.0.15+6\n");
        assertFalse("another runtime of the same version", launch(copy, javaHome, recorded).contains(option));

        Files.delete(copy.resolve("lib/superserver.jsa.runtime"));
        List<String> args = launch(copy, javaHome, recorded);
        assertFalse("no runtime file", args.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")));
        assertTrue(args.toString(), args.contains("org.superserver.launcher.Launcher"));
    }

    private List<String> launch(Path copy, Path javaHome, Path recorded) throws Exception {
        Files.deleteIfExists(recorded);
        ProcessBuilder builder = new ProcessBuilder(copy.resolve("bin/superserver").toString(), "--data",
                folder.newFolder().toString()).redirectErrorStream(true)
                .redirectOutput(folder.newFile().toPath().toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        Process process = builder.start();
        assertTrue("bin/superserver did not finish", process.waitFor(30, TimeUnit.SECONDS));
        assertTrue("the stand-in java never ran", Files.exists(recorded));
        return Files.readAllLines(recorded, StandardCharsets.UTF_8);
    }
}
