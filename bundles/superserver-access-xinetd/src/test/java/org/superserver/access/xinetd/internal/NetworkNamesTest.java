package org.superserver.access.xinetd.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class NetworkNamesTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aNetworkNumberBecomesANetworkAsXinetdMakesIt() {
        assertArrayEquals(new long[] {0x0a000000L, 8}, NetworkNames.network("10"));
        assertArrayEquals(new long[] {0xac100000L, 16}, NetworkNames.network("172.16"));
        assertArrayEquals(new long[] {0xc0a80100L, 24}, NetworkNames.network("192.168.1"));
        assertNull(NetworkNames.network("0"));
        assertNull(NetworkNames.network("300"));
    }

    @Test
    public void namesAndAliasesAreFoundInTheFile() throws Exception {
        Path f = tmp.newFile("networks").toPath();
        Files.writeString(f, "# networks(5)\ndefault 0\nloopback 127\nlab 192.168.7 lab-net # the lab\n");
        assertArrayEquals(new long[] {0x7f000000L, 8}, NetworkNames.lookUp(f, "loopback"));
        assertArrayEquals(new long[] {0xc0a80700L, 24}, NetworkNames.lookUp(f, "LAB-NET"));
        assertNull(NetworkNames.lookUp(f, "default"));
        assertNull(NetworkNames.lookUp(f, "nowhere"));
        assertNull(NetworkNames.lookUp(tmp.getRoot().toPath().resolve("absent"), "lab"));
    }

    @Test
    public void aNameThatIsNoHostIsTriedAsANetwork() throws Exception {
        Resolvers.Table r = new Resolvers.Table();
        r.networks.put("lab", new long[] {0xc0a80700L, 24});
        AddressList l = AddressList.parse(List.of("lab"), "t", r, 60_000, System::nanoTime);
        l.resolveHosts();
        assertTrue(l.matchesAddress(Client.of(InetAddress.getByName("192.168.7.40")), Runnable::run));
        assertFalse(l.matchesAddress(Client.of(InetAddress.getByName("192.168.8.40")), Runnable::run));
    }
}
