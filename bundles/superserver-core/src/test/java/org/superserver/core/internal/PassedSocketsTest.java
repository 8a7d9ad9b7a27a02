package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * Which passed socket a service takes, and why one that names it is refused: the family, type,
 * path and name of real descriptors, and the matching of sockets to definitions.
 */
public class PassedSocketsTest {

    /** Descriptors of no socket: the matching never touches them. */
    private static final int NO_FD = -100;

    private final List<Integer> opened = new ArrayList<>();
    private Path dir;

    @Before
    public void makeDirectory() throws Exception {
        dir = ScriptDir.create("superserver-passed");
    }

    @After
    public void closeEverything() throws Exception {
        for (int fd : opened) {
            Libc.close(fd);
        }
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private int open(SocketType type, String path) throws Exception {
        int fd = UnixSockets.bound(type, path);
        opened.add(fd);
        return fd;
    }

    private static PassedSockets.Passed unixSocket(String name, SocketType type, String path) {
        return new PassedSockets.Passed(NO_FD, name, type, null, path);
    }

    private static PassedSockets.Passed tcpSocket(String name, int port) {
        return new PassedSockets.Passed(NO_FD, name, SocketType.STREAM, new InetSocketAddress("127.0.0.1", port));
    }

    private static ServiceDefinition unix(String name, SocketType type, String path) {
        return ServiceDefinition.builder().id("id-" + name).name(name).socketType(type)
                .protocol(Protocol.unix(type)).socketPath(path).handler("echo").origin("test:" + name).build();
    }

    private static ServiceDefinition tcp(String name, int port) {
        return ServiceDefinition.builder().id("id-" + name).name(name).socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(port).handler("echo").origin("test:" + name)
                .build();
    }

    @Test
    public void inspectTellsTheFamilyTypeAndPathOfUnixSockets() throws Exception {
        String file = dir.resolve("s.sock").toString();
        PassedSockets.Passed stream = PassedSockets.inspect(open(SocketType.STREAM, file), "a");
        assertEquals(SocketType.STREAM, stream.type());
        assertEquals(file, stream.path());
        assertEquals(Path.of(file), stream.file());
        assertNull(stream.local());
        assertTrue(stream.isUnix());
        assertEquals("fd=" + stream.fd() + " name=a path=" + file, stream.describe());

        String dgramFile = dir.resolve("d.sock").toString();
        PassedSockets.Passed dgram = PassedSockets.inspect(open(SocketType.DGRAM, dgramFile), "");
        assertEquals(SocketType.DGRAM, dgram.type());
        assertEquals(dgramFile, dgram.path());

        String abstractName = "@superserver-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        PassedSockets.Passed abstractSocket = PassedSockets.inspect(open(SocketType.STREAM, abstractName), "");
        assertEquals(abstractName, abstractSocket.path());
        assertNull("an abstract socket has no file", abstractSocket.file());
        assertEquals("fd=" + abstractSocket.fd() + " name=- path=" + abstractName, abstractSocket.describe());

        PassedSockets.Passed unnamed = PassedSockets.inspect(open(SocketType.DGRAM, ""), "");
        assertEquals("", unnamed.path());
        assertTrue(unnamed.isUnix());
        assertNull(unnamed.file());
        assertEquals("fd=" + unnamed.fd() + " name=- path=-", unnamed.describe());
    }

    @Test
    public void inspectTellsAnIpSocketFromAUnixOne() throws Exception {
        assumeTrue("the TCP socket is made by netty's native transport: " + Epoll.unavailabilityCause(),
                Epoll.isAvailable());
        io.netty.channel.unix.Socket tcp = io.netty.channel.unix.Socket.newSocketStream();
        try {
            tcp.bind(new InetSocketAddress("127.0.0.1", 0));
            PassedSockets.Passed passed = PassedSockets.inspect(tcp.intValue(), "");
            assertFalse(passed.isUnix());
            assertNull(passed.path());
            assertEquals(tcp.localAddress(), passed.local());
        } finally {
            tcp.close();
        }
    }

    @Test
    public void unixPathReadsAFilesPathAnAbstractNameAndNoName() {
        byte[] address = new byte[110];
        address[0] = 1;
        byte[] path = "/run/x.sock".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(path, 0, address, 2, path.length);
        assertEquals("/run/x.sock", PassedSockets.unixPath(address, 2 + path.length + 1));
        assertEquals("up to the NUL, whatever the length says", "/run/x.sock", PassedSockets.unixPath(address, 110));
        byte[] abstractAddress = new byte[110];
        abstractAddress[0] = 1;
        System.arraycopy(path, 0, abstractAddress, 3, path.length);
        assertEquals("@/run/x.sock", PassedSockets.unixPath(abstractAddress, 3 + path.length));
        assertEquals("", PassedSockets.unixPath(address, 2));
    }

    @Test
    public void aUnixServiceTakesTheSocketAtItsPathComparedAbsoluteAndNormalised() {
        PassedSockets.Passed other = unixSocket("", SocketType.STREAM, "/run/superserver/other.sock");
        PassedSockets.Passed echo = unixSocket("", SocketType.STREAM, "/run/superserver/echo.sock");
        PassedSockets sockets = PassedSockets.of(List.of(other, echo));
        assertSame(echo, sockets.take(unix("echo", SocketType.STREAM, "/run/superserver/./x/../echo.sock")));
        assertNull("taken once", sockets.take(unix("again", SocketType.STREAM, "/run/superserver/echo.sock")));
        assertNull(sockets.take(unix("elsewhere", SocketType.STREAM, "/run/elsewhere.sock")));
        assertSame(other, sockets.take(unix("other", SocketType.STREAM, "/run/superserver/other.sock")));

        PassedSockets.Passed dgram = unixSocket("", SocketType.DGRAM, "/run/d.sock");
        PassedSockets datagrams = PassedSockets.of(List.of(dgram));
        assertNull("a stream service takes no datagram socket",
                datagrams.take(unix("s", SocketType.STREAM, "/run/d.sock")));
        assertSame(dgram, datagrams.take(unix("d", SocketType.DGRAM, "/run/d.sock")));
    }

    @Test
    public void aUnixServiceTakesTheSocketNamedForItWhereverItIs() {
        PassedSockets.Passed atPath = unixSocket("", SocketType.STREAM, "/run/echo.sock");
        PassedSockets.Passed named = unixSocket("echo", SocketType.STREAM, "/run/systemd-made.sock");
        PassedSockets sockets = PassedSockets.of(List.of(atPath, named));
        assertSame("the name first", named, sockets.take(unix("echo", SocketType.STREAM, "/run/echo.sock")));

        PassedSockets.Passed byId = unixSocket("id-chargen", SocketType.DGRAM, "/run/c.sock");
        assertSame(byId, PassedSockets.of(List.of(byId)).take(unix("chargen", SocketType.DGRAM, "/run/x.sock")));
    }

    @Test
    public void anAbstractOrUnnamedSocketIsTakenOnlyByName() {
        PassedSockets.Passed abstractSocket = unixSocket("", SocketType.STREAM, "@echo.sock");
        PassedSockets.Passed unnamed = unixSocket("", SocketType.STREAM, "");
        PassedSockets sockets = PassedSockets.of(List.of(abstractSocket, unnamed));
        assertNull(sockets.take(unix("echo", SocketType.STREAM, "/echo.sock")));

        PassedSockets.Passed namedAbstract = unixSocket("echo", SocketType.STREAM, "@echo.sock");
        PassedSockets.Passed namedUnnamed = unixSocket("daytime", SocketType.STREAM, "");
        PassedSockets byName = PassedSockets.of(List.of(namedAbstract, namedUnnamed));
        assertSame(namedAbstract, byName.take(unix("echo", SocketType.STREAM, "/run/echo.sock")));
        assertSame(namedUnnamed, byName.take(unix("daytime", SocketType.STREAM, "/run/daytime.sock")));
    }

    @Test
    public void anIpSocketNeverServesAUnixServiceNorAUnixSocketAnIpService() {
        PassedSockets.Passed tcp = tcpSocket("echo", 7007);
        PassedSockets sockets = PassedSockets.of(List.of(tcp));
        assertNull(sockets.take(unix("echo", SocketType.STREAM, "/run/echo.sock")));
        assertSame(tcp, sockets.take(tcp("echo", 7007)));

        PassedSockets.Passed unixNamed = unixSocket("echo", SocketType.STREAM, "/run/echo.sock");
        PassedSockets unixOnly = PassedSockets.of(List.of(unixNamed));
        assertNull(unixOnly.take(tcp("echo", 0)));
        assertNull(unixOnly.take(tcp("echo", 7007)));
    }

    @Test
    public void aSocketThatNamesAServiceItCannotServeIsRefusedSayingWhy() {
        ServiceDefinition echo = unix("echo", SocketType.STREAM, "/run/echo.sock");
        assertEquals("it is named for service echo (test:echo), a unix stream service at /run/echo.sock, but it is"
                + " a unix dgram socket", PassedSockets.refusal(unixSocket("echo", SocketType.DGRAM, "/x"), echo));
        assertEquals("it is named for service echo (test:echo), a unix stream service at /run/echo.sock, but it is"
                + " an IPv4 stream socket", PassedSockets.refusal(tcpSocket("echo", 7), echo));
        assertEquals("it is at the socket path of service echo (test:echo), a unix stream service at"
                + " /run/echo.sock, but it is a unix dgram socket",
                PassedSockets.refusal(unixSocket("", SocketType.DGRAM, "/run/echo.sock"), echo));
        assertEquals("it is named for service daytime (test:daytime), a tcp service on port 13, but it is a unix"
                + " stream socket", PassedSockets.refusal(unixSocket("daytime", SocketType.STREAM, "/d"),
                        tcp("daytime", 13)));
        assertEquals("it is named for service daytime (test:daytime), a tcp service on port 13, but it is bound to"
                + " port 14", PassedSockets.refusal(tcpSocket("daytime", 14), tcp("daytime", 13)));
        assertNull("it serves", PassedSockets.refusal(unixSocket("echo", SocketType.STREAM, "/x"), echo));
        assertNull("nothing to do with it", PassedSockets.refusal(unixSocket("", SocketType.DGRAM, "/x"), echo));
    }

    @Test
    public void aRefusedSocketIsClosedByTheSweepAndATakenOneIsNot() throws Exception {
        int wrongType = open(SocketType.DGRAM, dir.resolve("echo.sock").toString());
        int right = open(SocketType.STREAM, dir.resolve("right.sock").toString());
        PassedSockets sockets = PassedSockets.of(List.of(PassedSockets.inspect(wrongType, "echo"),
                PassedSockets.inspect(right, "")));
        assertNull(sockets.take(unix("echo", SocketType.STREAM, dir.resolve("echo.sock").toString())));
        assertEquals(right, sockets.take(unix("right", SocketType.STREAM, dir.resolve("right.sock").toString())).fd());
        assertEquals(1, sockets.sweep());
        assertTrue(Libc.fcntl(wrongType, Libc.F_GETFD, 0) < 0);
        opened.remove(Integer.valueOf(wrongType));
        assertTrue(Libc.fcntl(right, Libc.F_GETFD, 0) >= 0);
        assertTrue("the socket file is not the server's to remove", Files.exists(dir.resolve("echo.sock")));
    }
}
