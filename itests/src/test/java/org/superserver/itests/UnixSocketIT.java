package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.superserver.api.status.ListenerState;

/**
 * Unix-domain services in the real bundles: an inetd.conf {@code unix} line (a built-in and an
 * exec'd /bin/cat) and a Configuration Admin {@code protocol = unix} service, each reached at its
 * socket file, whose mode is the configured one and which goes when the service goes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UnixSocketIT extends ItestSupport {

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    private static String exchange(Path socket, String text) throws Exception {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
            channel.write(ByteBuffer.wrap(sent));
            return CompletableFuture.supplyAsync(() -> {
                ByteBuffer in = ByteBuffer.allocate(sent.length);
                try {
                    while (in.hasRemaining() && channel.read(in) >= 0) {
                        // until the whole answer is in
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            }).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    public void inetdConfUnixLinesServeABuiltInAndACatAtTheirSocketFiles() throws Exception {
        LogCapture log = log();
        Path echo = scratch().path("echo.sock");
        Path cat = scratch().path("cat.sock");
        Path conf = scratch().write("inetd.conf", String.join("\n",
                echo + " stream unix nowait " + USER + " internal",
                cat + " stream unix,mode=0600 nowait " + USER + " /bin/cat cat",
                "relative.sock stream unix nowait " + USER + " internal echo",
                ""));
        org.superserver.api.ConfigSource source = serveInetdConf(conf, scratch().write("services", ""), 0);
        awaitState("inetd:" + conf + ":" + echo + "/unix", ListenerState.LISTENING);
        awaitState("inetd:" + conf + ":" + cat + "/unix", ListenerState.LISTENING);

        assertEquals("over a unix socket\n", exchange(echo, "over a unix socket\n"));
        assertEquals("through cat\n", exchange(cat, "through cat\n"));
        assertEquals(0660, mode(echo));
        assertEquals(0600, mode(cat));
        String error = log.await(TIMEOUT, conf + ":3: service");
        assertTrue(error, error.contains("not an absolute path"));

        scratch().write("inetd.conf", echo + " stream unix nowait " + USER + " internal\n");
        source.reload();
        awaitNotListening("inetd:" + conf + ":" + cat + "/unix");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (Files.exists(cat, LinkOption.NOFOLLOW_LINKS) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse("the withdrawn service's socket file is removed", Files.exists(cat, LinkOption.NOFOLLOW_LINKS));
        assertEquals("still\n", exchange(echo, "still\n"));
    }

    /** Sends {@code text} from a bound python3 client at {@code client}; the answer, or TIMEOUT. */
    private static String datagram(Path server, Path client, String text) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        org.junit.Assume.assumeTrue("java.nio has no Unix-domain datagram channel: the client is python3",
                Files.isExecutable(python));
        Process p = new ProcessBuilder(python.toString(), "-c", "import socket,sys\n"
                + "c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
                + "c.bind(sys.argv[2]); c.settimeout(5)\n"
                + "c.sendto(sys.argv[3].encode(), sys.argv[1])\n"
                + "try:\n    print(c.recv(2048).decode(), end='')\nexcept socket.timeout:\n    print('TIMEOUT')\n",
                server.toString(), client.toString(), text).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    public void builtInsAnswerOverUnixDatagramSockets() throws Exception {
        Path echo = scratch().path("echo-dgram.sock");
        Path daytime = scratch().path("daytime.sock");
        Path conf = scratch().write("inetd.conf", String.join("\n",
                echo + " dgram unix wait " + USER + " internal echo",
                daytime + " dgram unix wait " + USER + " internal",
                ""));
        serveInetdConf(conf, scratch().write("services", ""), 0);
        awaitState("inetd:" + conf + ":" + echo + "/unix", ListenerState.LISTENING);
        awaitState("inetd:" + conf + ":" + daytime + "/unix", ListenerState.LISTENING);
        assertEquals("ping", datagram(echo, scratch().path("c1.sock"), "ping"));
        String text = datagram(daytime, scratch().path("c2.sock"), "x");
        assertTrue("'" + text + "' is ctime + CRLF", BuiltinServicesIT.CTIME_CRLF.matcher(text).matches());
    }

    @Test
    public void aConfigAdminUnixServiceServesAtItsPathAndItsFileGoesWithIt() throws Exception {
        Path socket = scratch().path("cm-echo.sock");
        org.osgi.service.cm.Configuration c = factoryConfiguration(ConfigAdminRoundTripIT.FACTORY_PID,
                properties("service", "echo", "type", "INTERNAL", "socket_type", "stream", "protocol", "unix",
                        "path", socket.toString(), "socket_mode", "0600", "wait", "no"));
        String id = "cm:" + c.getPid();
        awaitState(id, ListenerState.LISTENING);
        assertEquals("configured\n", exchange(socket, "configured\n"));
        assertEquals(0600, mode(socket));
        c.delete();
        awaitNotListening(id);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse("the socket file goes with the configuration", Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    }
}
