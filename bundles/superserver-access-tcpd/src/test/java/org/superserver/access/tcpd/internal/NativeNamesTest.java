package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assume.assumeTrue;

import java.net.InetAddress;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The C library's reverse lookup, on loopback addresses only: 127.0.0.1 has a name in every
 * /etc/hosts this project runs on (localhost), 127.0.0.254 none. Skipped where JNA cannot load.
 */
public class NativeNamesTest {

    @BeforeClass
    public static void jna() {
        try {
            NativeNames.load();
        } catch (LinkageError e) {
            assumeTrue("JNA not available: " + e, false);
        }
    }

    @Test
    public void sockaddrLayoutIsLinuxs() throws Exception {
        byte[] v4 = NativeNames.sockaddr(InetAddress.getByName("127.0.0.2"));
        assertEquals(16, v4.length);
        assertEquals(127, v4[4]);
        assertEquals(2, v4[7]);
        assertEquals(28, NativeNames.sockaddr(InetAddress.getByName("::1")).length);
    }

    @Test
    public void reverseLookupWithoutForwardCheck() throws Exception {
        String name = NativeNames.nameOf(InetAddress.getByName("127.0.0.1"));
        assumeTrue("127.0.0.1 has no name here", name != null);
        assertFalse(name.isEmpty());
        assertNull(NativeNames.nameOf(InetAddress.getByName("127.0.0.254")));
    }

    @Test
    public void anUnknownNetgroupHasNoMembers() {
        assertFalse(NativeNames.inNetgroup("superserver-no-such-netgroup", "localhost"));
    }
}
