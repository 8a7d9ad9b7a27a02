package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;

import java.net.InetSocketAddress;
import org.junit.Test;

public class AddressesTest {

    @Test
    public void formatPutsIpv6InBrackets() {
        assertEquals("[0:0:0:0:0:0:0:1]:80", Addresses.format(new InetSocketAddress("::1", 80)));
        assertEquals("10.0.0.1:80", Addresses.format(new InetSocketAddress("10.0.0.1", 80)));
    }
}
