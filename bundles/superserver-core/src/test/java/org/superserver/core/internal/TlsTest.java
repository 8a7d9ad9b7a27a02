package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ListenerState;

/**
 * TLS termination over real sockets: in-process echo and exec'd children behind TLS, client
 * certificates, certificate reload, and bad files; with the JDK's client and with openssl s_client;
 * each on both implementations the server can use, BoringSSL (netty-tcnative) and the JDK's.
 */
@RunWith(Parameterized.class)
public class TlsTest extends CoreFixture {

    @Parameterized.Parameters(name = "{0}")
    public static List<Object[]> providers() {
        return List.of(new Object[] {"openssl"}, new Object[] {"jdk"});
    }

    @Parameterized.Parameter
    public String provider;

    private TestCertificates certs;
    private Path[] server;
    private final List<SSLSocket> clients = new ArrayList<>();

    @Before
    public void startCore() throws Exception {
        if (provider.equals("openssl")) {
            assumeTrue("netty-tcnative does not load here: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause(),
                    io.netty.handler.ssl.OpenSsl.isAvailable());
        }
        System.setProperty(TlsContext.PROVIDER_PROPERTY, provider);
        certs = TestCertificates.create();
        server = certs.issue("server", "/CN=localhost/O=Superserver Test");
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
        start(SETTINGS);
    }

    @After
    public void closeClientsAndRemoveCertificates() throws Exception {
        for (SSLSocket s : clients) {
            s.close();
        }
        registry.stop();
        if (certs != null) {
            certs.delete();
        }
        System.clearProperty(TlsContext.PROVIDER_PROPERTY);
    }

    @Test
    public void theChosenImplementationMakesTheEngines() throws Exception {
        registry.addDefinition("d", tls(tcp("which")).build());
        port("which");
        TlsContext context = TlsContext.load(tls(tcp("which")).build());
        var handler = context.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT);
        try {
            String engine = handler.engine().getClass().getName();
            assertEquals(engine, provider.equals("openssl"), engine.contains("OpenSsl"));
        } finally {
            io.netty.util.ReferenceCountUtil.release(handler.engine());
        }
    }

    private ServiceDefinition.Builder tls(ServiceDefinition.Builder b) {
        return b.tls(true).tlsCertificate(server[0].toString()).tlsKey(server[1].toString());
    }

    private static ServiceDefinition.Builder exec(String id, String server, String... argv) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).server(server).argv(List.of(argv)).origin("test:" + id);
    }

    private SSLSocket tlsConnect(int port, SSLContext context, String... protocols) throws Exception {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        clients.add(s);
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(5_000);
        s.startHandshake();
        return s;
    }

    @Test
    public void echoOverTlsReadsPlaintextWithTls13AndTls12() throws Exception {
        registry.addDefinition("d", tls(tcp("secure-echo")).build());
        int port = port("secure-echo");
        SSLSocket s13 = tlsConnect(port, certs.clientContext(null));
        assertEquals("TLSv1.3", s13.getSession().getProtocol());
        assertEchoes(s13, "hello over tls\n");
        SSLSocket s12 = tlsConnect(port, certs.clientContext(null), "TLSv1.2");
        assertEquals("TLSv1.2", s12.getSession().getProtocol());
        String suite = s12.getSession().getCipherSuite();
        assertTrue(suite, suite.startsWith("TLS_ECDHE_") && (suite.contains("GCM") || suite.contains("CHACHA20")));
        assertEchoes(s12, "and 1.2\n");
        assertEquals("O=Superserver Test,CN=localhost",
                ((java.security.cert.X509Certificate) s13.getSession().getPeerCertificates()[0])
                        .getSubjectX500Principal().getName());
    }

    @Test
    public void instancesCountsTlsConnectionsAsAnyOther() throws Exception {
        registry.addDefinition("d", tls(tcp("one-at-a-time")).instances(1).build());
        int port = port("one-at-a-time");
        SSLSocket first = tlsConnect(port, certs.clientContext(null));
        assertEchoes(first, "first\n");
        SSLContext context = certs.clientContext(null);
        assertThrows(IOException.class, () -> {
            SSLSocket second = tlsConnect(port, context);
            assertEchoes(second, "second\n");
        });
        first.close();
        long deadline = System.currentTimeMillis() + 5_000;
        while (true) {
            try {
                assertEchoes(tlsConnect(port, context), "after the first closed\n");
                break;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    public void aClientThatNeverHandshakesIsClosedAfterTheHandshakeTimeout() throws Exception {
        registry.addDefinition("d", tls(tcp("silent")).build());
        Socket silent = connect(port("silent"));
        silent.setSoTimeout((int) TlsContext.HANDSHAKE_TIMEOUT_MILLIS + 5_000);
        long start = System.nanoTime();
        assertClosedByServer(silent);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue("closed after " + waited + " ms", waited >= TlsContext.HANDSHAKE_TIMEOUT_MILLIS - 500);
    }

    @Test
    public void tls11AndPlaintextClientsAreRefused() throws Exception {
        registry.addDefinition("d", tls(tcp("secure-echo")).build());
        int port = port("secure-echo");
        SSLContext old = certs.clientContext(null);
        assertThrows(IOException.class, () -> tlsConnect(port, old, "TLSv1.1"));
        Socket plain = connect(port);
        plain.getOutputStream().write("not a client hello\n".getBytes(StandardCharsets.US_ASCII));
        plain.getOutputStream().flush();
        // the server answers with a TLS alert record (type 21) or nothing, never an echo
        int first = plain.getInputStream().read();
        assertTrue("answered " + first, first == -1 || first == 21);
    }

    @Test
    public void missingCertificateFailsTheServiceNamingPropertyAndFileWhileOthersServe() throws Exception {
        registry.addDefinition("d", tcp("bad").tls(true).tlsCertificate(certs.dir.resolve("nope.pem").toString())
                .tlsKey(server[1].toString()).build());
        registry.addDefinition("e", tls(tcp("good")).build());
        var status = waitForState("bad", ListenerState.FAILED);
        assertTrue(status.detail(), status.detail().contains("tls_certificate")
                && status.detail().contains("nope.pem") && status.detail().contains("does not exist"));
        assertEchoes(tlsConnect(port("good"), certs.clientContext(null)), "still served\n");
    }

    @Test
    public void keyOfAnotherCertificateFailsTheService() throws Exception {
        Path[] other = certs.issue("other", "/CN=other");
        registry.addDefinition("d", tcp("mismatch").tls(true).tlsCertificate(server[0].toString())
                .tlsKey(other[1].toString()).build());
        var status = waitForState("mismatch", ListenerState.FAILED);
        assertTrue(status.detail(), status.detail().contains("tls_key") && status.detail().contains("other.key"));
    }

    @Test
    public void pkcs1RsaKeysAreRead() throws Exception {
        Path[] rsa = certs.selfSignedRsaPkcs1("rsa", "/CN=rsa");
        assertTrue(Files.readString(rsa[1]).contains("BEGIN RSA PRIVATE KEY"));
        registry.addDefinition("d", tcp("rsa").tls(true).tlsCertificate(rsa[0].toString())
                .tlsKey(rsa[1].toString()).build());
        int port = port("rsa");
        SSLContext trustAll = trusting(rsa[0]);
        assertEchoes(tlsConnect(port, trustAll), "rsa\n");
    }

    @Test
    public void sec1EcKeysAreRead() throws Exception {
        for (String curve : List.of("prime256v1", "secp384r1")) {
            Path[] ec = certs.selfSignedEcSec1("ec-" + curve, "/CN=" + curve, curve, false);
            String pem = Files.readString(ec[1]);
            assertTrue(pem, pem.contains("BEGIN EC PARAMETERS") && pem.contains("BEGIN EC PRIVATE KEY"));
            registry.addDefinition("d-" + curve, tcp("ec-" + curve).tls(true).tlsCertificate(ec[0].toString())
                    .tlsKey(ec[1].toString()).build());
            assertEchoes(tlsConnect(port("ec-" + curve), trusting(ec[0])), curve + "\n");
        }
    }

    @Test
    public void sec1EcKeyWithExplicitCurveParametersFailsNamingTheFile() throws Exception {
        Path[] ec = certs.selfSignedEcSec1("explicit", "/CN=explicit", "prime256v1", true);
        registry.addDefinition("d", tcp("explicit").tls(true).tlsCertificate(ec[0].toString())
                .tlsKey(ec[1].toString()).build());
        var status = waitForState("explicit", ListenerState.FAILED);
        assertTrue(status.detail(), status.detail().contains("tls_key") && status.detail().contains("explicit.key")
                && status.detail().contains("does not name its curve"));
    }

    private static SSLContext trusting(Path cert) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("c", TestCertificates.certificate(cert));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    @Test
    public void replacedCertificateIsSeenByANewHandshakeWhileAnOldConnectionKeepsWorking() throws Exception {
        registry.addDefinition("d", tls(tcp("reload")).build());
        int port = port("reload");
        SSLSocket old = tlsConnect(port, certs.clientContext(null));
        assertEchoes(old, "before\n");
        Path[] next = certs.issue("next", "/CN=localhost/O=Renewed");
        Thread.sleep(1_100); // the files are looked at at most once a second
        Files.move(next[1], server[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(next[0], server[0], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String subject = "";
        long deadline = System.currentTimeMillis() + 5_000;
        while (!subject.contains("Renewed") && System.currentTimeMillis() < deadline) {
            SSLSocket fresh = tlsConnect(port, certs.clientContext(null));
            subject = ((java.security.cert.X509Certificate) fresh.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
            assertEchoes(fresh, "after\n");
            Thread.sleep(200);
        }
        assertEquals("O=Renewed,CN=localhost", subject);
        assertEchoes(old, "the old connection still works\n");
        assertEquals(ListenerState.LISTENING, status("reload").state());
    }

    @Test
    public void brokenNewCertificateKeepsTheOldOne() throws Exception {
        registry.addDefinition("d", tls(tcp("broken")).build());
        int port = port("broken");
        Thread.sleep(1_100);
        Files.writeString(server[0], "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
        Thread.sleep(1_100);
        for (int i = 0; i < 2; i++) {
            SSLSocket s = tlsConnect(port, certs.clientContext(null));
            assertEchoes(s, "old certificate\n");
            assertTrue(((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName().contains("Superserver Test"));
        }
    }

    @Test
    public void execdCatGetsThePlaintextEndOfASocketPair() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        registry.addDefinition("d", tls(exec("tls-cat", "/bin/cat", "cat")).build());
        int port = port("tls-cat");
        SSLSocket s = tlsConnect(port, certs.clientContext(null));
        byte[] big = new byte[8 << 20];
        new java.util.Random(7).nextBytes(big);
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write(big);
                out.flush();
            } catch (IOException e) {
                // the reader fails the test
            }
        });
        writer.start();
        byte[] back = readFully(s.getInputStream(), big.length);
        writer.join(10_000);
        assertTrue("8 MB come back unchanged through cat", java.util.Arrays.equals(big, back));
    }

    @Test
    public void aClientThatStopsReadingHoldsOnlyItsOwnConnection() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        registry.addDefinition("d", tls(exec("tls-cat", "/bin/cat", "cat")).build());
        int port = port("tls-cat");
        // written and never read back: once cat's output fills the client's receive buffer and the
        // server's send buffer, cat blocks writing to the relay, the relay stops reading from the
        // client, and the client's writes block (after as much as the buffers on the way take: their
        // sizes are the kernel's, up to tens of MiB each with autotuning); the event loops must go on
        // serving everyone else meanwhile
        Socket raw = connect(port);
        SSLSocket stuck = (SSLSocket) certs.clientContext(null).getSocketFactory()
                .createSocket(raw, "127.0.0.1", port, true);
        stuck.startHandshake();
        long limit = 512L << 20; // a relay that read on without bound would take all of it
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        Thread writer = new Thread(() -> {
            byte[] chunk = new byte[64 << 10];
            try {
                OutputStream out = stuck.getOutputStream();
                while (written.get() < limit) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        writer.setDaemon(true);
        writer.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        for (long before = -1; ; ) { // until a second passes without a write completing
            Thread.sleep(1_000);
            long now = written.get();
            assertTrue(now >= limit ? "the relay read on without bound: " + now + " bytes taken"
                    : "the stuck client's connection failed after " + now + " bytes", writer.isAlive());
            if (now == before) {
                break;
            }
            assertTrue("the client's writes never blocked within 60 s: " + now + " bytes taken",
                    System.nanoTime() < deadline);
            before = now;
        }
        for (int i = 0; i < 4; i++) { // new connections land on each event loop in turn
            assertEchoes(tlsConnect(port, certs.clientContext(null)), "others still served " + i + "\n");
        }
        assertTrue("the stuck client is still blocked", writer.isAlive());
        raw.close(); // the socket itself: SSLSocket.close would wait for the blocked writer
        writer.join(5_000);
    }

    @Test
    public void whatAClientSendsBeforeItsCloseNotifyReachesTheChildAndEndsItsInput() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        Path done = certs.dir.resolve("received");
        // the file appears only once cat has seen the end of its input
        registry.addDefinition("d", tls(exec("tls-sink", "/bin/sh", "sh", "-c",
                "cat > " + done + ".part && mv " + done + ".part " + done)).build());
        SSLSocket s = tlsConnect(port("tls-sink"), certs.clientContext(null));
        s.getOutputStream().write("sent before close_notify\n".getBytes(StandardCharsets.US_ASCII));
        s.shutdownOutput(); // TLS 1.3 close_notify right after the data
        long deadline = System.currentTimeMillis() + 5_000;
        while (!Files.exists(done) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("sent before close_notify\n", Files.readString(done));
    }

    @Test
    public void onTheJdksEngineAClientThatHalfClosesStillReadsTheChildsAnswer() throws Exception {
        // TLS 1.3 lets a client close its side and read on; Netty's BoringSSL engine closes both
        // sides on a close_notify (documented), the JDK's keeps the server's side open
        assumeTrue("half-closure is the JDK engine's", provider.equals("jdk"));
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        registry.addDefinition("d", tls(exec("tls-sort", "/usr/bin/sort", "sort")).build());
        int port = port("tls-sort");
        for (int i = 0; i < 5; i++) {
            SSLSocket s = tlsConnect(port, certs.clientContext(null));
            s.getOutputStream().write(("b " + i + "\na " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput(); // sort answers only after the end of its input
            assertEquals("a " + i + "\nb " + i + "\n",
                    new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void childGetsTheTlsVariablesAndOnlyThoseBesidesItsOwn() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        registry.addDefinition("d", tls(exec("tls-env", "/usr/bin/env", "env")).build());
        SSLSocket s = tlsConnect(port("tls-env"), certs.clientContext(null));
        Map<String, String> env = lines(s);
        assertEquals("TLSv1.3", env.get("SSL_PROTOCOL"));
        assertTrue(env.toString(), env.get("SSL_CIPHER").startsWith("TLS_"));
        assertFalse("no client certificate, no subject", env.containsKey("SSL_CLIENT_S_DN"));
        assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("SSL_") && !k.equals("SSL_PROTOCOL")
                && !k.equals("SSL_CIPHER")));
    }

    @Test
    public void requiredClientCertificateRefusesAClientWithoutOneAndNamesTheSubjectOfOneWithIt() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        Path[] client = certs.issue("client", "/CN=alice/O=Clients");
        registry.addDefinition("d", tls(exec("mtls", "/usr/bin/env", "env"))
                .tlsClientCa(certs.caCert.toString()).build());
        int port = port("mtls");
        SSLContext anonymous = certs.clientContext(null);
        assertThrows(IOException.class, () -> {
            SSLSocket s = tlsConnect(port, anonymous);
            s.getOutputStream().write('x'); // TLS 1.3: the refusal comes after the client's Finished
            s.getOutputStream().flush();
            if (s.getInputStream().read() < 0) {
                throw new SSLException("closed without data");
            }
        });
        SSLSocket s = tlsConnect(port, certs.clientContext(client));
        Map<String, String> env = lines(s);
        assertEquals("O=Clients,CN=alice", env.get("SSL_CLIENT_S_DN"));
    }

    private static Map<String, String> lines(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        Map<String, String> map = new LinkedHashMap<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                map.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return map;
    }

    @Test
    public void opensslSClientTalksToTlsEchoAndToAnExecdCat() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        registry.addDefinition("d", tls(tcp("s-echo")).build());
        registry.addDefinition("e", tls(exec("s-cat", "/bin/cat", "cat")).build());
        assertEquals("through openssl", sClientFirstLine(port("s-echo"), "through openssl\n", null));
        assertEquals("through cat", sClientFirstLine(port("s-cat"), "through cat\n", null));
    }

    @Test
    public void opensslSClientWithAndWithoutAClientCertificate() throws Exception {
        assumeTrue("exec'd services need the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        Path[] client = certs.issue("client", "/CN=bob");
        registry.addDefinition("d", tls(exec("s-env", "/usr/bin/env", "env"))
                .tlsClientCa(certs.caCert.toString()).build());
        int port = port("s-env");
        String withCert = sClientAll(port, client);
        assertTrue(withCert, withCert.contains("SSL_CLIENT_S_DN=CN=bob"));
        String without = sClientAll(port, null);
        assertFalse(without, without.contains("SSL_CLIENT_S_DN"));
    }

    /** The first line openssl s_client prints after sending {@code input}; it is then stopped. */
    private String sClientFirstLine(int port, String input, Path[] client) throws Exception {
        Process p = sClient(port, client);
        try {
            p.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().flush();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            return out.readLine();
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Everything openssl s_client prints until the server closes. */
    private String sClientAll(int port, Path[] client) throws Exception {
        Process p = sClient(port, client);
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    private Process sClient(int port, Path[] client) throws IOException {
        List<String> command = new ArrayList<>(List.of(TestCertificates.OPENSSL, "s_client", "-connect",
                "127.0.0.1:" + port, "-quiet", "-CAfile", certs.caCert.toString(), "-verify_return_error"));
        if (client != null) {
            command.addAll(List.of("-cert", client[0].toString(), "-key", client[1].toString()));
        }
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
