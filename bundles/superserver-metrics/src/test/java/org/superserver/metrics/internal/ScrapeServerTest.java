package org.superserver.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The scrape endpoint over a real socket on 127.0.0.1, with a port the system picks. */
public class ScrapeServerTest {

    private final AtomicInteger scrapes = new AtomicInteger();
    private ScrapeServer server;

    @Before
    public void start() throws IOException {
        server = new ScrapeServer(InetAddress.getLoopbackAddress(), 0, "/metrics", Exposition.CONTENT_TYPE,
                () -> ("up " + scrapes.incrementAndGet() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @After
    public void stop() {
        server.close();
    }

    /** Sends {@code request} as is and returns everything the server sends until it closes. */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.boundAddress().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    public void getOfThePathAnswersTheMetricsWithThePrometheusContentType() throws IOException {
        assertEquals("127.0.0.1", server.boundAddress().getAddress().getHostAddress());
        String answer = exchange("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertTrue(answer, answer.startsWith("HTTP/1.1 200 OK\r\n"));
        assertTrue(answer, answer.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
        assertTrue(answer, answer.contains("\r\nContent-Length: 5\r\n"));
        assertTrue(answer, answer.endsWith("\r\n\r\nup 1\n"));
        assertTrue("each scrape makes the body anew", exchange("GET /metrics?x=1 HTTP/1.0\r\n\r\n").endsWith("up 2\n"));
    }

    @Test
    public void headAnswersTheHeadersWithoutABody() throws IOException {
        String answer = exchange("HEAD /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertTrue(answer, answer.startsWith("HTTP/1.1 200 OK\r\n"));
        assertTrue(answer, answer.endsWith("\r\n\r\n"));
    }

    @Test
    public void anotherPathIsNotFound() throws IOException {
        String answer = exchange("GET / HTTP/1.1\r\n\r\n");
        assertTrue(answer, answer.startsWith("HTTP/1.1 404 Not Found\r\n"));
        assertEquals("the metrics were not made", 0, scrapes.get());
    }

    @Test
    public void postIsNotAllowed() throws IOException {
        String answer = exchange("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assertTrue(answer, answer.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
        assertTrue(answer, answer.contains("\r\nAllow: GET, HEAD\r\n"));
        assertEquals(0, scrapes.get());
    }

    @Test
    public void aRequestHeadOverTheLimitIsRefused() throws IOException {
        String answer = exchange("GET /metrics HTTP/1.1\r\nX-Filler: " + "a".repeat(ScrapeServer.MAX_HEAD) + "\r\n\r\n");
        assertTrue(answer, answer.startsWith("HTTP/1.1 431 "));
        assertEquals(0, scrapes.get());
    }

    @Test
    public void garbageIsABadRequest() throws IOException {
        assertTrue(exchange("hello\r\n\r\n").startsWith("HTTP/1.1 400 Bad Request\r\n"));
    }

    @Test
    public void closingEndsAClientThatIsStillSendingItsRequest() throws Exception {
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), server.boundAddress().getPort())) {
            slow.setSoTimeout(10_000);
            slow.getOutputStream().write("GET /metr".getBytes(StandardCharsets.ISO_8859_1));
            slow.getOutputStream().flush();
            Thread.sleep(200);
            long started = System.nanoTime();
            server.close();
            assertTrue("close waited for the client", System.nanoTime() - started < 2_000_000_000L);
            try {
                assertEquals("the server closed the connection", -1, slow.getInputStream().read());
            } catch (java.net.SocketException reset) {
                // reset: closed too
            }
        }
    }

    @Test
    public void aClosedServerNoLongerAccepts() throws IOException {
        int port = server.boundAddress().getPort();
        server.close();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            throw new AssertionError("still accepting on " + port);
        } catch (java.net.ConnectException expected) {
            // refused, as it should be
        }
    }
}
