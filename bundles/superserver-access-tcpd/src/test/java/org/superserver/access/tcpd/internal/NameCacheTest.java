package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/** tcpd's verified names, cached briefly; and the ident reply parser. */
public class NameCacheTest {

    private final Hosts hosts = new Hosts(java.nio.file.Path.of("/nonexistent"))
            .name("127.0.0.2", "host2.foobar.edu").name("127.0.0.8", "liar.example.com");
    private final AtomicLong now = new AtomicLong();
    private final NameCache cache = new NameCache(hosts, Runnable::run, 30_000, 100, now::get);

    private String name(String address) throws Exception {
        return cache.lookup(InetAddress.getByName(address)).get();
    }

    @Test
    public void aNameMustMapBackToTheAddress() throws Exception {
        hosts.liars.add("127.0.0.8");
        assertEquals("host2.foobar.edu", name("127.0.0.2"));
        assertEquals(Request.PARANOID, name("127.0.0.8"));
        assertEquals(Request.UNKNOWN, name("127.0.0.9"));
    }

    @Test
    public void namesAreKeptForTheCacheTimeOnly() throws Exception {
        name("127.0.0.2");
        name("127.0.0.2");
        assertEquals(1, hosts.lookups.get());
        now.addAndGet(29_000_000_000L);
        name("127.0.0.2");
        assertEquals(1, hosts.lookups.get());
        now.addAndGet(2_000_000_000L);
        name("127.0.0.2");
        assertEquals(2, hosts.lookups.get());
    }

    @Test
    public void identRepliesAreCheckedAgainstThePorts() {
        assertEquals("joe", Ident.parse("6191, 23 : USERID : UNIX : joe\r", 6191, 23));
        assertEquals(Request.UNKNOWN, Ident.parse("6191, 23 : ERROR : NO-USER", 6191, 23));
        assertEquals(Request.UNKNOWN, Ident.parse("6192, 23 : USERID : UNIX : joe", 6191, 23));
        assertEquals(Request.UNKNOWN, Ident.parse("garbage", 6191, 23));
    }
}
