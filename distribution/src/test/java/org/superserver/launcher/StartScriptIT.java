package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.launcher.ServedPorts.freePort;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bin/superserver of the assembled distribution, run as a real process: it serves what --inetd
 * names, writes its pid file under --data, and stops cleanly on SIGTERM, removing the pid file;
 * whatever umask it is started with, it leaves nothing writable by other users; it never writes
 * through a symlink at its pid file's path; it refuses a configuration path that is not a
 * regular file; it hands the open-file limit it was started with to the framework.
 */
public class StartScriptIT {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    @Rule
    public final Distribution distribution = new Distribution();

    private final Path home = distribution.home();
    private Process server;

    @Before
    public void distributionIsAssembled() {
        assertTrue("no distribution at " + home, Files.isExecutable(home.resolve("bin/superserver")));
    }

    @Test
    public void helpListsTheOptionsAndExitsZero() throws Exception {
        Process help = new ProcessBuilder(home.resolve("bin/superserver").toString(), "--help")
                .redirectErrorStream(true).start();
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(help.waitFor(30, TimeUnit.SECONDS));
        assertEquals(text, 0, help.exitValue());
        for (String option : new String[] {"--inetd", "--xinetd", "--hosts-allow", "--hosts-deny", "--services",
                "--pid-file", "--data", "--deploy", "--debug", "--wrap-all"}) {
            assertTrue("--help names " + option, text.contains(option));
        }
    }

    @Test
    public void servesAnInetdConfWritesItsPidFileAndStopsCleanlyOnSigterm() throws Exception {
        int port = freePort();
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Path data = folder.newFolder("data").toPath();
        Path log = folder.getRoot().toPath().resolve("server.log");
        String hard = ProcSelf.openFiles().orElseThrow().split(":")[1];
        // The soft open-file limit an administrator's shell gives it: the JVM keeps it (-XX:-MaxFDLimit).
        server = distribution.start("ulimit -Sn 512", log, "--inetd", conf.toString(), "--data", data.toString());

        String answer = ServedPorts.awaitDaytime(server, port, log);
        assertTrue("ctime + CRLF: " + answer, answer.matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n"));
        String text = ServedPorts.awaitLog(log, "Superserver started");
        assertTrue("the framework gets the open-file limit the server was started with: " + text,
                text.contains("superserver.rlimit.nofile 512:" + hard + ")"));

        Path pidFile = data.resolve("superserver.pid");
        assertEquals(Long.toString(server.pid()), Files.readString(pidFile).trim());

        new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
        assertTrue("stopped within 30 s", server.waitFor(30, TimeUnit.SECONDS));
        // 143 = 128 + SIGTERM: the JVM reports the signal it stopped for after its shutdown hooks ran.
        assertTrue("exit status " + server.exitValue(), server.exitValue() == 0 || server.exitValue() == 143);
        assertTrue("the framework stopped before the process ended", Files.readString(log).contains("Superserver stopped"));
        assertFalse("the pid file is removed", Files.exists(pidFile));
        try (Socket refused = new Socket()) {
            refused.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            fail("the port still accepts after the server stopped");
        } catch (IOException expected) {
            // connection refused: nothing listens any more
        }
    }

    @Test
    public void startedThroughASymlinkByARelativeNameItFindsItsInstallationAndResolvesPathsFromTheCaller()
            throws Exception {
        int port = freePort();
        Path caller = folder.newFolder("caller").toPath().toRealPath();
        Files.writeString(caller.resolve("inetd.conf"), "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Files.createSymbolicLink(caller.resolve("superserver"), home.resolve("bin/superserver"));
        Path log = folder.getRoot().toPath().resolve("server.log");
        server = distribution.started(new ProcessBuilder("./superserver", "--inetd", "inetd.conf", "--data", "data")
                .directory(caller.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());

        ServedPorts.awaitDaytime(server, port, log);
        String text = ServedPorts.awaitLog(log, "Superserver started");
        assertTrue(text, text.contains(", home " + home.toRealPath() + ", data " + caller.resolve("data") + ","));
        assertEquals(Long.toString(server.pid()), Files.readString(caller.resolve("data/superserver.pid")).trim());
        stopAndAwait(log);
    }

    @Test
    public void deployNamesTheDirectoryWatchedInsteadOfTheInstallationsDeploy() throws Exception {
        int port = freePort();
        Path conf = folder.newFile("none.conf").toPath();
        Path deploy = folder.newFolder("deploy").toPath().toRealPath();
        Path log = folder.getRoot().toPath().resolve("server.log");
        server = distribution.start(log, "--inetd", conf.toString(), "--deploy", deploy.toString(), "--data",
                folder.newFolder("data").toString());
        ServedPorts.awaitLog(log, "Superserver started");
        // Dropped while the server runs, written aside and renamed in, as FileInstall wants it.
        Path cfg = deploy.resolve("org.superserver.service-daytime.cfg.new");
        Files.writeString(cfg, "service = daytime\ntype = INTERNAL\nsocket_type = stream\nprotocol = tcp\n"
                + "bind = 127.0.0.1\nport = " + port + "\nwait = no\n");
        Files.move(cfg, deploy.resolve("org.superserver.service-daytime.cfg"));
        String answer = ServedPorts.awaitDaytime(server, port, log);
        assertTrue(answer, answer.endsWith("\r\n"));
        List<String> jvmArguments = List.of(Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline"))
                .split("\0"));
        assertTrue(jvmArguments.toString(), jvmArguments.contains("-Dsuperserver.fileinstall.dirs=" + deploy));
        stopAndAwait(log);

        Process refused = new ProcessBuilder(home.resolve("bin/superserver").toString(), "--deploy", "/tmp/a,b")
                .redirectErrorStream(true).start();
        String text = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(refused.waitFor(30, TimeUnit.SECONDS));
        assertEquals(text, 2, refused.exitValue());
        assertTrue(text, text.startsWith("superserver: option --deploy cannot name a directory whose path has a comma: /tmp/a,b\n"));
    }

    @Test
    public void aDeployDirectoryOthersMayWriteIsRefusedBeforeAnythingStarts() throws Exception {
        int port = freePort();
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Path deploy = folder.newFolder("deploy").toPath().toRealPath();
        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path data = folder.newFolder("data").toPath();
        Path log = folder.getRoot().toPath().resolve("server.log");
        server = distribution.start(log, "--inetd", conf.toString(), "--deploy", deploy.toString(), "--data",
                data.toString());
        assertTrue("the server did not exit", server.waitFor(30, TimeUnit.SECONDS));
        assertEquals(Files.readString(log), 1, server.exitValue());
        assertTrue(Files.readString(log), Files.readString(log).contains("ERROR Launcher - The directory " + deploy
                + " that this server watches for bundles and configurations is writable by other users (mode 0777)"));
        assertFalse("no pid file", Files.exists(data.resolve("superserver.pid")));
        assertFalse("nothing was bound early", Files.readString(log).contains("Bound early"));
    }

    @Test
    public void runByBashFromItsOwnDirectoryItFindsItsInstallation() throws Exception {
        Process help = new ProcessBuilder("bash", "superserver", "--help").directory(home.resolve("bin").toFile())
                .redirectErrorStream(true).start();
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(help.waitFor(30, TimeUnit.SECONDS));
        assertEquals(text, 0, help.exitValue());
        assertTrue(text, text.contains("(the .cfg files in " + home.toRealPath() + "/etc/default/)"));
    }

    @Test
    public void servesAnXinetdConfAndTheFilesItsIncludedirHolds() throws Exception {
        int port = freePort();
        Path dir = folder.newFolder("xinetd.d").toPath();
        Path service = dir.resolve("daytime");
        Files.writeString(service, "service daytime\n{\n\ttype = INTERNAL UNLISTED\n\tsocket_type = stream\n"
                + "\twait = no\n\tport = " + port + "\n}\n");
        Path conf = folder.newFile("xinetd.conf").toPath();
        Files.writeString(conf, "defaults\n{\n\tbind = 127.0.0.1\n}\nincludedir " + dir + "\n");
        Path data = folder.newFolder("data-xinetd").toPath();
        Path log = folder.getRoot().toPath().resolve("server-xinetd.log");
        server = distribution.start(log, "--xinetd", conf.toString(), "--data", data.toString());

        // Whether a client is then served is the xinetd access policy's to say (superserver-access-xinetd):
        // here the format's part, from the command line to a listening socket.
        String listen = "LISTEN service=daytime protocol=tcp4 address=127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains(listen)) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                fail("no '" + listen + "' in the log: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        String text = Files.readString(log);
        assertTrue(text, text.contains("Read xinetd.conf " + conf + ": 1 services"));
        assertTrue(text, text.contains("origin=" + service + ":1"));
        stopAndAwait(log);
    }

    @Test
    public void wrapAllChecksInternalLinesAgainstTheHostsFilesItIsGiven() throws Exception {
        int port = freePort();
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Path allow = folder.newFile("hosts.allow").toPath();
        Path deny = folder.newFile("hosts.deny").toPath();
        // The line names its service by port, so that is its daemon name; a port also matches as the local port.
        Files.writeString(deny, port + ": 127.0.0.2\n");
        Path log = folder.getRoot().toPath().resolve("server.log");
        server = distribution.start(log, "--inetd", conf.toString(), "--wrap-all", "--hosts-allow", allow.toString(),
                "--hosts-deny", deny.toString(), "--data", folder.newFolder("data").toPath().toString());

        assertTrue(ServedPorts.awaitDaytime(server, port, log).endsWith("\r\n"));
        try (Socket denied = new Socket()) {
            denied.bind(new InetSocketAddress("127.0.0.2", 0));
            denied.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            denied.setSoTimeout(5_000);
            assertEquals("a denied client gets nothing", 0, denied.getInputStream().readAllBytes().length);
        }
        String text = Files.readString(log);
        assertTrue(text, text.contains("TCPD service=" + port + " daemon=" + port + " from=127.0.0.2 rule=" + deny
                + ":1 deny"));
    }

    @Test
    public void startedUnderUmask000ItLeavesNothingInTheDataDirectoryWritableByOthers() throws Exception {
        int port = freePort();
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Path data = folder.getRoot().toPath().resolve("data");
        Path log = folder.getRoot().toPath().resolve("server.log");
        server = distribution.start("umask 000", log, "--inetd", conf.toString(), "--data", data.toString());
        ServedPorts.awaitDaytime(server, port, log);

        List<String> writable = new ArrayList<>();
        int paths;
        try (Stream<Path> walk = Files.walk(data)) {
            List<Path> all = walk.collect(Collectors.toList());
            paths = all.size();
            for (Path path : all) {
                int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if (!Files.isSymbolicLink(path) && (mode & 0022) != 0) {
                    writable.add(String.format("%s %04o", path, mode & 07777));
                }
            }
        }
        assertTrue("the bundle cache is there: " + paths + " paths", paths > 20);
        assertEquals("paths writable by group or others", List.of(), writable);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("superserver.pid"), LinkOption.NOFOLLOW_LINKS)));
        stopAndAwait(log);
    }

    @Test
    public void theLauncherRefusesAUmaskThatLetsOthersWrite() throws Exception {
        Path data = folder.getRoot().toPath().resolve("data");
        Path log = folder.getRoot().toPath().resolve("launcher.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process launcher = new ProcessBuilder("sh", "-c", "umask 000; exec \"$0\" \"$@\"", java,
                "-Dsuperserver.home=" + home.toAbsolutePath(), "-Dsuperserver.data=" + data,
                "-cp", home.resolve("lib/superserver-launcher.jar") + ":" + home.resolve("lib/org.apache.felix.main.jar"),
                Launcher.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS));
        String text = Files.readString(log);
        assertEquals(text, 1, launcher.exitValue());
        assertTrue(text, text.contains("ERROR Launcher - The umask is 0000: the bundle cache and pid file"));
        assertFalse("nothing was created", Files.exists(data));
    }

    @Test
    public void aSymlinkPlantedAtThePidFileIsReplacedAndItsTargetLeftUntouched() throws Exception {
        int port = freePort();
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Path data = folder.newFolder("data").toPath();
        Path victim = folder.newFile("victim").toPath();
        Files.writeString(victim, "root:precious\n");
        Path pidFile = data.resolve("superserver.pid");
        Files.createSymbolicLink(pidFile, victim);
        Path log = folder.getRoot().toPath().resolve("server.log");
        server = distribution.start(log, "--inetd", conf.toString(), "--data", data.toString());
        ServedPorts.awaitDaytime(server, port, log);

        assertEquals("root:precious\n", Files.readString(victim));
        assertTrue("the pid file is a regular file", Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS));
        assertEquals(Long.toString(server.pid()), Files.readString(pidFile).trim());
        stopAndAwait(log);
        assertFalse("the pid file is removed", Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS));
        assertEquals("root:precious\n", Files.readString(victim));
    }

    @Test(timeout = 120_000)
    public void aFifoOrADirectoryAsAConfigFileIsRefusedWithOneLineNamingItAndTheOption() throws Exception {
        Path fifo = folder.getRoot().toPath().resolve("inetd.conf");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, mkfifo.exitValue());
        Path directory = folder.newFolder("hosts.deny").toPath();
        String[][] cases = {
            {"--inetd", fifo.toString(), "is a FIFO"},
            {"--hosts-deny", directory.toString(), "is a directory"},
        };
        for (String[] refused : cases) {
            Path log = folder.getRoot().toPath().resolve("refused" + refused[0] + ".log");
            Path data = folder.getRoot().toPath().resolve("data" + refused[0]);
            server = distribution.start(log, refused[0], refused[1], "--data", data.toString());
            assertTrue("exits without waiting on " + refused[1], server.waitFor(60, TimeUnit.SECONDS));
            List<String> lines = Files.readAllLines(log);
            assertEquals(lines.toString(), 2, server.exitValue());
            assertEquals(lines.toString(), 1, lines.size());
            assertTrue(lines.get(0), lines.get(0).contains("ERROR Launcher - " + refused[0] + " " + refused[1] + ": "
                    + refused[2] + ", not a regular file"));
        }
    }

    /** bin/superserver with these arguments, after a shell command if one is given (e.g. a umask). */
    private void stopAndAwait(Path log) throws Exception {
        new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
        assertTrue("stopped within 30 s", server.waitFor(30, TimeUnit.SECONDS));
        assertTrue("the framework stopped before the process ended", Files.readString(log).contains("Superserver stopped"));
    }
}
