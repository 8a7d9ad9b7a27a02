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
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The Superserver page inside Karaf's own Web Console: with Karaf's {@code felix-http} and
 * {@code webconsole} features installed next to {@code superserver}, the features repository's
 * {@code webconsole} conditional adds the page bundle, which serves on Karaf's console (javax.servlet,
 * Web Console 4) behind Karaf's JAAS login: the services with their ports and counters, as HTML
 * and JSON.
 */
public class KarafWebConsoleIT {

    private static SuperserverInKaraf installed;
    private static int httpPort;
    private static String password;
    private static String webconsoleOutput;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeClass
    public static void installTheWebConsoleNextToSuperserver() throws Exception {
        installed = SuperserverInKaraf.install(Map.of());
        httpPort = installed.sparePorts[3];
        // Karaf's HTTP service on loopback and a free port (the feature keeps an existing configuration)
        Files.writeString(installed.karaf.etc().resolve("org.apache.felix.http.cfg"),
                "org.osgi.service.http.port = " + httpPort + "\norg.apache.felix.http.host = 127.0.0.1\n",
                StandardCharsets.ISO_8859_1);
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        password = HexFormat.of().formatHex(secret);
        Files.writeString(installed.karaf.etc().resolve("users.properties"),
                "\nkaraf-web = " + password + ",admin\n", StandardCharsets.ISO_8859_1,
                StandardOpenOption.APPEND);
        webconsoleOutput = installed.karaf.execute("feature:install felix-http webconsole");
    }

    @AfterClass
    public static void stopKarafAndDeleteIt() throws Exception {
        if (installed != null) {
            installed.close();
        }
    }

    @Test
    public void theConditionalAddsThePageToKarafsConsoleBehindItsLogin() throws Exception {
        assertFalse("feature:install felix-http webconsole failed:\n" + webconsoleOutput,
                webconsoleOutput.contains("Error executing command"));
        Sockets.awaitListening(httpPort, log());
        String bundles = installed.karaf.execute("bundle:list -t 0 -s");
        assertTrue("the page bundle is not active:\n" + bundles,
                KarafFeaturesIT.hasBundle(bundles, "Active", "superserver-webconsole"));

        assertEquals("without a login", 401, get("/system/console/superserver", null).statusCode());
        assertEquals("with a wrong password", 401, get("/system/console/superserver", "wrong").statusCode());

        HttpResponse<String> page = awaitPage("/system/console/superserver");
        assertTrue(page.body(), page.body().contains("127.0.0.1:" + installed.echoPort));
        HttpResponse<String> json = awaitPage("/system/console/superserver.json");
        assertTrue(json.body(), json.body().contains("\"echo\"") && json.body().contains(
                Integer.toString(installed.echoPort)));
        assertTrue(lines("WEBCONSOLE"), installed.karaf.log().contains("WEBCONSOLE page=superserver api=javax.servlet"));
    }

    /** The page once the console has picked the plugin up (it tracks plugin services as they come). */
    private static HttpResponse<String> awaitPage(String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> response = get(path, password);
        while (response.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            response = get(path, password);
        }
        assertEquals(path + ": " + response.body() + "\n" + lines("superserver"), 200, response.statusCode());
        return response;
    }

    private static HttpResponse<String> get(String path, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(20)).GET();
        if (secret != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    ("karaf-web:" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Supplier<String> log() {
        return () -> lines("superserver");
    }

    private static String lines(String containing) {
        try {
            return "Karaf's log:\n" + KarafFeaturesIT.lines(installed.karaf.log(), containing);
        } catch (Exception e) {
            return "Karaf's log cannot be read: " + e;
        }
    }
}
