package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import org.junit.Test;

public class SettingsTest {

    @Test
    public void onlyAnotherTransportInEffectOrThreadCountNeedsNewEventLoops() {
        Settings now = Settings.DEFAULTS.withWorkerThreads(2);
        assertFalse(now.needsNewEventLoops(now.withChildrenMax(5).withBacklog(7).withPolicyTimeoutMillis(9)
                .withRatePauseSeconds(11)));
        assertTrue(now.needsNewEventLoops(now.withWorkerThreads(3)));
        assumeTrue("auto is epoll only where epoll is available", io.netty.channel.epoll.Epoll.isAvailable());
        assertFalse("auto and epoll are the same here", now.needsNewEventLoops(now.withTransport("epoll")));
        assertTrue(now.needsNewEventLoops(now.withTransport("nio")));
    }

    @Test
    public void childrenMaxDefaultsTo1024AndMustBePositive() {
        assertEquals(1024, Settings.DEFAULTS.childrenMax());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.DEFAULTS.withChildrenMax(0));
        assertTrue(e.getMessage(), e.getMessage().contains("children.max 0 is below 1"));
    }
}
