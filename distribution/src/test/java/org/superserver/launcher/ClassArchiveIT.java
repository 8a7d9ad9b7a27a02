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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The class-data-sharing archive the build makes (lib/superserver.jsa): made for the build's own
 * Java runtime and installation, and read-only; a start on that runtime maps it; bin/superserver
 * passes it to that runtime in that installation only, and says when it does not fit; 'superserver
 * archive' makes one for a copied installation.
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
        assertTrue("no " + archive + " (see the build's 'superserver archive' line)", Files.size(archive) > 0);
        for (Path made : List.of(archive, home.resolve("lib/superserver.jsa.runtime"))) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(made);
            assertEquals(made.toString(), "r--r--r--", PosixFilePermissions.toString(permissions));
        }
        List<String> record = Files.readAllLines(home.resolve("lib/superserver.jsa.runtime"));
        assertEquals(record.toString(), 2, record.size());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString();
        assertEquals(java + " " + Runtime.version(), record.get(0));
        assertEquals(home.toRealPath().toString(), record.get(1));
        for (String jar : List.of("lib/superserver-launcher.jar", "lib/org.apache.felix.main.jar",
                "bundle/" + distribution.bundles("superserver-api-").get(0).getFileName())) {
            Path stamp = home.resolve("lib/superserver.jsa.stamps").resolve(Path.of(jar).getFileName());
            assertEquals(jar, Files.getLastModifiedTime(home.resolve(jar)), Files.getLastModifiedTime(stamp));
            assertEquals(stamp.toString(), "r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(stamp)));
        }
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
        // -Xshare:on: the JVM refuses to start at all unless it maps the archive (a refused archive's
        // pages may stay mapped, so /proc/PID/maps alone cannot tell).
        builder.environment().put("JAVA_OPTS", "-Xshare:on");
        Process server = distribution.started(builder.start());

        String answer = ServedPorts.awaitDaytime(server, port, log);
        assertTrue(answer, answer.endsWith("\r\n"));
        String maps = Files.readString(Path.of("/proc", Long.toString(server.pid()), "maps"));
        assertTrue("the archive is mapped", maps.contains(home.resolve("lib/superserver.jsa").toRealPath().toString()));
        assertFalse("no CDS warning reaches the log: " + Files.readString(log), Files.readString(log).contains("[cds]"));
        assertFalse("the archive fits: " + Files.readString(log), Files.readString(log).contains("superserver:"));
    }

    @Test
    public void aCopiedInstallationSaysItsArchiveDoesNotFitUntilSuperserverArchiveMakesOne() throws Exception {
        Path copy = folder.getRoot().toPath().resolve("copy");
        Process cp = new ProcessBuilder("cp", "-a", home.toString(), copy.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor());
        Path archive = copy.toRealPath().resolve("lib/superserver.jsa");
        String before = Files.readString(home.resolve("lib/superserver.jsa.runtime"));
        int port = freePort();
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");

        Path unfit = folder.getRoot().toPath().resolve("unfit.log");
        Process server = start(copy, unfit, conf, null);
        ServedPorts.awaitDaytime(server, port, unfit);
        String hint = "superserver: no class-data-sharing archive for this installation and Java runtime"
                + " (lib/superserver.jsa was made for the installation in " + home.toRealPath() + ");"
                + " 'superserver archive' makes one, for a first answer about a fifth sooner";
        assertTrue(Files.readString(unfit), Files.readString(unfit).startsWith(hint + "\n"));
        assertFalse("the copy's archive is not passed to the runtime",
                Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline")).contains("SharedArchiveFile"));
        stop(server);

        // A service of the installation's deploy/: the training start neither serves nor binds it.
        int deployed = freePort();
        Path cfg = copy.resolve("deploy/org.superserver.service-deployed.cfg");
        Files.writeString(cfg, "service = daytime\ntype = INTERNAL\nsocket_type = stream\nprotocol = tcp\n"
                + "bind = 127.0.0.1\nport = " + deployed + "\nwait = no\n");
        Path made = folder.getRoot().toPath().resolve("archive.out");
        ProcessBuilder archiving = new ProcessBuilder(copy.resolve("bin/superserver").toString(), "archive")
                .redirectErrorStream(true).redirectOutput(made.toFile());
        archiving.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process archiver = archiving.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int accepted = 0;
        while (!archiver.waitFor(20, TimeUnit.MILLISECONDS)) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", deployed), 1_000);
                accepted++;
            } catch (IOException refused) {
                // nothing listens there: as it should be
            }
            assertTrue("superserver archive did not finish within 120 s", System.nanoTime() < deadline);
        }
        assertEquals("connections to deploy/'s port during the training start", 0, accepted);
        Files.delete(cfg);
        assertEquals(Files.readString(made), 0, archiver.exitValue());
        assertTrue(Files.readString(made), Files.readString(made).startsWith("superserver archive: made " + archive + " for "));
        assertEquals(List.of(before.lines().findFirst().orElseThrow(), copy.toRealPath().toString()),
                Files.readAllLines(copy.resolve("lib/superserver.jsa.runtime")));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));
        assertEquals("the installation it was copied from keeps its own", before,
                Files.readString(home.resolve("lib/superserver.jsa.runtime")));

        // -Xshare:on: the JVM refuses to start at all unless it maps the archive.
        Path fit = folder.getRoot().toPath().resolve("fit.log");
        server = start(copy, fit, conf, "-Xshare:on");
        ServedPorts.awaitDaytime(server, port, fit);
        assertTrue("the archive is mapped",
                Files.readString(Path.of("/proc", Long.toString(server.pid()), "maps")).contains(archive.toString()));
        ServedPorts.awaitLog(fit, "Superserver started");
        stop(server);
        assertFalse(Files.readString(fit), Files.readString(fit).contains("superserver:"));

        // A jar replaced by another (the same classes, stored uncompressed) with an older time, which
        // the JVM would refuse without a word: the start says so and passes no archive.
        Path launcher = copy.resolve("lib/superserver-launcher.jar");
        long size = Files.size(launcher);
        uncompressed(launcher);
        assertTrue(size + " -> " + Files.size(launcher), Files.size(launcher) > size);
        Files.setLastModifiedTime(launcher, FileTime.fromMillis(946_684_800_000L));
        Path replaced = folder.getRoot().toPath().resolve("replaced.log");
        server = start(copy, replaced, conf, null);
        ServedPorts.awaitDaytime(server, port, replaced);
        assertTrue(Files.readString(replaced), Files.readString(replaced).startsWith("superserver: no class-data-sharing"
                + " archive for this installation and Java runtime (lib/superserver-launcher.jar changed after"
                + " lib/superserver.jsa was made); 'superserver archive' makes one"));
        assertFalse(Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline")).contains("SharedArchiveFile"));
        stop(server);
    }

    /** Writes {@code jar} again with the same entries in the same order, without compression. */
    private static void uncompressed(Path jar) throws IOException {
        Path written = jar.resolveSibling(jar.getFileName() + ".new");
        try (ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(written))) {
            out.setLevel(Deflater.NO_COMPRESSION);
            for (ZipEntry entry : Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream content = in.getInputStream(entry)) {
                    content.transferTo(out);
                }
                out.closeEntry();
            }
        }
        Files.move(written, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    private Process start(Path copy, Path log, Path conf, String javaOpts) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(copy.resolve("bin/superserver").toString(), "--inetd",
                conf.toString(), "--data", folder.getRoot().toPath().resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        if (javaOpts == null) {
            builder.environment().remove("JAVA_OPTS");
        } else {
            builder.environment().put("JAVA_OPTS", javaOpts);
        }
        return distribution.started(builder.start());
    }

    private static void stop(Process server) throws InterruptedException {
        server.destroy();
        assertTrue("the server did not stop on SIGTERM", server.waitFor(30, TimeUnit.SECONDS));
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
        Path archive = copy.resolve("lib/superserver.jsa");
        String option = "-XX:SharedArchiveFile=" + archive;
        Path record = copy.resolve("lib/superserver.jsa.runtime");
        String installation = copy.toRealPath().toString();
        String hint = "superserver: no class-data-sharing archive for this installation and Java runtime (";

        Files.writeString(record, java.toRealPath() + " 17.0.15+6\n" + installation + "\n");
        assertTrue(launch(copy, javaHome, recorded).contains(option));
        assertFalse(output, output.contains(hint));

        Files.writeString(record, java.toRealPath() + " 17.0.16+8\n" + installation + "\n");
        assertFalse("another build of the runtime", launch(copy, javaHome, recorded).contains(option));
        assertTrue(output, output.startsWith(hint + "lib/superserver.jsa was made for another Java runtime ("
                + java.toRealPath() + " 17.0.16+8)); 'superserver archive' makes one"));

        Files.writeString(record, "/usr/bin/elsewhere 17.0.15+6\n" + installation + "\n");
        assertFalse("another runtime of the same version", launch(copy, javaHome, recorded).contains(option));

        Files.writeString(record, java.toRealPath() + " 17.0.15+6\n/opt/superserver\n");
        assertFalse("another installation", launch(copy, javaHome, recorded).contains(option));
        assertTrue(output, output.startsWith(hint + "lib/superserver.jsa was made for the installation in /opt/superserver)"));

        Files.writeString(record, java.toRealPath() + " 17.0.15+6\n");
        assertFalse("a record without the installation", launch(copy, javaHome, recorded).contains(option));

        Files.writeString(record, java.toRealPath() + " 17.0.15+6\n" + installation + "\n");
        Path launcher = copy.resolve("lib/superserver-launcher.jar");
        Files.writeString(launcher, "stand-in");
        assertFalse("a jar on the class path without a stamp", launch(copy, javaHome, recorded).contains(option));
        assertTrue(output, output.startsWith(hint + "lib/superserver-launcher.jar changed after lib/superserver.jsa was made)"));
        Path stamp = Files.createDirectories(copy.resolve("lib/superserver.jsa.stamps")).resolve("superserver-launcher.jar");
        Files.createFile(stamp);
        FileTime then = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        Files.setLastModifiedTime(stamp, then);
        Files.setLastModifiedTime(launcher, then);
        assertTrue("a jar of its stamp's time", launch(copy, javaHome, recorded).contains(option));
        Files.setLastModifiedTime(launcher, FileTime.fromMillis(then.toMillis() + 1_000));
        assertFalse("a newer jar", launch(copy, javaHome, recorded).contains(option));
        Files.setLastModifiedTime(launcher, FileTime.fromMillis(then.toMillis() - 1_000));
        assertFalse("an older jar", launch(copy, javaHome, recorded).contains(option));
        assertTrue(output, output.startsWith(hint + "lib/superserver-launcher.jar changed after lib/superserver.jsa was made)"));

        Files.delete(record);
        List<String> args = launch(copy, javaHome, recorded);
        assertFalse("no runtime file", args.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")));
        assertTrue(args.toString(), args.contains("org.superserver.launcher.Launcher"));
        assertTrue(output, output.startsWith(hint + "there is none)"));
    }

    /** What bin/superserver wrote itself at the last {@link #launch}: the stand-in java writes nothing. */
    private String output;

    private List<String> launch(Path copy, Path javaHome, Path recorded) throws Exception {
        Files.deleteIfExists(recorded);
        Path out = folder.newFile().toPath();
        ProcessBuilder builder = new ProcessBuilder(copy.resolve("bin/superserver").toString(), "--data",
                folder.newFolder().toString()).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        Process process = builder.start();
        assertTrue("bin/superserver did not finish", process.waitFor(30, TimeUnit.SECONDS));
        assertTrue("the stand-in java never ran", Files.exists(recorded));
        output = Files.readString(out, StandardCharsets.UTF_8);
        return Files.readAllLines(recorded, StandardCharsets.UTF_8);
    }
}
