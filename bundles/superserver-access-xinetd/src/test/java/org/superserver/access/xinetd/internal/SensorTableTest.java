package org.superserver.access.xinetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import org.junit.Test;

public class SensorTableTest {

    @Test
    public void anEntryDeniesUntilItExpiresAndIsThenDropped() throws Exception {
        SensorTable t = new SensorTable(10);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        assertTrue(t.add(a, 1_000, 0));
        assertTrue(t.denies(a, 999));
        assertFalse(t.denies(InetAddress.getByName("192.0.2.2"), 999));
        assertFalse(t.denies(a, 1_000));
        assertEquals(0, t.size());
    }

    @Test
    public void aSecondTouchKeepsTheLaterExpiry() throws Exception {
        SensorTable t = new SensorTable(10);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        t.add(a, 5_000, 0);
        t.add(a, 2_000, 100);
        assertEquals(Long.valueOf(5_000), t.until(a));
        t.add(a, SensorTable.FOREVER, 200);
        assertTrue(t.denies(a, Long.MAX_VALUE - 1));
    }

    @Test
    public void aFullTableDropsExpiredEntriesElseRefusesNewClients() throws Exception {
        SensorTable t = new SensorTable(2);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        InetAddress c = InetAddress.getByName("192.0.2.3");
        t.add(a, 100, 0);
        t.add(b, SensorTable.FOREVER, 0);
        assertFalse("full, nothing expired", t.add(c, 1_000, 50));
        assertFalse(t.denies(c, 60));
        assertTrue("a has expired and makes room", t.add(c, 1_000, 150));
        assertTrue(t.denies(c, 160));
        assertEquals(2, t.size());
    }
}
