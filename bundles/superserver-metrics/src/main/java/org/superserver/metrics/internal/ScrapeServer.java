package org.superserver.metrics.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal HTTP/1.1 server for scrapes: it binds one address, answers GET and HEAD of one path
 * and closes each connection after its answer. A request head larger than {@value #MAX_HEAD} bytes
 * is 431, a client that takes more than {@value #TIMEOUT_MILLIS} ms to send it is dropped, and at most {@value
 * #MAX_SCRAPES} scrapes run at once (others get 503), so a hostile client costs bounded memory
 * and threads. The body is made anew for each scrape.
 */
final class ScrapeServer implements AutoCloseable {

    static final int MAX_HEAD = 8192;
    static final int TIMEOUT_MILLIS = 5000;
    static final int MAX_SCRAPES = 4;

    private static final Logger LOG = LoggerFactory.getLogger(ScrapeServer.class);

    private final ServerSocket socket;
    private final String path;
    private final String contentType;
    private final Supplier<byte[]> body;
    private final Semaphore scrapes = new Semaphore(MAX_SCRAPES);
    /** The clients being served, closed by {@link #close} so that no scrape outlives the server. */
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    private final Thread acceptor;

    ScrapeServer(InetAddress address, int port, String path, String contentType, Supplier<byte[]> body)
            throws IOException {
        this.path = path;
        this.contentType = contentType;
        this.body = body;
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(address, port), 16);
        this.workers = Executors.newFixedThreadPool(MAX_SCRAPES, r -> daemon(r, "superserver-metrics-scrape"));
        this.acceptor = daemon(this::acceptLoop, "superserver-metrics-accept");
        acceptor.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    /** The address and port actually bound. */
    InetSocketAddress boundAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warn("METRICS accept failed: {}", e.toString());
                }
                continue;
            }
            if (!scrapes.tryAcquire()) {
                try (client) {
                    client.setSoTimeout(TIMEOUT_MILLIS);
                    respond(client.getOutputStream(), 503, "Service Unavailable", "text/plain; charset=utf-8",
                            "too many scrapes at once\n".getBytes(StandardCharsets.UTF_8), true, "");
                } catch (IOException ignored) {
                    // the client went away
                }
                continue;
            }
            try {
                workers.execute(() -> {
                    clients.add(client);
                    try (client) {
                        if (!socket.isClosed()) {
                            serve(client);
                            lingeringClose(client);
                        }
                    } catch (IOException e) {
                        LOG.debug("METRICS client={} error={}", client.getRemoteSocketAddress(), e.toString());
                    } finally {
                        clients.remove(client);
                        scrapes.release();
                    }
                });
            } catch (RuntimeException e) { // rejected: closing
                scrapes.release();
                try {
                    client.close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    private void serve(Socket client) throws IOException {
        client.setSoTimeout(TIMEOUT_MILLIS);
        String head = readHead(new java.io.BufferedInputStream(client.getInputStream(), 1024));
        OutputStream out = client.getOutputStream();
        if (head == null) {
            respond(out, 431, "Request Header Fields Too Large", "text/plain; charset=utf-8",
                    ("request head over " + MAX_HEAD + " bytes\n").getBytes(StandardCharsets.UTF_8), true, "");
            return;
        }
        int lineEnd = head.indexOf('\n');
        String[] request = (lineEnd < 0 ? head : head.substring(0, lineEnd)).trim().split(" ");
        if (request.length != 3 || !request[2].startsWith("HTTP/")) {
            respond(out, 400, "Bad Request", "text/plain; charset=utf-8",
                    "not an HTTP request\n".getBytes(StandardCharsets.UTF_8), true, "");
            return;
        }
        String method = request[0];
        String target = request[1];
        int query = target.indexOf('?');
        if (!(query < 0 ? target : target.substring(0, query)).equals(path)) {
            respond(out, 404, "Not Found", "text/plain; charset=utf-8",
                    ("the metrics are at " + path + "\n").getBytes(StandardCharsets.UTF_8), true, "");
            return;
        }
        boolean headOnly = method.equals("HEAD");
        if (!headOnly && !method.equals("GET")) {
            respond(out, 405, "Method Not Allowed", "text/plain; charset=utf-8",
                    "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8), true, "Allow: GET, HEAD\r\n");
            return;
        }
        byte[] metrics;
        try {
            metrics = body.get();
        } catch (RuntimeException e) {
            LOG.error("METRICS scrape failed: {}", e.toString(), e);
            respond(out, 500, "Internal Server Error", "text/plain; charset=utf-8",
                    "the metrics could not be made; see the log\n".getBytes(StandardCharsets.UTF_8), true, "");
            return;
        }
        respond(out, 200, "OK", contentType, metrics, !headOnly, "");
    }

    /**
     * Ends the answer and reads (a bounded amount of) what the client still sends, so that closing
     * with unread bytes does not reset the connection before the client has read the answer.
     */
    private static void lingeringClose(Socket client) throws IOException {
        client.shutdownOutput();
        InputStream in = client.getInputStream();
        byte[] sink = new byte[4096];
        long left = 16L * MAX_HEAD;
        for (int n = in.read(sink); n > 0 && left > 0; n = in.read(sink)) {
            left -= n;
        }
    }

    /** The request line and headers up to the empty line, or {@code null} when over {@link #MAX_HEAD} bytes. */
    private static String readHead(InputStream in) throws IOException {
        byte[] head = new byte[MAX_HEAD];
        int length = 0;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (true) {
            if (System.nanoTime() - deadline > 0) {
                throw new java.net.SocketTimeoutException("request head not complete after " + TIMEOUT_MILLIS + " ms");
            }
            int b = in.read();
            if (b < 0) {
                break;
            }
            if (length == MAX_HEAD) {
                return null;
            }
            head[length++] = (byte) b;
            if (b == '\n' && (endsWith(head, length, "\r\n\r\n") || endsWith(head, length, "\n\n"))) {
                break;
            }
        }
        return new String(head, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static boolean endsWith(byte[] bytes, int length, String suffix) {
        if (length < suffix.length()) {
            return false;
        }
        for (int i = 0; i < suffix.length(); i++) {
            if (bytes[length - suffix.length() + i] != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void respond(OutputStream out, int status, String reason, String type, byte[] body,
                                boolean withBody, String extraHeaders) throws IOException {
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: " + type + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + extraHeaders
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (withBody) {
            out.write(body);
        }
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdownNow();
        for (Socket client : clients) {
            try {
                client.close(); // ends a blocked read or write at once
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
            workers.awaitTermination(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
