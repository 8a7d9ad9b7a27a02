package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.connect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;

/**
 * The metrics bundle with the real core and built-ins: Prometheus scrapes over HTTP on 127.0.0.1
 * while echo clients come and go, a client denied by an access policy, and the JMX MBeans of the
 * platform MBean server as services come and go.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsIT extends ItestSupport {

    static final String METRICS = "superserver-metrics";
    static final String METRICS_PID = "org.superserver.metrics";

    private int port;

    @Configuration
    public Option[] config() {
        return frameworkOptions(bundleFromTarget(METRICS, LEVEL_SUPERSERVER));
    }

    /**
     * Moves the endpoint from its default port (bound, if free, as the framework started) to a free
     * one. The configuration stays for the rest of the class, whose framework then ends: deleted, it
     * would bring the default port back.
     */
    @Before
    public void moveMetricsToAFreePort() throws Exception {
        ConfigurationAdmin configAdmin = service(ConfigurationAdmin.class);
        org.osgi.service.cm.Configuration configuration = configAdmin.getConfiguration(METRICS_PID, "?");
        if (configuration.getProperties() == null) {
            configuration.update(properties("address", "127.0.0.1", "port", 0, "path", "/metrics", "jmx", true));
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            ServiceReference<?>[] endpoints = context.getServiceReferences((String) null,
                    "(&(superserver.metrics.port=*)(!(superserver.metrics.port=9464)))");
            if (endpoints != null && endpoints.length > 0) {
                port = (Integer) endpoints[0].getProperty("superserver.metrics.port");
                assertEquals("127.0.0.1", endpoints[0].getProperty("superserver.metrics.address"));
                return;
            }
            Thread.sleep(20);
        }
        fail("the metrics endpoint was not published on a free port within " + TIMEOUT);
    }

    /** The whole HTTP answer to {@code method path}. */
    private String http(String method, String path) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private String scrape() throws IOException {
        String answer = http("GET", "/metrics");
        assertTrue(answer, answer.startsWith("HTTP/1.1 200 OK\r\n"));
        assertTrue(answer, answer.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }

    /** The value of the series {@code series} (name and labels, exactly as written), or -1 when absent. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** Scrapes until {@code series} has a value that {@code wanted} accepts; returns that scrape. */
    private String awaitValue(String series, Predicate<Double> wanted) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String text = scrape();
        while (!wanted.test(value(text, series)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            text = scrape();
        }
        assertTrue(series + " = " + value(text, series) + " in:\n" + text, wanted.test(value(text, series)));
        return text;
    }

    @Test
    public void countersRiseWhileEchoClientsComeAndGoAndTheHistogramCountsTheFinishedOnes() throws Exception {
        ServiceDefinition echo = internal("metered", "echo", Protocol.TCP).toBuilder().name("metered").build();
        define(echo);
        InetSocketAddress address = awaitListening(echo.id());
        String accepted = "superserver_connections_accepted_total{protocol=\"tcp\",service=\"metered\"}";
        String finished = "superserver_connection_duration_seconds_count{service=\"metered\"}";

        int clients = 40;
        AtomicInteger done = new AtomicInteger();
        CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < clients; i++) {
                try (Socket client = connect(address)) {
                    assertEchoes(client, "hello " + i + "\n");
                    Thread.sleep(5);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                done.incrementAndGet();
            }
        });
        List<Double> seen = new ArrayList<>();
        while (!traffic.isDone()) {
            seen.add(value(scrape(), accepted));
            Thread.sleep(10);
        }
        traffic.get();
        for (int i = 1; i < seen.size(); i++) {
            assertTrue("accepted went down: " + seen, seen.get(i) >= seen.get(i - 1));
        }
        assertTrue("scraped while the traffic ran: " + seen, seen.size() >= 2);

        try (Socket open = connect(address)) {
            assertEchoes(open, "still here\n");
            String text = awaitValue(finished, v -> v == clients);
            assertEquals(text, clients + 1, value(text, accepted), 0);
            assertEquals(text, 1, value(text, "superserver_active_connections{protocol=\"tcp\",service=\"metered\"}"),
                    0);
            assertEquals(text, 1, value(text,
                    "superserver_listener_up{protocol=\"tcp\",service=\"metered\",state=\"listening\"}"), 0);
            assertEquals(text, clients, value(text,
                    "superserver_connection_duration_seconds_bucket{service=\"metered\",le=\"+Inf\"}"), 0);
            double quick = value(text, "superserver_connection_duration_seconds_bucket{service=\"metered\",le=\"5.0\"}");
            assertEquals("every echo connection took less than 5 s: " + text, clients, quick, 0);
        }
        String text = awaitValue(finished, v -> v == clients + 1);
        long bytes = 0;
        for (int i = 0; i < clients; i++) {
            bytes += ("hello " + i + "\n").length();
        }
        bytes += "still here\n".length();
        assertEquals(text, bytes, value(text, "superserver_bytes_received_total{service=\"metered\"}"), 0);
        assertEquals(text, bytes, value(text, "superserver_bytes_sent_total{service=\"metered\"}"), 0);
        assertTrue(text.contains("# TYPE superserver_connection_duration_seconds histogram\n"));
    }

    @Test
    public void aClientDeniedByAPolicyIsCountedByPolicy() throws Exception {
        withdrawAfterTest(context.registerService(AccessPolicy.class,
                (c, d) -> CompletableFuture.completedFuture(Decision.builder(false).reason("metrics test").build()),
                new Hashtable<>(Map.of(AccessPolicy.NAME_PROPERTY, "nobody"))));
        ServiceDefinition guarded = internal("metrics-guarded", "echo", Protocol.TCP).toBuilder().name("guarded")
                .policy("nobody").build();
        define(guarded);
        InetSocketAddress address = awaitListening(guarded.id());
        for (int i = 0; i < 2; i++) {
            try (Socket denied = connect(address)) {
                denied.setSoTimeout(10_000);
                assertEquals("closed without an answer", -1, denied.getInputStream().read());
            }
        }
        awaitValue("superserver_denied_total{policy=\"nobody\",service=\"guarded\"}", v -> v == 2);
    }

    @Test
    public void onlyGetAndHeadOfThePathAreServed() throws Exception {
        assertTrue(http("GET", "/").startsWith("HTTP/1.1 404 Not Found\r\n"));
        assertTrue(http("POST", "/metrics").startsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
        String head = http("HEAD", "/metrics");
        assertTrue(head, head.startsWith("HTTP/1.1 200 OK\r\n") && head.endsWith("\r\n\r\n"));
    }

    @Test
    public void eachServiceHasAnMBeanWhileItsListenerIsThere() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ServiceDefinition jmx = internal("jmxecho", "echo", Protocol.TCP).toBuilder().name("jmxecho").build();
        ServiceRegistration<ServiceDefinition> registration = define(jmx);
        InetSocketAddress address = awaitListening(jmx.id());
        ObjectName name = new ObjectName("org.superserver:type=Service,name=jmxecho");
        awaitMBean(server, name, true);
        long totalBefore = (Long) server.getAttribute(new ObjectName("org.superserver:type=Server"), "Accepted");
        for (int i = 0; i < 3; i++) {
            try (Socket client = connect(address)) {
                assertEchoes(client, "jmx\n");
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while ((Long) server.getAttribute(name, "ConnectionDurationCount") < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(3L, server.getAttribute(name, "Accepted"));
        assertEquals(3L, server.getAttribute(name, "ConnectionDurationCount"));
        assertEquals(12L, server.getAttribute(name, "BytesReceived"));
        assertEquals("LISTENING", server.getAttribute(name, "State"));
        assertEquals("tcp", server.getAttribute(name, "Protocol"));
        long totalAfter = (Long) server.getAttribute(new ObjectName("org.superserver:type=Server"), "Accepted");
        assertTrue(totalBefore + " then " + totalAfter, totalAfter >= totalBefore + 3);

        registration.unregister();
        awaitMBean(server, name, false);
    }

    @Test
    public void aNonLoopbackAddressIsRefusedWithThePidAndPropertyWhileTheMBeansStay() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ConfigurationAdmin configAdmin = service(ConfigurationAdmin.class);
        org.osgi.service.cm.Configuration configuration = configAdmin.getConfiguration(METRICS_PID, "?");
        LogCapture log = log();
        try {
            configuration.update(properties("address", "0.0.0.0", "port", 0));
            log.await(TIMEOUT, "METRICS pid=org.superserver.metrics property=address value=0.0.0.0",
                    "not a loopback address");
            assertEquals(null, context.getServiceReferences((String) null, "(superserver.metrics.port=*)"));
            ObjectName total = new ObjectName("org.superserver:type=Server");
            awaitMBean(server, total, true);
            assertTrue(server.getAttribute(total, "Accepted") instanceof Long);

            configuration.update(properties("address", "localhost", "port", 0));
            log.await(TIMEOUT, "METRICS pid=org.superserver.metrics property=address value=localhost",
                    "not an IP address");
        } finally {
            configuration.update(properties("address", "127.0.0.1", "port", 0, "path", "/metrics", "jmx", true));
        }
        moveMetricsToAFreePort();
        assertTrue(http("HEAD", "/metrics").startsWith("HTTP/1.1 200 OK\r\n"));
    }

    private static void awaitMBean(MBeanServer server, ObjectName name, boolean registered) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (server.isRegistered(name) != registered && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(name + (registered ? " registered" : " unregistered"), registered, server.isRegistered(name));
    }
}
