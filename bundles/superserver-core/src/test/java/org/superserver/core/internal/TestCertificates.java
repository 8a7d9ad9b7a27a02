package org.superserver.core.internal;

import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA with server and client certificates, made with {@code openssl} in a temporary
 * directory at test time (tests skip where it is missing); {@link #delete()} removes them.
 */
final class TestCertificates {

    static final String OPENSSL = "/usr/bin/openssl";

    final Path dir;
    final Path caCert;
    private final Path caKey;

    private TestCertificates(Path dir) throws Exception {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.caKey = dir.resolve("ca.key");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", caKey.toString(), "-out", caCert.toString(), "-subj", "/CN=Superserver Test CA",
                "-days", "2");
    }

    /** A new CA in a new temporary directory; skips the test without openssl. */
    static TestCertificates create() throws Exception {
        assumeTrue("TLS tests make their certificates with " + OPENSSL + ", which is missing",
                Files.isExecutable(Path.of(OPENSSL)));
        return new TestCertificates(Files.createTempDirectory("superserver-tls"));
    }

    /**
     * A key ({@code name.key}, PKCS#8 EC) and a certificate ({@code name.pem}) for {@code subject}
     * (e.g. {@code /CN=localhost}), signed by the CA.
     */
    Path[] issue(String name, String subject) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", subject);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2");
        Files.delete(csr);
        return new Path[] {cert, key};
    }

    /** A self-signed RSA certificate whose key is written as PKCS#1 ({@code RSA PRIVATE KEY}). */
    Path[] selfSignedRsaPkcs1(String name, String subject) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".pem");
        openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
        openssl("req", "-x509", "-new", "-key", key.toString(), "-out", cert.toString(), "-subj", subject,
                "-days", "2");
        return new Path[] {cert, key};
    }

    /**
     * A self-signed certificate and its SEC 1 EC key ({@code EC PARAMETERS} and {@code EC PRIVATE
     * KEY} blocks, as {@code openssl ecparam -genkey} writes them) on {@code curve}, the curve
     * named or, with {@code explicit}, spelled out in the key (the certificate names it).
     */
    Path[] selfSignedEcSec1(String name, String subject, String curve, boolean explicit) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".pem");
        openssl("ecparam", "-genkey", "-name", curve, "-out", key.toString());
        openssl("req", "-x509", "-new", "-key", key.toString(), "-out", cert.toString(), "-subj", subject,
                "-days", "2");
        if (explicit) {
            openssl("ec", "-in", key.toString(), "-param_enc", "explicit", "-out", key.toString());
        }
        return new Path[] {cert, key};
    }

    /** A client context trusting the CA, presenting {@code client} (cert, key) when not {@code null}. */
    SSLContext clientContext(Path[] client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate(caCert));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (client != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", PemFiles.privateKey("key", client[1].toString()), new char[0],
                    new java.security.cert.Certificate[] {certificate(client[0])});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return context;
    }

    static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    void delete() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(OPENSSL);
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("openssl " + command + " failed: " + out);
        }
    }
}
