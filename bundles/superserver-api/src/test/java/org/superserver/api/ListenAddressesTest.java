package org.superserver.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.Test;

/** Where a definition's IP socket is bound, for the core and the launcher alike. */
public class ListenAddressesTest {

    private static ServiceDefinition definition(Protocol protocol, String bind) {
        return ServiceDefinition.builder().name("echo").socketType(protocol.socketType()).protocol(protocol)
                .bindAddress(bind).port(7).handler("echo").build();
    }

    private static List<String> candidates(Protocol protocol, String bind, boolean ipv6) {
        return ListenAddresses.candidates(definition(protocol, bind), ipv6).stream()
                .map(a -> (a.getAddress() instanceof java.net.Inet6Address ? "[" + a.getAddress().getHostAddress() + "]"
                        : a.getAddress().getHostAddress()) + ":" + a.getPort())
                .toList();
    }

    @Test
    public void plainProtocolsBindTheDualStackWildcardFirstThenIpv4() {
        assertEquals(List.of("[0:0:0:0:0:0:0:0]:7", "0.0.0.0:7"), candidates(Protocol.TCP, null, true));
        assertEquals(List.of("[0:0:0:0:0:0:0:0]:7", "0.0.0.0:7"), candidates(Protocol.UDP, null, true));
    }

    @Test
    public void plainProtocolsBindIpv4WhereIpv6IsUnusable() {
        assertEquals(List.of("0.0.0.0:7"), candidates(Protocol.TCP, null, false));
    }

    @Test
    public void familyProtocolsBindTheirOwnWildcard() {
        assertEquals(List.of("0.0.0.0:7"), candidates(Protocol.TCP4, null, true));
        assertEquals(List.of("0.0.0.0:7"), candidates(Protocol.UDP4, null, true));
        assertEquals(List.of("[0:0:0:0:0:0:0:0]:7"), candidates(Protocol.TCP6, null, true));
        assertEquals(List.of("[0:0:0:0:0:0:0:0]:7"), candidates(Protocol.UDP6, null, true));
    }

    @Test
    public void explicitAddressIsBoundAsGiven() {
        assertEquals(List.of("127.0.0.1:7"), candidates(Protocol.TCP, "127.0.0.1", true));
        assertEquals(List.of("[0:0:0:0:0:0:0:1]:7"), candidates(Protocol.UDP6, "::1", true));
        assertEquals(List.of("[0:0:0:0:0:0:0:1]:7"), candidates(Protocol.TCP, "[::1]", true));
    }

    @Test
    public void addressOfTheWrongFamilyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ListenAddresses.candidates(definition(Protocol.TCP4, "::1"), true));
        assertTrue(e.getMessage(), e.getMessage().contains("not an IPv4 address"));
        e = assertThrows(IllegalArgumentException.class,
                () -> ListenAddresses.candidates(definition(Protocol.UDP6, "127.0.0.1"), true));
        assertTrue(e.getMessage(), e.getMessage().contains("not an IPv6 address"));
    }

    @Test
    public void hostNamesAreRefusedWithoutALookup() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ListenAddresses.candidates(definition(Protocol.TCP, "example.invalid"), true));
        assertTrue(e.getMessage(), e.getMessage().contains("not a literal"));
    }

    @Test
    public void firstIsTheOneToBindAndEmptyWhereTheAddressIsRefused() {
        assertEquals(new InetSocketAddress("::", 7), ListenAddresses.first(definition(Protocol.TCP, null), true).get());
        assertEquals(new InetSocketAddress("0.0.0.0", 7), ListenAddresses.first(definition(Protocol.TCP, null), false).get());
        assertTrue(ListenAddresses.first(definition(Protocol.TCP4, "::1"), true).isEmpty());
    }

    @Test
    public void onlyIpSocketsAtAFixedPortWithoutOptionsOrScopeAreBindableEarly() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 7);
        InetSocketAddress any6 = new InetSocketAddress("::", 7);
        assertTrue(ListenAddresses.bindableEarly(definition(Protocol.TCP, null), any6));
        assertTrue(ListenAddresses.bindableEarly(definition(Protocol.UDP, "127.0.0.1"), loopback));
        assertFalse("a v6only IPv6 socket", ListenAddresses.bindableEarly(
                definition(Protocol.TCP6, null).toBuilder().v6Only(true).build(), any6));
        assertTrue("v6only means nothing to an IPv4 socket", ListenAddresses.bindableEarly(
                definition(Protocol.TCP4, null).toBuilder().v6Only(true).build(), new InetSocketAddress("0.0.0.0", 7)));
        assertFalse("port 0", ListenAddresses.bindableEarly(definition(Protocol.TCP, null).toBuilder().port(0).build(),
                new InetSocketAddress("127.0.0.1", 41234)));
        assertFalse("bound at port 0", ListenAddresses.bindableEarly(definition(Protocol.TCP, null),
                new InetSocketAddress("127.0.0.1", 0)));
        assertFalse("unresolved", ListenAddresses.bindableEarly(definition(Protocol.TCP, null),
                InetSocketAddress.createUnresolved("localhost", 7)));
        java.net.Inet6Address scoped = java.net.Inet6Address.getByAddress(null,
                java.net.InetAddress.getByName("fe80::1").getAddress(), 2);
        assertFalse("a link-local address with its scope", ListenAddresses.bindableEarly(
                definition(Protocol.TCP6, null), new InetSocketAddress(scoped, 7)));
        assertFalse("a Unix-domain socket", ListenAddresses.bindableEarly(ServiceDefinition.builder().name("echo")
                .socketType(SocketType.STREAM).protocol(Protocol.UNIX).socketPath("/run/echo.sock").handler("echo")
                .build(), loopback));
        assertFalse("nothing bound", ListenAddresses.bindableEarly(definition(Protocol.TCP, null), null));
    }
}
