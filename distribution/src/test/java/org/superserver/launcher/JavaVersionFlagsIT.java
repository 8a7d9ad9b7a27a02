package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bin/superserver chooses its version-dependent JVM flags from the runtime's {@code release} file,
 * without starting a JVM to ask: periodic native heap trimming from 17.0.9 and 21.0.1 (not 18 to
 * 20, nor 21.0.0), and on 24 and later the native and Unsafe access that Netty, JNA and Felix use.
 * The runtime here is a stand-in {@code bin/java} that records its arguments and exits.
 */
public class JavaVersionFlagsIT {

    private static final String TRIM = "-XX:TrimNativeHeapInterval=5000";
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final Path home = Path.of(System.getProperty("superserver.home", "target/superserver"));

    @Test
    public void theReleaseFileDecidesTheFlags() throws Exception {
        assertFlags("17.0.15", true, false);
        assertFlags("17.0.8", false, false);
        assertFlags("19.0.2", false, false);
        assertFlags("21", false, false);
        assertFlags("21.0.1", true, false);
        assertFlags("25.0.3", true, true);
    }

    @Test
    public void aRuntimeWithoutAReleaseFileIsAskedInstead() throws Exception {
        List<String> args = launch(null, "echo 'openjdk version \"25.0.1\" 2025-10-21'");
        assertTrue(String.join(" ", args), args.contains(NATIVE_ACCESS));
    }

    private void assertFlags(String version, boolean trim, boolean nativeAccess) throws Exception {
        List<String> args = launch(version, "exit 1");
        assertEquals(version + ": " + args, trim, args.contains(TRIM));
        assertEquals(version + ": " + args, nativeAccess, args.contains(NATIVE_ACCESS));
        assertTrue(version + ": the launcher itself was started: " + args,
                args.contains("org.superserver.launcher.Launcher"));
    }

    /**
     * Runs bin/superserver with a JAVA_HOME whose release file says {@code version} (none when
     * null) and whose java records the arguments of the launch (one a line); asked for its
     * version (-version), it runs {@code versionAnswer}.
     */
    private List<String> launch(String version, String versionAnswer) throws IOException, InterruptedException {
        Path javaHome = folder.newFolder().toPath();
        Path bin = Files.createDirectories(javaHome.resolve("bin"));
        Path recorded = javaHome.resolve("args");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "for a; do [ \"$a\" = -version ] && { " + versionAnswer + "; exit $?; }; done\n"
                + "for a; do printf '%s\\n' \"$a\"; done > '" + recorded + "'\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (version != null) {
            Files.writeString(javaHome.resolve("release"),
                    "JAVA_VERSION=\"" + version + "\"\nJAVA_VERSION_DATE=\"2025-01-01\"\n", StandardCharsets.UTF_8);
        }
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/superserver").toString(), "--data",
                folder.newFolder().toString()).redirectErrorStream(true)
                .redirectOutput(folder.newFile().toPath().toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        Process process = builder.start();
        assertTrue("bin/superserver did not finish", process.waitFor(30, TimeUnit.SECONDS));
        assertTrue("the stand-in java never ran", Files.exists(recorded));
        return Files.readAllLines(recorded, StandardCharsets.UTF_8);
    }
}
