package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.Decision;

/**
 * tcpd reads the tables for every request, so an edit decides the very next connection: over a real
 * socket, with no wait and no poll between the edit and the connection, for an edit in place of the
 * same size, a file renamed into place, a retargeted link, a created and a removed file, and an
 * edited pattern file. Each case runs with the timestamps trusted at once (one stat per file per
 * decision) and with the production window, in which a file written just before it was read is
 * also compared by content.
 */
public class EditDecidesTheNextConnectionTest {

    @org.junit.Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private Hosts hosts;
    private ServerSocket server;
    private volatile TcpdPolicy policy;

    private static final ServiceDefinition ECHO = ServiceDefinition.builder().name("echo")
            .socketType(SocketType.STREAM).protocol(Protocol.TCP).port(10007).handler("echo").build();

    @Before
    public void setUp() throws IOException {
        hosts = new Hosts(tmp.getRoot().toPath());
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        executor.execute(this::serve);
    }

    @After
    public void tearDown() throws IOException {
        server.close();
        executor.shutdownNow();
    }

    /** Answers each connection with the policy's verdict and closes it. */
    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                ConnectionInfo c = new ConnectionInfo("id", "echo", Protocol.TCP,
                        (InetSocketAddress) s.getLocalSocketAddress(), (InetSocketAddress) s.getRemoteSocketAddress(),
                        Instant.now());
                Decision d = policy.check(c, ECHO).toCompletableFuture().get(10, TimeUnit.SECONDS);
                OutputStream out = s.getOutputStream();
                out.write(((d.isAllowed() ? "allow" : "deny") + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                return;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The verdict for a connection from {@code client} (127.0.0.x), over the socket. */
    private String connect(String client) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(client), 0));
            s.connect(server.getLocalSocketAddress(), 10_000);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    private void start(long racyWindowNanos) {
        policy = new TcpdPolicy(hosts.allow, hosts.deny, 1000, false,
                new NameCache(hosts, executor, 30_000, 100, System::nanoTime), executor, null,
                (l, r, t) -> Request.UNKNOWN, TcpdPolicy.SH, racyWindowNanos);
        policy.reload();
    }

    private static final List<Long> WINDOWS = List.of(0L, RuleSet.RACY_WINDOW_NANOS);

    @Test(timeout = 60_000)
    public void anEditInPlaceOfTheSameSizeDecidesTheNextConnection() throws Exception {
        for (long window : WINDOWS) {
            hosts.files("", "echo: 127.0.0.2\n");
            start(window);
            assertEquals("deny", connect("127.0.0.2"));
            assertEquals("allow", connect("127.0.0.3"));
            Hosts.write(hosts.deny, "echo: 127.0.0.3\n");
            assertEquals("allow", connect("127.0.0.2"));
            assertEquals("deny", connect("127.0.0.3"));
            Hosts.write(hosts.deny, "echo: 127.0.0.2\n");
            assertEquals("deny", connect("127.0.0.2"));
        }
    }

    @Test(timeout = 60_000)
    public void aFileRenamedIntoPlaceDecidesTheNextConnection() throws Exception {
        for (long window : WINDOWS) {
            hosts.files("", "echo: 127.0.0.2\n");
            start(window);
            assertEquals("deny", connect("127.0.0.2"));
            Path next = tmp.getRoot().toPath().resolve("hosts.deny.new");
            Hosts.write(next, "echo: 127.0.0.3\n");
            Files.move(next, hosts.deny, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("allow", connect("127.0.0.2"));
            assertEquals("deny", connect("127.0.0.3"));
        }
    }

    @Test(timeout = 60_000)
    public void aRetargetedLinkDecidesTheNextConnection() throws Exception {
        for (long window : WINDOWS) {
            Path dir = tmp.newFolder().toPath();
            Path a = dir.resolve("a");
            Path b = dir.resolve("b");
            Hosts.write(a, "echo: 127.0.0.2\n");
            Hosts.write(b, "echo: 127.0.0.3\n");
            Files.deleteIfExists(hosts.deny);
            Files.createSymbolicLink(hosts.deny, a);
            Hosts.write(hosts.allow, "");
            start(window);
            assertEquals("deny", connect("127.0.0.2"));
            Path link = dir.resolve("link");
            Files.createSymbolicLink(link, b);
            Files.move(link, hosts.deny, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("allow", connect("127.0.0.2"));
            assertEquals("deny", connect("127.0.0.3"));
            Files.delete(hosts.deny);
        }
    }

    @Test(timeout = 60_000)
    public void aCreatedOrRemovedFileDecidesTheNextConnection() throws Exception {
        for (long window : WINDOWS) {
            Files.deleteIfExists(hosts.allow);
            Files.deleteIfExists(hosts.deny);
            start(window);
            assertEquals("allow", connect("127.0.0.2"));
            Hosts.write(hosts.deny, "ALL: ALL\n");
            assertEquals("deny", connect("127.0.0.2"));
            Hosts.write(hosts.allow, "echo: 127.0.0.2\n");
            assertEquals("allow", connect("127.0.0.2"));
            Files.delete(hosts.allow);
            assertEquals("deny", connect("127.0.0.2"));
            Files.delete(hosts.deny);
            assertEquals("allow", connect("127.0.0.2"));
        }
    }

    @Test(timeout = 60_000)
    public void anEditedPatternFileDecidesTheNextConnection() throws Exception {
        for (long window : WINDOWS) {
            Path list = tmp.getRoot().toPath().resolve("blocked");
            Hosts.write(list, "127.0.0.9\n");
            hosts.files("", "echo: " + list + "\n");
            start(window);
            assertEquals("allow", connect("127.0.0.2"));
            Hosts.write(list, "127.0.0.2\n");
            assertEquals("deny", connect("127.0.0.2"));
        }
    }
}
