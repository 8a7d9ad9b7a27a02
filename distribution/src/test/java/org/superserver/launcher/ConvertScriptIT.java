package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.superserver.launcher.ServedPorts.freePort;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bin/superserver convert of the assembled distribution, run as a real process on real files: an
 * inetd.conf into xinetd.d files, those (through an includedir) into .cfg files; it prints or writes
 * them, keeps existing files unless --force, says what the target cannot express, and exits (no
 * server starts).
 */
public class ConvertScriptIT {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final Path home = Path.of(System.getProperty("superserver.home", "target/superserver"));
    private Path services;
    private Process xinetd;

    @After
    public void stopXinetd() throws InterruptedException {
        if (xinetd != null && xinetd.isAlive()) {
            xinetd.destroy();
            if (!xinetd.waitFor(10, TimeUnit.SECONDS)) {
                xinetd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** What one run printed and how it ended. */
    private static final class Run {
        final int status;
        final String out;
        final String err;

        Run(int status, String out, String err) {
            this.status = status;
            this.out = out;
            this.err = err;
        }
    }

    @Before
    public void distributionIsAssembled() throws IOException {
        assertTrue("no distribution at " + home, Files.isExecutable(home.resolve("bin/superserver")));
        services = folder.newFile("services").toPath();
        Files.writeString(services, "echo 7/tcp\necho 7/udp\nfinger 79/tcp\n");
    }

    private Run convert(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/superserver").toString(), "convert"));
        command.addAll(List.of(args));
        Path out = folder.getRoot().toPath().resolve("out.txt");
        Path err = folder.getRoot().toPath().resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("convert did not end within 60 s: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err));
    }

    @Test
    public void anInetdConfBecomesXinetdFilesAndThoseBecomeCfgFiles() throws Exception {
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "echo stream tcp nowait root internal\n"
                + "echo dgram udp wait root internal\n"
                + "finger stream tcp nowait.40 nobody.nogroup /usr/sbin/in.fingerd in.fingerd -w\n");
        Path xinetdD = folder.newFolder("xinetd.d").toPath();

        Run toXinetd = convert("--from", "inetd", "--to", "xinetd", "--services", services.toString(),
                conf.toString(), "--out", xinetdD.toString());
        assertEquals(toXinetd.err, 0, toXinetd.status);
        assertTrue(toXinetd.err, toXinetd.err.contains("3 services converted from " + conf));
        assertTrue("the per-minute rate is said to be lost: " + toXinetd.err,
                toXinetd.err.contains(conf + ":3: warning: max_per_minute: "));
        try (Stream<Path> files = Files.list(xinetdD)) {
            assertEquals(List.of("echo", "finger"), files.map(f -> f.getFileName().toString()).sorted()
                    .collect(Collectors.toList()));
        }
        String finger = Files.readString(xinetdD.resolve("finger"));
        assertTrue(finger, finger.contains("service finger\n{\n"));
        assertTrue(finger, finger.contains("# NOT CONVERTED: max_per_minute: "));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(xinetdD.resolve("finger"))));

        Path xinetdConf = folder.newFile("xinetd.conf").toPath();
        Files.writeString(xinetdConf, "includedir " + xinetdD + "\n");
        Run toCfg = convert("--from=xinetd", "--to=cfg", "--services=" + services, xinetdConf.toString());
        assertEquals(toCfg.err, 0, toCfg.status);
        assertTrue(toCfg.out, toCfg.out.contains("# ---- org.superserver.service-echo-tcp.cfg ----\n"));
        assertTrue(toCfg.out, toCfg.out.contains("# ---- org.superserver.service-echo-udp.cfg ----\n"));
        assertTrue(toCfg.out, toCfg.out.contains("# ---- org.superserver.service-finger.cfg ----\n"));
        assertTrue(toCfg.out, toCfg.out.contains("\nserver = /usr/sbin/in.fingerd\nserver_args = -w\n"));
        assertTrue(toCfg.out, toCfg.out.contains("\nuser = nobody\ngroup = nogroup\n"));
    }

    @Test
    public void anExistingFileIsKeptUnlessForced() throws Exception {
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "echo stream tcp nowait root internal\n");
        Path dir = folder.newFolder("deploy").toPath();
        Path target = dir.resolve("org.superserver.service-echo.cfg");
        Files.writeString(target, "mine\n");

        Run kept = convert("--from", "inetd", "--to", "cfg", "--services", services.toString(), conf.toString(),
                "--out", dir.toString());
        assertEquals(kept.err, 1, kept.status);
        assertTrue(kept.err, kept.err.contains(target + " exists; nothing was written (use --force to replace it)"));
        assertEquals("mine\n", Files.readString(target));

        Run forced = convert("--from", "inetd", "--to", "cfg", "--services", services.toString(), "--force",
                conf.toString(), "--out", dir.toString());
        assertEquals(forced.err, 0, forced.status);
        assertTrue(Files.readString(target), Files.readString(target).contains("\nservice = echo\n"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    public void anErrorInTheSourceIsReportedWithFileAndLineAndTheStatusIsOne() throws Exception {
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "echo stream tcp nowait root internal\nbad stream sctp nowait root /bin/cat\n");
        Run run = convert("--from", "inetd", "--to", "xinetd", "--services", services.toString(), conf.toString());
        assertEquals(run.err, 1, run.status);
        assertTrue(run.err, run.err.contains(conf + ":2: error: protocol: "));
        assertTrue("the good line still converts: " + run.out, run.out.contains("service echo\n"));
    }

    @Test
    public void usageErrorsExitTwoAndHelpExitsZero() throws Exception {
        Run missing = convert("--from", "inetd");
        assertEquals(2, missing.status);
        assertTrue(missing.err, missing.err.contains("--from and --to are required"));
        Run unknown = convert("--from", "inetd", "--to", "nope", "f");
        assertEquals(2, unknown.status);
        assertTrue(unknown.err, unknown.err.contains("no format named 'nope' (this installation has "));
        Run readOnly = convert("--from", "xinetd", "--to", "inetd", "f");
        assertEquals(2, readOnly.status);
        assertTrue(readOnly.err, readOnly.err.contains("format inetd cannot be written"));
        Run help = convert("--help");
        assertEquals(0, help.status);
        assertTrue(help.out, help.out.startsWith("Usage: superserver convert --from inetd|xinetd|cfg --to xinetd|cfg"));
        assertFalse("no framework started", help.err.contains("Superserver"));
    }

    /** The reference xinetd (unpacked by the bench's setup.sh); the test is skipped without it. */
    private static final Path XINETD = Path.of(System.getProperty("xinetd.binary",
            "/tmp/superserver-bench/extra/root/usr/sbin/xinetd"));

    @Test
    public void theXinetdFilesOfAnInetdConfServeUnderXinetdItself() throws Exception {
        Assume.assumeTrue("the reference xinetd is not at " + XINETD + " (see bench/setup.sh)", Files.isExecutable(XINETD));
        int echoPort = freePort();
        int catPort = freePort();
        String user = System.getProperty("user.name");
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + echoPort + " stream tcp nowait " + user + " internal echo\n"
                + "127.0.0.1:" + catPort + " stream tcp nowait " + user + " /bin/cat cat\n");
        Path xinetdD = folder.newFolder("xinetd.d").toPath();
        Run run = convert("--from", "inetd", "--to", "xinetd", "--services", services.toString(), conf.toString(),
                "--out", xinetdD.toString());
        assertEquals(run.err, 0, run.status);
        Path xinetdConf = folder.newFile("xinetd.conf").toPath();
        Files.writeString(xinetdConf, "includedir " + xinetdD + "\n");
        Path log = folder.newFile("xinetd.log").toPath();
        xinetd = new ProcessBuilder(XINETD.toString(), "-dontfork", "-f", xinetdConf.toString(), "-filelog",
                log.toString()).redirectErrorStream(true).redirectOutput(folder.newFile("xinetd.out"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertEquals("echo", echoed(echoPort, "converted for xinetd\n", log), "converted for xinetd\n");
        assertEquals("cat", echoed(catPort, "served by /bin/cat\n", log), "served by /bin/cat\n");
        String text = Files.readString(log);
        assertTrue(text, text.contains("Started working: 2 available services"));
    }

    /** What the service on {@code port} sends back for {@code text}, once xinetd listens there. */
    private String echoed(int port, String text, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(text.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline || !xinetd.isAlive()) {
                    throw new AssertionError("xinetd does not listen on " + port + ": " + Files.readString(log), e);
                }
                Thread.sleep(50);
            }
        }
    }

}
