package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.netty.channel.Channel;
import io.netty.channel.unix.Socket;
import java.net.InetSocketAddress;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * A socket passed by a service manager comes in blocking mode (systemd's {@code NonBlocking=} is
 * off by default); the core puts it in non-blocking mode before an event loop serves it, since one
 * accept or receive too many on a blocking socket would hold the whole loop.
 */
public class AdoptedSocketModeTest {

    private Transport transport;
    private Channel adopted;

    @Before
    public void epoll() {
        assumeTrue("adoption needs the epoll transport", io.netty.channel.epoll.Epoll.isAvailable());
        transport = Transport.start(CoreFixture.SETTINGS);
    }

    @After
    public void close() {
        if (adopted != null) {
            adopted.unsafe().closeForcibly();
        }
        if (transport != null) {
            transport.close();
        }
    }

    @Test
    public void aBlockingListeningSocketIsMadeNonBlocking() throws Exception {
        Socket socket = Socket.newSocketStream();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        socket.listen(4);
        int fd = blocking(socket.intValue());
        adopted = transport.adoptServerChannel(fd);
        assertNonBlocking(fd);
    }

    @Test
    public void aBlockingDatagramSocketIsMadeNonBlocking() throws Exception {
        Socket socket = Socket.newSocketDgram();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        int fd = blocking(socket.intValue());
        adopted = transport.adoptDatagramChannel(fd);
        assertNonBlocking(fd);
    }

    private static int blocking(int fd) {
        int flags = Libc.fcntl(fd, Libc.F_GETFL, 0);
        assertEquals(0, Libc.fcntl(fd, Libc.F_SETFL, flags & ~Libc.O_NONBLOCK));
        assertEquals(0, Libc.fcntl(fd, Libc.F_GETFL, 0) & Libc.O_NONBLOCK);
        return fd;
    }

    private static void assertNonBlocking(int fd) {
        assertTrue("O_NONBLOCK set", (Libc.fcntl(fd, Libc.F_GETFL, 0) & Libc.O_NONBLOCK) != 0);
    }
}
