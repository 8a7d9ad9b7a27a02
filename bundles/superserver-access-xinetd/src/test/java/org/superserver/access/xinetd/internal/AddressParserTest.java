package org.superserver.access.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.Test;

public class AddressParserTest {

    /** Whether a list made of {@code entries} (no names) matches {@code client}. */
    static boolean matches(String client, String... entries) throws Exception {
        AddressList l = AddressList.parse(List.of(entries), "test", Resolvers.NONE, 1000, System::nanoTime);
        assertTrue("problems: " + l.problems, l.problems.isEmpty());
        return l.matchesAddress(Client.of(InetAddress.getByName(client)), Runnable::run);
    }

    @Test
    public void aDottedQuadIsThatAddress() throws Exception {
        assertTrue(matches("192.0.2.7", "192.0.2.7"));
        assertFalse(matches("192.0.2.8", "192.0.2.7"));
    }

    @Test
    public void zeroOctetsOnTheRightAreWildcardsAsXinetdReadsThem() throws Exception {
        assertTrue(matches("128.138.12.99", "128.138.12.0"));
        assertFalse(matches("128.138.13.99", "128.138.12.0"));
        assertTrue(matches("10.200.3.4", "10.0.0.0"));
        assertTrue(matches("10.1.99.4", "10.1.0.0"));
        assertFalse(matches("10.2.99.4", "10.1.0.0"));
        // a zero octet in the middle is not a wildcard
        assertTrue(matches("10.0.1.0", "10.0.1.0"));
        assertFalse(matches("10.5.1.0", "10.0.1.0"));
        // 127.0.0.0 is the whole of 127/8, as the reference daemon showed
        assertTrue(matches("127.0.1.1", "127.0.0.0"));
    }

    @Test
    public void zeroAndAllZerosMatchEveryoneIPv6Too() throws Exception {
        for (String everyone : List.of("0.0.0.0", "0", "::")) {
            assertTrue(everyone, matches("203.0.113.9", everyone));
            assertTrue(everyone, matches("2001:db8::1", everyone));
            assertTrue(everyone, matches("::1", everyone));
        }
    }

    @Test
    public void numericFormsAreReadAsInetAtonReadsThem() {
        assertEquals(0x7f000001L, AddressParser.inetAton("127.1"));
        assertEquals(0x0a010002L, AddressParser.inetAton("10.1.2"));
        assertEquals(10L, AddressParser.inetAton("10"));
        assertEquals(0x08000001L, AddressParser.inetAton("010.0.0.1"));
        assertEquals(0x0a000001L, AddressParser.inetAton("0xa.0.0.1"));
        assertEquals(-1L, AddressParser.inetAton("256.0.0.1"));
        assertEquals(-1L, AddressParser.inetAton("1.2.3.4.5"));
        assertEquals(-1L, AddressParser.inetAton("1..2"));
        assertEquals(-1L, AddressParser.inetAton("host"));
    }

    @Test
    public void factorizedAddressesAreOneEntryPerFactor() throws Exception {
        assertTrue(matches("128.138.12.2", "128.138.12.{1,2,3}"));
        assertFalse(matches("128.138.12.4", "128.138.12.{1,2,3}"));
        // fewer octets make networks: 127.0.{0,9} is 127.0.0/24 and 127.0.9/24 (as the reference)
        assertTrue(matches("127.0.9.3", "127.0.{0,9}"));
        assertTrue(matches("127.0.0.1", "127.0.{0,9}"));
        assertFalse(matches("127.0.1.3", "127.0.{0,9}"));
        assertTrue(matches("12.1.2.3", "{11,12}"));
    }

    @Test
    public void cidrForIPv4AndIPv6() throws Exception {
        assertTrue(matches("10.1.255.1", "10.1.0.0/16"));
        assertFalse(matches("10.2.0.1", "10.1.0.0/16"));
        // bits after the prefix in the address are ignored, as xinetd masks both sides
        assertTrue(matches("10.1.7.7", "10.1.2.3/16"));
        assertTrue(matches("192.0.2.200", "192.0.2.128/25"));
        assertFalse(matches("192.0.2.100", "192.0.2.128/25"));
        assertTrue(matches("198.51.100.1", "0.0.0.0/0"));
        assertTrue(matches("2001:db8:1:2::9", "2001:db8::/32"));
        assertFalse(matches("2001:db9::9", "2001:db8::/32"));
        assertTrue(matches("2001:db8::1", "2001:db8::1/128"));
        assertFalse(matches("2001:db8::2", "2001:db8::1/128"));
    }

    @Test
    public void ipv6LiteralsAreOneAddress() throws Exception {
        assertTrue(matches("::1", "::1"));
        assertTrue(matches("2001:db8::abcd", "2001:DB8:0:0:0:0:0:ABCD"));
        assertFalse(matches("2001:db8::abce", "2001:db8::abcd"));
        assertFalse(matches("127.0.0.1", "::1"));
    }

    @Test
    public void ipv4MappedClientsMatchIPv4Rules() throws Exception {
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 5});
        Client c = Client.of(mapped);
        assertTrue(c.v4);
        assertEquals(0x7f000005L, c.v4Address);
        AddressList l = AddressList.parse(List.of("127.0.0.{5}"), "t", Resolvers.NONE, 1000, System::nanoTime);
        assertTrue(l.matchesAddress(c, Runnable::run));
        // and an IPv4-mapped entry is the IPv4 entry
        assertTrue(matches("127.0.0.5", "::ffff:127.0.0.5"));
        assertTrue(matches("127.0.9.5", "::ffff:127.0.0.0/112"));
    }

    @Test
    public void domainsAndHostNamesAreKeptForLookups() {
        AddressList l = AddressList.parse(List.of(".Example.COM", "host.example.org", ".example.net."), "t",
                Resolvers.NONE, 1000, System::nanoTime);
        assertTrue(l.problems.isEmpty());
        assertTrue(l.hasDomains());
        assertEquals(List.of("host.example.org"), l.hostNames());
        assertTrue(l.matchesName("a.b.example.com"));
        assertTrue(l.matchesName("www.example.net"));
        assertFalse(l.matchesName("example.com"));
        assertFalse(l.matchesName("badexample.com"));
        assertFalse(l.matchesName(""));
    }

    @Test
    public void badEntriesAreReportedAndMatchNobody() {
        for (String bad : List.of("10.0.0.0/33", "::1/129", "10.0.0.0/x", "1.2.3.{4,}", "1.2.3.{256}",
                "1.2.3{4}", "1.2.3.4.{5}", ".1.2", "ho$t", "a/b{c}", "2001:db8::/", "1:2:3:4:5:6:7:8:9")) {
            AddressParser.Sink sink = new AddressParser.Sink() {
                @Override
                public void network4(long address, int length) {
                    throw new AssertionError(bad + " added a network");
                }

                @Override
                public void network6(long high, long low, int length) {
                    throw new AssertionError(bad + " added a network");
                }

                @Override
                public void host(String name) {
                    throw new AssertionError(bad + " added a host");
                }

                @Override
                public void domain(String suffix) {
                    throw new AssertionError(bad + " added a domain");
                }
            };
            assertNotNull(bad, AddressParser.parse(bad, sink));
        }
    }

    @Test
    public void bracketedIPv6IsAccepted() throws Exception {
        assertTrue(matches("::1", "[::1]"));
        assertTrue(matches("2001:db8::5", "[2001:db8::]/64"));
    }

    @Test
    public void trailingZeroPrefixLengths() {
        assertEquals(32, AddressParser.trailingZeroPrefix(0x0a000001L));
        assertEquals(24, AddressParser.trailingZeroPrefix(0x0a000100L));
        assertEquals(16, AddressParser.trailingZeroPrefix(0x0a010000L));
        assertEquals(8, AddressParser.trailingZeroPrefix(0x0a000000L));
    }

    @Test
    public void anEmptyListMatchesNobody() throws Exception {
        AddressList l = AddressList.parse(List.of(), "t", Resolvers.NONE, 1000, System::nanoTime);
        assertFalse(l.matchesAddress(Client.of(InetAddress.getByName("127.0.0.1")), Runnable::run));
        assertNull(null);
    }
}
