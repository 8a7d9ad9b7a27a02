package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

/**
 * {@code tls = yes} through Configuration Admin in a real framework: the built-in echo over TLS,
 * an exec'd {@code /usr/bin/env} that requires a client certificate and sees its subject, the TLS
 * state in the listener's status, and a missing certificate failing only its own service, on
 * BoringSSL (netty-tcnative) as the distribution runs it. The certificates are made with openssl at
 * test time.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TlsIT extends ItestSupport {

    private static final String OPENSSL = "/usr/bin/openssl";

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(OPENSSL));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("openssl " + command + ": " + out, p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0);
    }

    /** ca.pem/ca.key, and NAME.pem/NAME.key signed by it, in {@code dir}. */
    private static void issue(Path dir, String name, String subject) throws Exception {
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", subject);
        openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2");
    }

    private static Path certificates(Path dir) throws Exception {
        assumeTrue(OPENSSL + " makes the test certificates and is missing", Files.isExecutable(Path.of(OPENSSL)));
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=TlsIT CA", "-days", "2");
        issue(dir, "server", "/CN=localhost");
        issue(dir, "client", "/CN=carol/O=TlsIT");
        return dir;
    }

    private static SSLContext client(Path dir, boolean withCertificate) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", x509.generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withCertificate) {
            String pem = Files.readString(dir.resolve("client.key"));
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            try (InputStream in = Files.newInputStream(dir.resolve("client.pem"))) {
                keys.setKeyEntry("client", KeyFactory.getInstance("EC").generatePrivate(
                        new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64))), new char[0],
                        new Certificate[] {x509.generateCertificate(in)});
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static SSLSocket connect(SSLContext context, InetSocketAddress address) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        s.connect(address, 5_000);
        s.setSoTimeout(5_000);
        s.startHandshake();
        return s;
    }

    @Test
    public void boringSslLoadsInsideTheFramework() {
        // netty-tcnative's classes bundle with its library attached as a fragment: netty-handler
        // wires its optional import to them and the library loads, so the core terminates TLS on
        // BoringSSL rather than on the JDK's SSLEngine
        assertTrue("netty-tcnative unavailable: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause(),
                io.netty.handler.ssl.OpenSsl.isAvailable());
    }

    @Test
    public void builtinEchoAndAnExecdChildServeOverTlsFromConfigurationAdmin() throws Exception {
        Scratch scratch = scratch();
        Path dir = certificates(scratch.dir());
        org.osgi.service.cm.Configuration echo = factoryConfiguration("org.superserver.service", properties(
                "service", "echo", "type", "INTERNAL", "socket_type", "stream", "id", "echo-tls",
                "bind", "127.0.0.1", "port", "0", "wait", "no", "tls", "yes",
                "tls_certificate", dir.resolve("server.pem").toString(),
                "tls_key", dir.resolve("server.key").toString()));
        org.osgi.service.cm.Configuration env = factoryConfiguration("org.superserver.service", properties(
                "service", "tlsenv", "type", "UNLISTED", "socket_type", "stream", "bind", "127.0.0.1", "port", "0",
                "wait", "no", "user", USER, "server", "/usr/bin/env", "tls", "yes",
                "tls_certificate", dir.resolve("server.pem").toString(),
                "tls_key", dir.resolve("server.key").toString(),
                "tls_client_ca", dir.resolve("ca.pem").toString()));

        InetSocketAddress echoAddress = awaitListening("cm:" + echo.getPid());
        try (SSLSocket s = connect(client(dir, false), echoAddress)) {
            s.getOutputStream().write("over tls\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertEquals("over tls", new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine());
        }
        ListenerStatus status = awaitListener("cm:" + echo.getPid(), "its certificate", l -> !l.tlsSubject().isEmpty());
        assertEquals("CN=localhost", status.tlsSubject());

        InetSocketAddress envAddress = awaitListening("cm:" + env.getPid());
        try (SSLSocket s = connect(client(dir, true), envAddress)) {
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(all, all.contains("SSL_CLIENT_S_DN=O=TlsIT,CN=carol\n"));
            assertTrue(all, all.contains("SSL_PROTOCOL=TLSv1.3\n"));
        }
        boolean refused;
        try (SSLSocket s = connect(client(dir, false), envAddress)) {
            s.getOutputStream().write('x');
            s.getOutputStream().flush();
            refused = s.getInputStream().read() < 0;
        } catch (IOException e) {
            refused = true;
        }
        assertTrue("a client without a certificate is refused", refused);
    }

    @Test
    public void aMissingCertificateFailsItsServiceNamingThePropertyAndTheFile() throws Exception {
        Scratch scratch = scratch();
        Path dir = certificates(scratch.dir());
        org.osgi.service.cm.Configuration bad = factoryConfiguration("org.superserver.service", properties(
                "service", "echo", "type", "INTERNAL", "socket_type", "stream", "id", "echo-badtls",
                "bind", "127.0.0.1", "port", "0", "wait", "no", "tls", "yes",
                "tls_certificate", dir.resolve("missing.pem").toString(),
                "tls_key", dir.resolve("server.key").toString()));
        ListenerStatus failed = awaitState("cm:" + bad.getPid(), ListenerState.FAILED);
        assertTrue(failed.detail(), failed.detail().contains("tls_certificate " + dir.resolve("missing.pem")));
    }
}
