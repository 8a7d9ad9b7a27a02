package org.superserver.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

/** The endpoint's address is an IP literal; a host name is refused rather than looked up. */
public class AddressesTest {

    @Test
    public void ipLiteralsAreTakenAsTheyAre() {
        assertEquals("127.0.0.1", Addresses.literal("127.0.0.1").getHostAddress());
        assertEquals("127.0.0.2", Addresses.literal(" 127.0.0.2 ").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", Addresses.literal("::1").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", Addresses.literal("[::1]").getHostAddress());
    }

    @Test
    public void hostNamesAndGarbageAreRefused() {
        for (String bad : new String[] {"localhost", "", "300.1.1.1", "1.2.3", "example.org", "::g"}) {
            IllegalArgumentException e = assertThrows(bad, IllegalArgumentException.class, () -> Addresses.literal(bad));
            assertEquals(true, e.getMessage().startsWith("not an IP address"));
        }
    }
}
