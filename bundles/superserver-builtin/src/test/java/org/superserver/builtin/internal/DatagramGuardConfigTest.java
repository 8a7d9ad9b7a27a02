package org.superserver.builtin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** The guard's configuration (PID org.superserver.builtin) applies in place; a bad value changes nothing. */
public class DatagramGuardConfigTest {

    @Test
    public void withoutAConfigurationTheDefaultsApply() {
        DatagramGuard guard = new DatagramGuard(Configs.builtin(Map.of()), Map.of());
        assertEquals(BudgetSettings.DEFAULTS, guard.settings());
    }

    @Test
    public void aChangeAppliesToTheHandlersAlreadyServing() {
        DatagramGuard guard = new DatagramGuard(Configs.builtin(Map.of()), Map.of());
        EmbeddedChannel echo = new EmbeddedChannel();
        new EchoHandler(guard).initDatagram(echo, ServiceDefinition.builder().name("echo")
                .socketType(SocketType.DGRAM).protocol(Protocol.UDP).port(0).handler("echo").build());

        guard.modified(Configs.builtin(Map.of("udp.replies.burst", "3", "udp.replies.per.second", "1")), Map.of());
        assertEquals(3, guard.settings().repliesBurst());
        for (int i = 0; i < 10; i++) {
            echo.writeInbound(new DatagramPacket(Unpooled.copiedBuffer(new byte[] {'?'}),
                    new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("192.0.2.1", 40000)));
        }
        assertEquals("a burst of 3", 3, echo.outboundMessages().size());
        echo.finishAndReleaseAll();
    }

    @Test
    public void aBadValueIsReportedAndThePreviousSettingsStay() {
        DatagramGuard guard = new DatagramGuard(Configs.builtin(Map.of("udp.replies.burst", "7")), Map.of());
        BudgetSettings before = guard.settings();
        guard.modified(Configs.builtin(Map.of("udp.replies.burst", "0")),
                Map.of("felix.fileinstall.filename", "file:/srv/deploy/org.superserver.builtin.cfg"));
        assertEquals(before, guard.settings());
        assertEquals(7, guard.settings().repliesBurst());
    }

    @Test
    public void aValueThatIsNotANumberIsReportedWithItsPropertyAndThePreviousSettingsStay() {
        DatagramGuard guard = new DatagramGuard(Configs.builtin(Map.of("udp.replies.burst", "7")), Map.of());
        try {
            BudgetSettings.from(Configs.builtin(Map.of("udp.bytes.burst", "lots")));
            throw new AssertionError("udp.bytes.burst = lots was accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("udp.bytes.burst is not a whole number ("));
        }
        guard.modified(Configs.builtin(Map.of("udp.bytes.burst", "lots")), Map.of());
        assertEquals(7, guard.settings().repliesBurst());
        assertEquals(BudgetSettings.BYTES_BURST, guard.settings().bytesBurst());
    }

    @Test
    public void theErrorNamesTheProperty() {
        try {
            BudgetSettings.from(Configs.builtin(Map.of("udp.sources", "-1")));
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("udp.sources = -1 "));
            return;
        }
        throw new AssertionError("udp.sources = -1 was accepted");
    }
}
