package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;
import static org.superserver.launcher.ServedPorts.freePort;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bin/superserver started as systemd starts it: with a listening socket passed by
 * systemd-socket-activate (LISTEN_FDS, LISTEN_FDNAMES), a TCP one or a Unix-domain one, and with
 * NOTIFY_SOCKET naming a datagram socket this test reads (sd_notify).
 */
public class SystemdActivationIT {

    private static final Path HOME = Path.of(System.getProperty("superserver.home", "target/superserver"));
    private static final Path ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final List<Process> started = new ArrayList<>();

    @After
    public void stopEverything() throws Exception {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private Process start(ProcessBuilder builder, Path log) throws IOException {
        Process p = builder.redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        started.add(p);
        return p;
    }

    private static void awaitLog(Process process, Path log, String wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains(wanted)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                fail("no '" + wanted + "' in the log: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private static void assertEchoes(int port, String text, int timeoutMillis) throws IOException {
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            client.setSoTimeout(timeoutMillis);
            client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            byte[] back = client.getInputStream().readNBytes(text.length());
            assertEquals(text, new String(back, StandardCharsets.US_ASCII));
        }
    }


    private Path inetdConf(int port) throws IOException {
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal echo\n");
        return conf;
    }

    /**
     * Starts bin/superserver under systemd-socket-activate listening on {@code listen} (an address
     * and port, or a Unix-domain socket's path), passed as descriptor 3 named echo, with {@code
     * options} and a data directory in the test's folder; returns once the socket listens.
     */
    private Process activate(String listen, Path log, String... options) throws Exception {
        assumeTrue("needs " + ACTIVATE + " (Debian package systemd)", Files.isExecutable(ACTIVATE));
        assertTrue("no distribution at " + HOME, Files.isExecutable(HOME.resolve("bin/superserver")));
        List<String> command = new ArrayList<>(List.of(ACTIVATE.toString(), "-l", listen, "--fdname=echo"));
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null) {
            command.add("-E");
            command.add("JAVA_HOME=" + javaHome);
        }
        command.add(HOME.toAbsolutePath().resolve("bin/superserver").toString());
        command.addAll(List.of(options));
        command.addAll(List.of("--data", data().toString()));
        Process server = start(new ProcessBuilder(command), log);
        awaitLog(server, log, "Listening on " + listen);
        return server;
    }

    private Path data() {
        return folder.getRoot().toPath().resolve("data");
    }

    /** What {@code inetd:info SERVICE} says in the server of the test's data directory. */
    private String info(Process server, Path log, String service) throws Exception {
        awaitLog(server, log, "SHELL listen=");
        Process info = new ProcessBuilder(HOME.resolve("bin/superserver").toString(), "shell", "--data",
                data().toString(), "inetd:info " + service).redirectErrorStream(true).start();
        String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(text, info.waitFor(60, TimeUnit.SECONDS));
        return text;
    }

    /**
     * Starts bin/superserver under systemd-socket-activate listening on 127.0.0.1:{@code port}
     * (descriptor 3, named echo), checks that the socket serves echo and was adopted, and returns
     * what {@code inetd:info SERVICE} says.
     */
    private String activated(int port, String service, String... options) throws Exception {
        Path log = folder.getRoot().toPath().resolve("server.log");
        Process server = activate("127.0.0.1:" + port, log, options);
        // systemd-socket-activate starts the server on the first connection, which waits in the
        // passed socket's backlog until the server has adopted it
        assertEchoes(port, "passed by systemd\n", 60_000);
        awaitLog(server, log, "fd=3 name=echo address=127.0.0.1:" + port
                + " socket=adopted from the service manager");
        assertEchoes(port, "and again\n", 10_000);
        return info(server, log, service);
    }

    /** Sends {@code text} to the Unix-domain stream socket at {@code path} and checks it comes back. */
    private static void assertEchoes(Path path, String text, int timeoutMillis) throws Exception {
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
            client.write(ByteBuffer.wrap(sent));
            CompletableFuture<String> back = CompletableFuture.supplyAsync(() -> {
                ByteBuffer in = ByteBuffer.allocate(sent.length);
                try {
                    while (in.hasRemaining() && client.read(in) >= 0) {
                        // until the whole echo is in
                    }
                } catch (IOException e) {
                    return "read failed: " + e;
                }
                return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            });
            try {
                assertEquals(text, back.get(timeoutMillis, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                fail("no echo from " + path + " within " + timeoutMillis + " ms");
            }
        } // closing the channel ends a read still waiting
    }

    @Test
    public void aSocketPassedBySystemdSocketActivateIsAdoptedByAddressAndServes() throws Exception {
        int port = freePort();
        // inetd.conf names the service after its port; the socket matches by type, address and port
        String info = activated(port, Integer.toString(port), "--inetd", inetdConf(port).toString());
        assertTrue(info, info.contains("socket          adopted from systemd (fd 3, name echo)"));
    }

    @Test
    public void aSocketPassedBySystemdSocketActivateIsAdoptedByName() throws Exception {
        int port = freePort();
        Path conf = folder.newFile("xinetd.conf").toPath();
        // no bind: every address, which the passed 127.0.0.1 socket is not; its name is the service's
        Files.writeString(conf, "service echo\n{\n    type = INTERNAL UNLISTED\n    id = echo-stream\n"
                + "    socket_type = stream\n    protocol = tcp\n    port = " + port + "\n    wait = no\n}\n");
        String info = activated(port, "echo", "--xinetd", conf.toString());
        assertTrue(info, info.contains("socket          adopted from systemd (fd 3, name echo)"));
    }

    @Test
    public void aPassedSocketNoServiceMatchesIsReportedAndClosed() throws Exception {
        assumeTrue("needs " + ACTIVATE + " (Debian package systemd)", Files.isExecutable(ACTIVATE));
        int port = freePort();
        int other = freePort();
        Path log = folder.getRoot().toPath().resolve("server.log");
        Process server = start(new ProcessBuilder(ACTIVATE.toString(), "-l", "127.0.0.1:" + port, "--fdname=nobody",
                HOME.toAbsolutePath().resolve("bin/superserver").toString(), "--inetd", inetdConf(other).toString(),
                "--data", folder.getRoot().toPath().resolve("data").toString()), log);
        awaitLog(server, log, "Listening on 127.0.0.1:" + port);
        try (Socket trigger = new Socket()) {
            trigger.connect(new InetSocketAddress("127.0.0.1", port), 5_000); // starts the server
            trigger.setSoTimeout(60_000);
            awaitLog(server, log, "ADOPT fd=3 name=nobody address=127.0.0.1:" + port
                    + " error=no service matches this passed socket");
            assertEquals("closed with the socket", -1, readOrReset(trigger));
        }
        assertEchoes(other, "the configured service binds its own\n", 10_000);
    }

    @Test
    public void aUnixSocketPassedBySystemdSocketActivateIsAdoptedByPathAndLeftInPlace() throws Exception {
        Path socket = folder.getRoot().toPath().resolve("echo.sock");
        Path conf = folder.newFile("inetd.conf").toPath();
        // inetd.conf names a unix service by its path; the passed socket's name (echo) is not the service's
        Files.writeString(conf, socket + " stream unix nowait root internal echo\n");
        Path log = folder.getRoot().toPath().resolve("server.log");
        Process server = activate(socket.toString(), log, "--inetd", conf.toString());
        // the first connection starts the server and waits in the backlog until it adopts the socket
        assertEchoes(socket, "passed by systemd\n", 60_000);
        awaitLog(server, log, "ADOPT service=" + socket + " protocol=unix fd=3 name=echo path=" + socket
                + " socket=adopted from the service manager");
        assertEchoes(socket, "and again\n", 10_000);
        String info = info(server, log, socket.toString());
        assertTrue(info, info.contains("socket          adopted from systemd (fd 3, name echo, path " + socket + ")"));

        server.destroy();
        assertTrue("the server stops on SIGTERM", server.waitFor(30, TimeUnit.SECONDS));
        assertTrue("the socket file is systemd's: the server leaves it; log: " + Files.readString(log),
                Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        assertEquals("still a socket", 0140000,
                (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
    }

    @Test
    public void aUnixSocketPassedBySystemdSocketActivateIsAdoptedByNameWhereverItIs() throws Exception {
        Path socket = folder.getRoot().toPath().resolve("made-by-systemd.sock");
        Path configured = folder.getRoot().toPath().resolve("echo.sock");
        Path conf = folder.newFile("xinetd.conf").toPath();
        // the service's name is the passed socket's name (echo); its own path is another
        Files.writeString(conf, "service echo\n{\n    type = INTERNAL\n    socket_type = stream\n"
                + "    protocol = unix\n    path = " + configured + "\n    wait = no\n}\n");
        Path log = folder.getRoot().toPath().resolve("server.log");
        Process server = activate(socket.toString(), log, "--xinetd", conf.toString());
        assertEchoes(socket, "passed by systemd\n", 60_000);
        awaitLog(server, log, "ADOPT service=echo protocol=unix fd=3 name=echo path=" + socket
                + " socket=adopted from the service manager");
        String info = info(server, log, "echo");
        assertTrue(info, info.contains("socket          adopted from systemd (fd 3, name echo, path " + socket + ")"));
        assertTrue("nothing is bound at the configured path", Files.notExists(configured, LinkOption.NOFOLLOW_LINKS));
    }

    private static int readOrReset(Socket socket) {
        try {
            return socket.getInputStream().read();
        } catch (IOException reset) {
            return -1;
        }
    }

    @Test
    public void readyComesOnceThePortServesReloadingAroundSighupAndStoppingOnSigterm() throws Exception {
        assumeTrue("needs " + PYTHON + " to read a unix datagram socket", Files.isExecutable(PYTHON));
        assertTrue("no distribution at " + HOME, Files.isExecutable(HOME.resolve("bin/superserver")));
        Path notify = folder.getRoot().toPath().resolve("notify");
        Path reader = folder.newFile("notify.py").toPath();
        Files.writeString(reader, String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
                "s.bind(sys.argv[1])",
                "print('BOUND', flush=True)",
                "while True:",
                "    m = s.recv(65536).decode()",
                "    print(m.replace('\\n', ' ').strip(), flush=True)",
                ""));
        Process manager = new ProcessBuilder(PYTHON.toString(), reader.toString(), notify.toString())
                .redirectErrorStream(true).start();
        started.add(manager);
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(manager.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    messages.add(line);
                }
            } catch (IOException e) {
                // the reader was stopped
            }
        });
        pump.setDaemon(true);
        pump.start();
        assertEquals("BOUND", messages.poll(30, TimeUnit.SECONDS));

        int port = freePort();
        Path data = folder.getRoot().toPath().resolve("data");
        Path log = folder.getRoot().toPath().resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(HOME.resolve("bin/superserver").toString(), "--inetd",
                inetdConf(port).toString(), "--data", data.toString());
        builder.environment().put("NOTIFY_SOCKET", notify.toString());
        Process server = start(builder, log);

        String ready = messages.poll(60, TimeUnit.SECONDS);
        assertTrue("no READY=1; log: " + Files.readString(log), ready != null && ready.startsWith("READY=1 "));
        assertTrue(ready, ready.contains("STATUS=1 services, 0 connections"));
        assertEchoes(port, "ready means serving\n", 10_000); // at once: the port serves when READY=1 arrives

        new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).start().waitFor();
        String reloading = messages.poll(30, TimeUnit.SECONDS);
        assertTrue("no RELOADING=1 on SIGHUP; log: " + Files.readString(log), reloading != null
                && reloading.startsWith("RELOADING=1 MONOTONIC_USEC="));
        String readyAgain = messages.poll(30, TimeUnit.SECONDS);
        assertTrue("no READY=1 after the reload; log: " + Files.readString(log), readyAgain != null
                && readyAgain.startsWith("READY=1 "));

        new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
        String stopping = messages.poll(30, TimeUnit.SECONDS);
        assertTrue("no STOPPING=1; log: " + Files.readString(log), stopping != null
                && stopping.startsWith("STOPPING=1"));
        assertTrue(server.waitFor(30, TimeUnit.SECONDS));
    }
}
