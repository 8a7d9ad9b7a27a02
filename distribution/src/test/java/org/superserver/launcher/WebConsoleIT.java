package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bin/superserver --webconsole of the assembled distribution, as an administrator's HTTP client
 * meets it: the Felix Web Console on 127.0.0.1 only, refusing requests without the password
 * generated into the data directory; its Superserver page and JSON view listing the services with
 * their counters; reload and disable by POST with the page's token; and gone again at the next
 * start without the option.
 */
public class WebConsoleIT {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final Path home = Path.of(System.getProperty("superserver.home", "target/superserver"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process server;
    private Path log;
    private int consolePort;
    private int echoPort;
    private int daytimePort;
    private String authorization;
    private Path data;
    private List<String> arguments;

    @Before
    public void startWithTheWebConsole() throws Exception {
        assertTrue("no distribution at " + home, Files.isExecutable(home.resolve("bin/superserver")));
        consolePort = freePort();
        echoPort = freePort();
        daytimePort = freePort();
        // The classic services under their own names, on free ports of this run.
        Path services = folder.newFile("services").toPath();
        Files.writeString(services, "echo " + echoPort + "/tcp\ndaytime " + daytimePort + "/tcp\n");
        Path conf = folder.newFile("inetd.conf").toPath();
        Files.writeString(conf, "127.0.0.1:echo stream tcp nowait root internal\n"
                + "127.0.0.1:daytime stream tcp nowait root internal\n");
        data = folder.getRoot().toPath().resolve("data");
        log = folder.getRoot().toPath().resolve("server.log");
        arguments = List.of("--inetd", conf.toString(), "--services", services.toString(), "--data", data.toString());
        server = start(log, true);

        Path passwordFile = data.resolve("webconsole.password");
        awaitLog("WEBCONSOLE url=http://127.0.0.1:" + consolePort + "/system/console");
        assertTrue(Files.readString(log), Files.readString(log).contains("password=" + passwordFile));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
        String password = Files.readString(passwordFile).strip();
        authorization = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
        awaitPage();
        awaitLog("LISTEN service=echo");
    }

    @After
    public void stopServer() throws Exception {
        if (server != null && server.isAlive()) {
            new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    public void refusesRequestsWithoutThePasswordAndListensOnLoopbackOnly() throws Exception {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri("/system/console/superserver")).GET(), false);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        HttpResponse<String> guessed = http.send(HttpRequest.newBuilder(uri("/system/console/superserver.json"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("the Web Console's old default password does not work", 401, guessed.statusCode());
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/system/console/superserver"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("action=reload")), false);
        assertEquals(401, post.statusCode());

        List<String> listening = listeningAddresses(consolePort);
        assertFalse("the console's port is in /proc/net/tcp", listening.isEmpty());
        assertEquals("bound to 127.0.0.1 only", List.of("127.0.0.1"), listening);
        assertTrue(Files.readString(log), Files.readString(log).contains("{127.0.0.1:" + consolePort + "}"));
    }

    @Test
    public void thePageAndTheJsonViewListTheServicesWithTheirCounters() throws Exception {
        try (Socket echo = new Socket("127.0.0.1", echoPort)) {
            echo.setSoTimeout(5_000);
            OutputStream out = echo.getOutputStream();
            out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] back = echo.getInputStream().readNBytes(6);
            assertEquals("hello\n", new String(back, StandardCharsets.US_ASCII));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String json;
        long accepted;
        do {
            json = get("/system/console/superserver.json").body();
            accepted = counter(json, "echo", "accepted");
        } while (accepted < 1 && System.nanoTime() < deadline && sleep());
        assertEquals(json, 1, accepted);
        assertTrue(json, json.startsWith("{\"core\":true,"));
        assertTrue(json, Pattern.compile("\"name\":\"echo\",\"protocol\":\"tcp4?\",\"socketType\":\"stream\","
                + "\"address\":\"127.0.0.1:" + echoPort + "\",\"state\":\"LISTENING\"").matcher(json).find());
        assertTrue(json, json.contains("\"name\":\"daytime\""));
        assertEquals(json, 1, counter(json, "echo", "stats\":\\{\"accepted"));
        assertEquals(json, 0, counter(json, "daytime", "accepted"));

        HttpResponse<String> page = get("/system/console/superserver");
        assertEquals(200, page.statusCode());
        String html = page.body();
        assertTrue("inside the Web Console's frame", html.contains("<div id='content'>"));
        assertTrue(html, html.contains("<td>echo</td>"));
        assertTrue(html, html.contains("<td>daytime</td>"));
        assertTrue(html, html.contains("<td>127.0.0.1:" + echoPort + "</td><td>LISTENING</td>"));
        assertTrue("the console's navigation names the page", html.contains("superserver"));
    }

    @Test
    public void reloadAndDisableByPostWithThePagesToken() throws Exception {
        String json = get("/system/console/superserver.json").body();
        String token = match(json, "\"token\":\"([^\"]+)\"");
        String echoId = match(json, "\\{\"id\":\"([^\"]+)\",\"name\":\"echo\"");

        HttpResponse<String> forged = post("/system/console/superserver", Map.of("action", "reload", "token", "forged"));
        assertEquals(403, forged.statusCode());

        HttpResponse<String> reload = post("/system/console/superserver", Map.of("action", "reload", "token", token));
        assertEquals(reload.body(), 303, reload.statusCode());
        String location = reload.headers().firstValue("Location").orElseThrow();
        assertTrue(location, location.startsWith("/system/console/superserver?outcome="));
        String outcome = get(location).body();
        assertTrue(outcome, outcome.contains("reload: ") && outcome.contains("reloaded inetd.conf "));

        HttpResponse<String> disable = post("/system/console/superserver.json",
                Map.of("action", "disable", "service", echoId, "token", token));
        assertEquals(disable.body(), 200, disable.statusCode());
        String result = disable.body();
        assertTrue(result, result.startsWith("{\"action\":\"disable\",\"service\":\"" + echoId + "\",\"ok\":"));
        if (result.contains("\"ok\":true")) {
            // The source turned it off: its port stops answering.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (get("/system/console/superserver.json").body().contains("\"name\":\"echo\"")) {
                assertTrue("echo still listed 30 s after it was disabled", System.nanoTime() < deadline);
                sleep();
            }
        } else {
            // An inetd.conf decides by its own lines: the refusal says why, and echo keeps serving.
            assertTrue(result, result.contains("its file decides whether it runs")
                    || result.contains("no configuration source says that it publishes service " + echoId));
            try (Socket echo = new Socket("127.0.0.1", echoPort)) {
                echo.getOutputStream().write('x');
                echo.setSoTimeout(5_000);
                assertEquals('x', echo.getInputStream().read());
            }
        }
        assertTrue(Files.readString(log), Files.readString(log).contains("WEBCONSOLE action=disable service=" + echoId));
    }

    @Test
    public void withoutTheOptionTheNextStartRunsNothingOfTheConsole() throws Exception {
        stopServer();
        log = folder.getRoot().toPath().resolve("server-without.log");
        server = start(log, false);
        awaitLog("Superserver started");
        awaitLog("LISTEN service=echo");
        try (Socket echo = new Socket("127.0.0.1", echoPort)) {
            echo.getOutputStream().write('x');
            echo.setSoTimeout(5_000);
            assertEquals('x', echo.getInputStream().read());
        }
        assertEquals("nothing listens on the console's port", List.of(), listeningAddresses(consolePort));
        String text = Files.readString(log);
        assertFalse(text, text.contains("WEBCONSOLE"));
        assertFalse(text, text.contains("Jetty"));
    }

    /** bin/superserver with this test's arguments, and --webconsole on the test's port if asked. */
    private Process start(Path output, boolean webConsole) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/superserver").toString());
        if (webConsole) {
            command.add("--webconsole");
        }
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("SUPERSERVER_OPTS", "-Dsuperserver.webconsole.port=" + consolePort);
        return builder.start();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET(), true);
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)), true);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, boolean authenticated) throws Exception {
        if (authenticated) {
            request.header("Authorization", authorization);
        }
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + consolePort + path);
    }

    /** The named counter of the service named {@code name} in the JSON view, the first match after its name. */
    private static long counter(String json, String name, String counter) {
        return Long.parseLong(match(json, "\"name\":\"" + name + "\"[^}]*?\"" + counter + "\":(\\d+)"));
    }

    private static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(regex + " in " + text, m.find());
        return m.group(1);
    }

    private void awaitLog(String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains(line)) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                fail("no '" + line + "' in: " + Files.readString(log));
            }
            sleep();
        }
    }

    /** Until the page answers with the password (Jetty, the console and the page start in turn). */
    private void awaitPage() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("the server exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> page = get("/system/console/superserver.json");
                if (page.statusCode() == 200 && page.body().contains("\"name\":\"echo\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep();
        }
        fail("the Superserver page did not answer within 90 s: " + Files.readString(log));
    }

    /**
     * The addresses that listen on {@code port}, from the kernel's socket tables: IPv4 addresses
     * (and IPv4-mapped IPv6 ones) as dotted quads, {@code ::1}, other IPv6 ones as {@code ipv6:HEX}.
     */
    private static List<String> listeningAddresses(int port) throws IOException {
        List<String> found = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[3].equals("0A") || !f[1].contains(":")) {
                    continue;
                }
                String[] local = f[1].split(":");
                if (Integer.parseInt(local[1], 16) != port) {
                    continue;
                }
                String hex = local[0];
                if (hex.length() == 8) {
                    found.add(ipv4(hex));
                } else if (hex.startsWith("0000000000000000FFFF0000")) {
                    found.add(ipv4(hex.substring(24)));  // ::ffff:a.b.c.d, as Java binds an IPv4 address
                } else if (hex.equals("00000000000000000000000001000000")) {
                    found.add("::1");
                } else {
                    found.add("ipv6:" + hex);
                }
            }
        }
        return found;
    }

    /** A dotted quad from the kernel's hex form (a 32-bit word in the host's little-endian order). */
    private static String ipv4(String hex) {
        long a = Long.parseLong(hex, 16);
        return (a & 0xff) + "." + (a >> 8 & 0xff) + "." + (a >> 16 & 0xff) + "." + (a >> 24 & 0xff);
    }

    private static boolean sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

}
