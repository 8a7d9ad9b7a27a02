package org.superserver.core.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;

/**
 * The TLS server context of one {@code tls = yes} service, made from its PEM files, and re-made
 * when one of them changes: the files' times and sizes are looked at, at most once a second, when
 * a connection comes. New handshakes use the new context; established connections keep theirs. A
 * broken new file keeps the old context and is logged at ERROR, once per change, naming the file.
 *
 * <p>Defaults: TLS 1.3 and 1.2 only, for 1.2 the ECDHE suites with AES-GCM or ChaCha20-Poly1305,
 * a 10 s handshake timeout, and client-initiated renegotiation refused.
 *
 * <p>The TLS implementation is BoringSSL through netty-tcnative when its bundle is installed and its
 * native library loads on this platform (the distribution ships the library of the platform it was built on),
 * else the JDK's {@code SSLEngine}; the framework property {@value #PROVIDER_PROPERTY} ({@code auto},
 * {@code openssl} or {@code jdk}) chooses. The choice is logged when it is first made and whenever
 * it changes.
 */
final class TlsContext {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);

    /** How long a client has to complete its handshake. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The framework (or system) property that chooses the TLS implementation. */
    static final String PROVIDER_PROPERTY = "superserver.tls.provider";
    private static volatile String lastChoice;

    static {
        // read by the JDK once, when its TLS server code is first used; a value set elsewhere is kept
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

    private final String service;
    private final String certificate;
    private final String key;
    private final String clientCa;
    private volatile Loaded current;
    private volatile List<String> failedStamps;
    private volatile long nextCheck;

    private TlsContext(ServiceDefinition definition, Loaded first) {
        this.service = definition.name();
        this.certificate = definition.tlsCertificate();
        this.key = definition.tlsKey();
        this.clientCa = definition.tlsClientCa();
        this.current = first;
        this.nextCheck = System.nanoTime() + CHECK_INTERVAL_NANOS;
    }

    /**
     * The context of {@code definition}.
     *
     * @throws IllegalArgumentException naming the property and the file that cannot be used
     */
    static TlsContext load(ServiceDefinition definition) {
        return new TlsContext(definition, build(definition.tlsCertificate(), definition.tlsKey(),
                definition.tlsClientCa()));
    }

    /** A handler for one new connection, from the current files. */
    SslHandler newHandler(ByteBufAllocator alloc) {
        recheck();
        SslHandler handler = current.context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
        return handler;
    }

    /** The leaf certificate in use. */
    X509Certificate leaf() {
        return current.leaf;
    }

    /** Whether clients must present a certificate that chains to {@code tls_client_ca}. */
    boolean clientCertificatesRequired() {
        return clientCa != null;
    }

    /** Re-reads the files when one of them changed since the context in use was made. */
    void recheck() {
        long now = System.nanoTime();
        if (now - nextCheck < 0) {
            return;
        }
        nextCheck = now + CHECK_INTERVAL_NANOS;
        List<String> stamps = stamps(certificate, key, clientCa);
        if (stamps.equals(current.stamps) || stamps.equals(failedStamps)) {
            return;
        }
        synchronized (this) {
            if (stamps.equals(current.stamps)) {
                return;
            }
            try {
                Loaded next = build(certificate, key, clientCa);
                current = next;
                failedStamps = null;
                LOG.info("TLS service={} reloaded certificate={} subject=\"{}\" expires={}", service, certificate,
                        next.leaf.getSubjectX500Principal().getName(), next.leaf.getNotAfter().toInstant());
            } catch (IllegalArgumentException e) {
                failedStamps = stamps;
                LOG.error("TLS service={} error={}; the previous certificate and key stay in use", service,
                        e.getMessage());
            }
        }
    }

    private static Loaded build(String certificate, String key, String clientCa) {
        List<String> stamps = stamps(certificate, key, clientCa);
        List<X509Certificate> chain = PemFiles.certificates("tls_certificate", certificate);
        PrivateKey privateKey = PemFiles.privateKey("tls_key", key);
        if (!fits(privateKey, chain.get(0))) {
            throw PemFiles.bad("tls_key", key, "is not the key of the certificate in tls_certificate " + certificate);
        }
        SslContextBuilder builder = SslContextBuilder.forServer(privateKey, chain)
                .sslProvider(provider())
                .protocols(PROTOCOLS)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
        if (clientCa != null) {
            builder.trustManager(PemFiles.certificates("tls_client_ca", clientCa)).clientAuth(ClientAuth.REQUIRE);
        }
        try {
            SslContext context = builder.build();
            return new Loaded(context, chain.get(0), stamps);
        } catch (SSLException | RuntimeException e) {
            throw PemFiles.bad("tls_key", key, "does not make a TLS context with tls_certificate " + certificate
                    + ": " + e.getMessage());
        }
    }

    /**
     * The TLS implementation that new contexts use, from {@value #PROVIDER_PROPERTY}: {@code auto}
     * (the default) and {@code openssl} take BoringSSL when netty-tcnative is available, else the
     * JDK's; {@code jdk} takes the JDK's. A value that cannot be honoured is logged at ERROR.
     */
    static SslProvider provider() {
        String setting = FrameworkProperty.get(PROVIDER_PROPERTY);
        String wanted = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        SslProvider chosen;
        String why;
        boolean error = false;
        switch (wanted) {
            case "jdk" -> {
                chosen = SslProvider.JDK;
                why = PROVIDER_PROPERTY + "=jdk";
            }
            case "auto", "openssl" -> {
                if (OpenSsl.isAvailable()) {
                    chosen = SslProvider.OPENSSL;
                    why = OpenSsl.versionString();
                } else {
                    chosen = SslProvider.JDK;
                    Throwable cause = OpenSsl.unavailabilityCause();
                    why = "netty-tcnative is not available: " + (cause == null ? "unknown reason" : cause.toString());
                    error = wanted.equals("openssl");
                }
            }
            default -> {
                chosen = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
                why = PROVIDER_PROPERTY + "=" + setting + " is not one of auto, openssl, jdk; taken as auto";
                error = true;
            }
        }
        String choice = chosen + " " + why;
        if (!choice.equals(lastChoice)) {
            lastChoice = choice;
            String name = chosen == SslProvider.OPENSSL ? "openssl" : "jdk";
            if (error) {
                LOG.error("TLS provider={} ({})", name, why);
            } else {
                LOG.info("TLS provider={} ({})", name, why);
            }
        }
        return chosen;
    }

    /** Whether {@code key} signs what the public key of {@code leaf} verifies. */
    private static boolean fits(PrivateKey key, X509Certificate leaf) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "superserver".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Modification time and size of each file, to tell a changed file. */
    private static List<String> stamps(String... files) {
        List<String> stamps = new ArrayList<>();
        for (String f : files) {
            if (f == null) {
                continue;
            }
            try {
                BasicFileAttributes a = Files.readAttributes(Path.of(f), BasicFileAttributes.class);
                stamps.add(a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey());
            } catch (IOException e) {
                stamps.add("missing");
            }
        }
        return stamps;
    }

    /** One context and what it was made from. */
    private record Loaded(SslContext context, X509Certificate leaf, List<String> stamps) {
    }

    /** The expiry of the leaf, for status lines. */
    Instant expires() {
        return current.leaf.getNotAfter().toInstant();
    }
}
