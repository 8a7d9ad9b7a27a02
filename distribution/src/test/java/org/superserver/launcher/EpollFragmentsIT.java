package org.superserver.launcher;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bundle/ holds Netty's epoll library for linux-x86_64 and for linux-aarch_64, two fragments of
 * netty-transport-classes-epoll with optional native code: both attach, nothing fails to start,
 * and the server runs on epoll on either platform.
 */
public class EpollFragmentsIT {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    @Rule
    public final Distribution distribution = new Distribution();

    @Test
    public void bothLinuxEpollFragmentsShipAndTheServerRunsOnEpoll() throws Exception {
        String names = distribution.bundles("").stream().map(p -> p.getFileName().toString())
                .reduce("", (a, b) -> a + b + "\n");
        assertTrue(names, names.contains("netty-transport-native-epoll-") && names.contains("-linux-x86_64.jar"));
        assertTrue(names, names.contains("-linux-aarch_64.jar"));
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        assumeTrue("epoll libraries ship for linux-x86_64 and linux-aarch_64; this is "
                + System.getProperty("os.name") + " " + arch, System.getProperty("os.name").equals("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64")));

        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            port = socket.getLocalPort();
        }
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:" + port + " stream tcp nowait root internal daytime\n");
        Path log = folder.getRoot().toPath().resolve("server.log");
        Process server = distribution.start(log, "--inetd", conf.toString(), "--data", folder.newFolder("data").toString());

        ServedPorts.awaitDaytime(server, port, log);
        String text = Files.readString(log);
        assertTrue("the core runs on epoll: " + text, text.contains("START transport=epoll"));
        assertTrue("the framework has nothing to say about the fragments: " + text,
                !text.contains("transport-native-epoll"));
    }

}
