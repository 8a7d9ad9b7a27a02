package org.superserver.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The feature {@code superserver-metrics} in a real Karaf: with its configuration in etc/ (a free
 * port on 127.0.0.1), it serves the embedded default's counters to a Prometheus scrape.
 */
public class KarafMetricsIT {

    private static SuperserverInKaraf installed;
    private static int metricsPort;
    private static String installOutput;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeClass
    public static void installTheMetricsFeature() throws Exception {
        installed = SuperserverInKaraf.install(Map.of());
        metricsPort = installed.sparePorts[0];
        Files.writeString(installed.karaf.etc().resolve("org.superserver.metrics.cfg"),
                "address = 127.0.0.1\nport = " + metricsPort + "\n", StandardCharsets.ISO_8859_1);
        installOutput = installed.karaf.execute("feature:install superserver-metrics");
    }

    @AfterClass
    public static void stopKarafAndDeleteIt() throws Exception {
        if (installed != null) {
            installed.close();
        }
    }

    @Test
    public void aScrapeShowsTheEchoServiceCountingItsConnections() throws Exception {
        assertFalse("feature:install superserver-metrics failed:\n" + installOutput,
                installOutput.contains("Error executing command"));
        String bundles = installed.karaf.execute("bundle:list -t 0 -s");
        assertTrue("the metrics bundle is not active:\n" + bundles,
                KarafFeaturesIT.hasBundle(bundles, "Active", "superserver-metrics"));
        Sockets.awaitListening(installed.echoPort, log());
        Sockets.awaitListening(metricsPort, log());
        assertEquals("ping\n", Sockets.echo(installed.echoPort, "ping\n", log()));

        String series = "superserver_connections_accepted_total{protocol=\"tcp\",service=\"echo\"}";
        // at least the echo above (waiting for the port connects too)
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> scrape = get("/metrics");
        while (value(scrape.body(), series) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            scrape = get("/metrics");
        }
        assertEquals(200, scrape.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                scrape.headers().firstValue("Content-Type").orElse(""));
        assertTrue(scrape.body(), value(scrape.body(), series) >= 1);
        assertTrue(scrape.body(), scrape.body().contains("# TYPE superserver_connection_duration_seconds histogram"));
        assertEquals(404, get("/").statusCode());
    }

    private static double value(String text, String series) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Supplier<String> log() {
        return () -> {
            try {
                return "Karaf's log:\n" + KarafFeaturesIT.lines(installed.karaf.log(), "superserver");
            } catch (Exception e) {
                return "Karaf's log cannot be read: " + e;
            }
        };
    }
}
