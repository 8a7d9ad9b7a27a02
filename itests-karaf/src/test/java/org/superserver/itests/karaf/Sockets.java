package org.superserver.itests.karaf;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Client sockets to 127.0.0.1, and waits for a listener to come or go. */
final class Sockets {

    private static final long LISTEN_TIMEOUT_SECONDS = 60;

    private Sockets() {
    }

    static boolean answers(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    /** Waits until something accepts on {@code port} (a listener binds a moment after its configuration). */
    static void awaitListening(int port, Supplier<String> context) throws Exception {
        await(port, true, context);
    }

    /** Waits until nothing accepts on {@code port} any more. */
    static void awaitRefused(int port, Supplier<String> context) throws Exception {
        await(port, false, context);
    }

    private static void await(int port, boolean listening, Supplier<String> context) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LISTEN_TIMEOUT_SECONDS);
        while (answers(port) != listening) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError((listening ? "nothing listens on 127.0.0.1:" : "127.0.0.1:")
                        + port + (listening ? "" : " still answers") + "\n" + context.get());
            }
            Thread.sleep(200);
        }
    }

    /** Sends {@code text} to the TCP echo service on {@code port} and returns what comes back. */
    static String echo(int port, String text, Supplier<String> context) throws Exception {
        awaitListening(port, context);
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(sent);
            out.flush();
            return new String(socket.getInputStream().readNBytes(sent.length), StandardCharsets.UTF_8);
        }
    }
}
