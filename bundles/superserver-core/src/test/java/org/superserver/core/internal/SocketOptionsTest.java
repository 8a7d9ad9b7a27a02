package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import com.sun.jna.ptr.IntByReference;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * {@code v6only} on a listening socket before it is bound: set when the definition asks for it on
 * an IPv6 socket, left at the default (which Netty makes dual-stack) otherwise. Read back from the
 * unbound socket, because Linux sets the option itself when an IPv6 socket is bound to a specific
 * address, and the tests bind loopback only.
 */
public class SocketOptionsTest {

    private static ServiceDefinition tcp6(boolean v6Only) {
        return ServiceDefinition.builder().id("v6").name("v6").socketType(SocketType.STREAM).protocol(Protocol.TCP6)
                .port(0).handler("echo").v6Only(v6Only).build();
    }

    private static int v6Only(EpollServerSocketChannel channel) {
        int[] value = new int[1];
        IntByReference length = new IntByReference(Integer.BYTES);
        assertEquals(0, Libc.getsockopt(channel.fd().intValue(), SocketOptions.IPPROTO_IPV6,
                SocketOptions.IPV6_V6ONLY, value, length));
        return value[0];
    }

    private static InetSocketAddress any6() throws Exception {
        return new InetSocketAddress(InetAddress.getByName("::"), 0);
    }

    @Test
    public void v6onlyIsSetOnAnIpv6SocketOnlyWhenTheDefinitionAsksForIt() throws Exception {
        assumeTrue(Epoll.isAvailable());
        EpollServerSocketChannel plain = new EpollServerSocketChannel(SocketProtocolFamily.INET6);
        EpollServerSocketChannel only = new EpollServerSocketChannel(SocketProtocolFamily.INET6);
        try {
            assertEquals("without v6only: dual-stack, as before", 0,
                    v6Only(SocketOptions.listener(plain, tcp6(false), any6())));
            assertEquals("v6only = yes", 1, v6Only(SocketOptions.listener(only, tcp6(true), any6())));
        } finally {
            plain.unsafe().closeForcibly();
            only.unsafe().closeForcibly();
        }
    }

    @Test
    public void v6onlyLeavesAnIpv4SocketAlone() throws Exception {
        assumeTrue(Epoll.isAvailable());
        EpollServerSocketChannel v4 = new EpollServerSocketChannel(SocketProtocolFamily.INET);
        try {
            assertTrue(SocketOptions.listener(v4, tcp6(true), new InetSocketAddress("127.0.0.1", 0)) == v4);
        } finally {
            v4.unsafe().closeForcibly();
        }
    }

    @Test
    public void v6onlyOnTheNioTransportIsRefusedWithTheReason() throws Exception {
        NioServerSocketChannel nio = new NioServerSocketChannel(SelectorProvider.provider(),
                SocketProtocolFamily.INET6);
        try {
            SocketOptions.listener(nio, tcp6(true), any6());
            fail("NIO cannot set IPV6_V6ONLY");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("v6only needs the epoll transport"));
        }
        assertTrue("the socket is closed", !nio.isOpen());
    }
}
