package org.superserver.examples.denyfile;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.Test;
import org.superserver.api.Diagnostic;

public class DenyListTest {

    private static DenyList.Parsed parse(String text) {
        return DenyList.parse("/etc/deny", text);
    }

    private static Optional<Integer> lineDenying(DenyList list, String address) throws Exception {
        return list.match(InetAddress.getByName(address)).map(AddressRange::line);
    }

    private static List<String> problems(DenyList.Parsed parsed) {
        return parsed.problems().stream().map(Diagnostic::toString).collect(Collectors.toList());
    }

    @Test
    public void addressesAndNetworksOfBothFamiliesAreDeniedWithTheirLine() throws Exception {
        DenyList list = parse("# denied\n192.0.2.7\n\n198.51.100.0/24   # a whole network\n2001:db8::/32\n::1\n").list();
        assertEquals(4, list.entries());
        assertEquals(Optional.of(2), lineDenying(list, "192.0.2.7"));
        assertEquals(Optional.empty(), lineDenying(list, "192.0.2.8"));
        assertEquals(Optional.of(4), lineDenying(list, "198.51.100.0"));
        assertEquals(Optional.of(4), lineDenying(list, "198.51.100.255"));
        assertEquals(Optional.empty(), lineDenying(list, "198.51.101.0"));
        assertEquals(Optional.of(5), lineDenying(list, "2001:db8:ffff::1"));
        assertEquals(Optional.empty(), lineDenying(list, "2001:db9::1"));
        assertEquals(Optional.of(6), lineDenying(list, "::1"));
        assertEquals(Optional.empty(), lineDenying(list, "127.0.0.1"));
    }

    @Test
    public void anIpv4ClientSeenOnAnIpv6SocketMatchesItsIpv4Entry() throws Exception {
        DenyList list = parse("127.0.0.2\n").list();
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 2});
        assertEquals(Optional.of(1), list.match(mapped).map(AddressRange::line));
    }

    @Test
    public void whenEntriesOverlapTheFirstInTheFileIsNamed() throws Exception {
        DenyList list = parse("10.0.0.0/8\n10.1.0.0/16\n10.1.2.3\n172.16.0.0/12\n").list();
        assertEquals(Optional.of(1), lineDenying(list, "10.1.2.3"));
        assertEquals(Optional.of(1), lineDenying(list, "10.200.0.1"));
        assertEquals(Optional.of(4), lineDenying(list, "172.31.255.255"));
        assertEquals(Optional.empty(), lineDenying(list, "11.0.0.0"));
    }

    @Test
    public void aBadLineIsReportedWithFileAndLineAndTheOthersApply() throws Exception {
        DenyList.Parsed parsed = parse("192.0.2.1\nbadhost.example\n192.0.2.0/33\n192.0.2.5 192.0.2.6\n192.0.2.9\n");
        assertEquals(List.of(
                "/etc/deny:2: error: address: 'badhost.example' is not an IPv4 or IPv6 address (names are not looked up);"
                        + " write an address such as 192.0.2.7 or a network such as 192.0.2.0/24; line ignored",
                "/etc/deny:3: error: address: '/33' is not a prefix length of an IPv4 network; write 0 to 32; line ignored",
                "/etc/deny:4: error: address: '192.0.2.5 192.0.2.6' holds more than one entry;"
                        + " write one address or network per line; line ignored"),
                problems(parsed));
        assertEquals(2, parsed.list().entries());
        assertEquals(Optional.of(5), lineDenying(parsed.list(), "192.0.2.9"));
        assertEquals(Optional.empty(), lineDenying(parsed.list(), "192.0.2.5"));
    }

    @Test
    public void aNetworkWithHostBitsIsWarnedAboutAndDeniesTheWholeNetwork() throws Exception {
        DenyList.Parsed parsed = parse("10.1.2.3/8\n");
        assertEquals(List.of("/etc/deny:1: warning: address: '10.1.2.3/8' has bits set beyond its prefix;"
                + " it denies the whole network 10.0.0.0/8"), problems(parsed));
        assertEquals(Optional.of(1), lineDenying(parsed.list(), "10.255.0.1"));
    }

    @Test
    public void aLongListStillFindsEveryEntry() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("10.").append(i >> 8 & 0xFF).append('.').append(i & 0xFF).append(".1\n");
        }
        DenyList list = parse(text.toString()).list();
        assertEquals(20_000, list.entries());
        assertEquals(Optional.of(12_346), lineDenying(list, "10.48.57.1"));
        assertFalse(lineDenying(list, "10.48.57.2").isPresent());
    }
}
