package org.superserver.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import org.junit.Test;

public class UnixSocketDefinitionTest {

    private static ServiceDefinition.Builder unixEcho(SocketType type) {
        return ServiceDefinition.builder().name("/run/echo.sock").socketType(type)
                .protocol(Protocol.UNIX).socketPath("/run/echo.sock").handler("echo");
    }

    @Test
    public void tlsIsRefusedOnAUnixSocket() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> unixEcho(SocketType.STREAM)
                .tls(true).tlsCertificate("/etc/ssl/a.pem").tlsKey("/etc/ssl/a.key").build());
        assertTrue(e.getMessage(), e.getMessage().contains("unix socket"));
    }

    @Test
    public void unixTakesTheProtocolOfItsSocketType() {
        assertSame(Protocol.UNIX, unixEcho(SocketType.STREAM).build().protocol());
        assertSame(Protocol.UNIX_DGRAM, unixEcho(SocketType.DGRAM).build().protocol());
        assertSame(Protocol.UNIX_DGRAM, Protocol.parse("unix", SocketType.DGRAM));
        assertSame(Protocol.UDP, Protocol.parse("udp", SocketType.DGRAM));
        assertEquals("unix", Protocol.UNIX_DGRAM.configName());
        assertSame(Protocol.UNIX, Protocol.parse("UNIX"));
    }

    @Test
    public void aUnixSocketIsOnlyReadAndWrittenByOwnerAndGroupUnlessConfigured() {
        ServiceDefinition d = unixEcho(SocketType.STREAM).build();
        assertEquals(0660, d.socketMode());
        assertNull(d.socketOwner());
        assertNull(d.socketGroup());
        assertEquals(0, d.port());
        assertEquals("/run/echo.sock/unix", d.id());
        ServiceDefinition open = unixEcho(SocketType.STREAM).socketMode(0666).socketOwner("daemon")
                .socketGroup("adm").build();
        assertEquals(open, open.toBuilder().build());
        assertEquals(0666, open.socketMode());
        assertEquals("daemon", open.socketOwner());
    }

    @Test
    public void aUnixSocketNeedsAnAbsolutePathAndNoAddressOrPort() {
        message("needs a socket path", unixEcho(SocketType.STREAM).socketPath(null));
        message("not absolute", unixEcho(SocketType.STREAM).socketPath("run/echo.sock"));
        message("longer than 107 bytes", unixEcho(SocketType.STREAM).socketPath("/" + "x".repeat(107)));
        message("port 7 does not fit protocol unix", unixEcho(SocketType.STREAM).port(7));
        message("bind address 127.0.0.1 does not fit protocol unix", unixEcho(SocketType.STREAM).bindAddress("127.0.0.1"));
        message("socket mode 1777 is outside", unixEcho(SocketType.STREAM).socketMode(01777));
        message("needs protocol unix, not tcp", ServiceDefinition.builder().name("echo").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).port(7).handler("echo").socketPath("/run/echo.sock"));
    }

    @Test
    public void aUnixClientIsNamedByItsCredentials() {
        PeerCredentials peer = new PeerCredentials(4242, 1000, 100);
        ConnectionInfo c = new ConnectionInfo("echo/unix", "echo", Protocol.UNIX, "/run/echo.sock", peer,
                Instant.EPOCH);
        assertSame(peer, c.peer());
        assertEquals("unix:uid=1000,gid=100,pid=4242", c.remote().getHostString());
        assertNull(c.remote().getAddress());
        assertEquals("/run/echo.sock", c.local().getHostString());
        assertEquals("echo/unix from unix:uid=1000,gid=100,pid=4242", c.toString());
    }

    private static void message(String expected, ServiceDefinition.Builder builder) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage(), e.getMessage().contains(expected));
    }
}
