package org.superserver.builtin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.Test;

/**
 * Whom the UDP built-ins refuse to answer, decided as a pure function of the sender's address and
 * port: broadcast and multicast sources cannot be produced on loopback, so this is where they are
 * tested.
 */
public class SourceRefusalTest {

    private static final OwnPorts NONE = new OwnPorts();

    @Test
    public void broadcastMulticastAndUnspecifiedSourcesAreRefused() throws UnknownHostException {
        for (String literal : List.of("255.255.255.255", "224.0.0.1", "224.0.0.251", "239.255.255.250",
                "232.1.2.3", "0.0.0.0", "0.1.2.3", "ff02::1", "ff05::1:3", "ff0e::101", "ffff::1", "::",
                "::ffff:255.255.255.255", "::ffff:224.0.0.1", "::ffff:0.0.0.0")) {
            InetAddress address = InetAddress.getByName(literal);
            assertTrue(literal, Datagrams.isGroupOrUnspecified(address));
            assertEquals(literal, Refusal.GROUP_ADDRESS, Datagrams.refusal(new InetSocketAddress(address, 40000), NONE));
        }
    }

    @Test
    public void ipv4MappedFormsHeldAsIpv6AddressesAreRefusedToo() throws UnknownHostException {
        for (String ipv4 : List.of("255.255.255.255", "224.0.0.1", "239.1.1.1", "0.0.0.0")) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(InetAddress.getByName(ipv4).getAddress(), 0, mapped, 12, 4);
            Inet6Address address = Inet6Address.getByAddress(null, mapped, -1);
            assertTrue("::ffff:" + ipv4, Datagrams.isGroupOrUnspecified(address));
        }
    }

    @Test
    public void unicastSourcesAreAnswered() throws UnknownHostException {
        for (String literal : List.of("127.0.0.1", "127.255.255.254", "10.0.0.1", "192.0.2.255", "223.255.255.255",
                "1.0.0.0", "::1", "2001:db8::1", "fe80::1", "fec0::1", "::ffff:192.0.2.1", "::ffff:127.0.0.1")) {
            InetAddress address = InetAddress.getByName(literal);
            assertFalse(literal, Datagrams.isGroupOrUnspecified(address));
            assertNull(literal, Datagrams.refusal(new InetSocketAddress(address, 40000), NONE));
        }
    }

    @Test
    public void builtInWellKnownPortsPrivilegedPortsAndNfsAreRefused() {
        for (int port : new int[] {7, 9, 13, 19, 37}) {
            assertEquals("port " + port, Refusal.BUILTIN_PORT, Datagrams.refusal(loopback(port), NONE));
        }
        for (int port : new int[] {0, 1, 53, 123, 1023}) {
            assertEquals("port " + port, Refusal.PRIVILEGED_PORT, Datagrams.refusal(loopback(port), NONE));
        }
        assertEquals(Refusal.NFS_PORT, Datagrams.refusal(loopback(2049), NONE));
        for (int port : new int[] {1024, 2048, 2050, 40000, 65535}) {
            assertNull("port " + port, Datagrams.refusal(loopback(port), NONE));
        }
    }

    @Test
    public void thePortsOfOurOwnOpenDatagramSocketsAreRefusedUntilTheyClose() {
        OwnPorts own = new OwnPorts();
        EmbeddedChannel echo = new BoundChannel(new InetSocketAddress("127.0.0.1", 10007));
        EmbeddedChannel echo6 = new BoundChannel(new InetSocketAddress("::1", 10007));
        own.track(echo);
        own.track(echo6);
        assertEquals(Refusal.OWN_PORT, Datagrams.refusal(loopback(10007), own));
        assertEquals("from any address", Refusal.OWN_PORT,
                Datagrams.refusal(new InetSocketAddress("192.0.2.1", 10007), own));
        assertNull(Datagrams.refusal(loopback(10019), own));

        echo.close();
        assertEquals("one socket on the port is still open", Refusal.OWN_PORT, Datagrams.refusal(loopback(10007), own));
        echo6.close();
        assertNull(Datagrams.refusal(loopback(10007), own));
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

}
