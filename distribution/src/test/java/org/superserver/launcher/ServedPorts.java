package org.superserver.launcher;

import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Loopback ports for a started bin/superserver, and waiting for it to serve one. */
final class ServedPorts {

    private ServedPorts() {
    }

    /** A port on 127.0.0.1 that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** An xinetd.conf entry of the built-in daytime on 127.0.0.1:{@code port}, for {@link #awaitDaytime}. */
    static String xinetdDaytime(int port) {
        return "service daytime\n{\n    type = INTERNAL UNLISTED\n    socket_type = stream\n"
                + "    wait = no\n    bind = 127.0.0.1\n    port = " + port + "\n}\n";
    }

    /**
     * The server's log once it holds {@code wanted}, waiting up to 30 s: the launcher's "Superserver
     * started" line comes once the framework's start returns, which may be after the first port
     * listens.
     */
    static String awaitLog(Path log, String wanted) throws Exception {
        String text = Files.readString(log);
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); !text.contains(wanted);
                text = Files.readString(log)) {
            if (System.nanoTime() > deadline) {
                fail("no '" + wanted + "' in the log within 30 s: " + text);
            }
            Thread.sleep(20);
        }
        return text;
    }

    /**
     * What a daytime service on 127.0.0.1:{@code port} answers, once {@code server} serves it
     * (within 60 s); fails with the server's {@code log} when it exits or never serves.
     */
    static String awaitDaytime(Process server, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("the server exited: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5_000);
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("nothing served 127.0.0.1:" + port + " within 60 s: " + Files.readString(log, StandardCharsets.UTF_8));
        return null;
    }
}
