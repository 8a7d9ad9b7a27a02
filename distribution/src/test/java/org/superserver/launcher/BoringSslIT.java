package org.superserver.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bundle/ holds netty-tcnative's classes and the BoringSSL library of this platform only (the
 * libraries of all platforms share one bundle symbolic name, so a second one would keep this
 * platform's out), and a {@code tls = yes} service of the distribution runs on it.
 */
public class BoringSslIT {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    @Rule
    public final Distribution distribution = new Distribution();

    @Test
    public void oneBoringSslLibraryShipsAndTlsServicesRunOnIt() throws Exception {
        List<String> libraries = distribution.bundles("netty-tcnative-boringssl-static-").stream()
                .map(p -> p.getFileName().toString()).collect(Collectors.toList());
        assertEquals(libraries.toString(), 1, libraries.size());
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        assumeTrue("the build ships BoringSSL for linux-x86_64 or linux-aarch_64; this is "
                + System.getProperty("os.name") + " " + arch, System.getProperty("os.name").equals("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64")));
        assumeTrue(OPENSSL + " makes the test certificate and is missing", Files.isExecutable(OPENSSL));

        Path dir = folder.getRoot().toPath();
        Process req = new ProcessBuilder(OPENSSL.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=localhost",
                "-days", "1").directory(dir.toFile()).redirectErrorStream(true).start();
        req.getOutputStream().close();
        req.getInputStream().readAllBytes();
        assertTrue(req.waitFor(30, TimeUnit.SECONDS) && req.exitValue() == 0);

        int daytime = ServedPorts.freePort();
        int tls = ServedPorts.freePort();
        Path conf = folder.newFile("xinetd.conf").toPath();
        Files.writeString(conf, ServedPorts.xinetdDaytime(daytime)
                + "service echo\n{\n    type = INTERNAL UNLISTED\n    socket_type = stream\n    wait = no\n"
                + "    bind = 127.0.0.1\n    port = " + tls + "\n    tls = yes\n"
                + "    tls_certificate = " + dir.resolve("cert.pem") + "\n"
                + "    tls_key = " + dir.resolve("key.pem") + "\n}\n");
        Path log = dir.resolve("server.log");
        Process server = distribution.start(log, "--xinetd", conf.toString(), "--data", folder.newFolder("data").toString());
        ServedPorts.awaitDaytime(server, daytime, log);

        assertEquals("over BoringSSL\n", echoOverTls(tls, "over BoringSSL\n"));
        String text = Files.readString(log);
        assertTrue("the TLS service runs on BoringSSL: " + text, text.contains("TLS provider=openssl (BoringSSL)"));
    }

    /** What the TLS echo on 127.0.0.1:{@code port} sends back for {@code line}, trying for 10 s. */
    private static String echoOverTls(int port, String line) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustingManager()}, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(5_000);
                s.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                return new String(s.getInputStream().readNBytes(line.length()), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Trusts the self-signed test certificate: the test is about the server's engine, not about trust. */
    private static final class TrustingManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String type) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String type) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
