package org.superserver.builtin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

public class DiscardTest {

    @Test
    public void streamTakesEverythingAnswersNothingAndClosesAtEndOfInput() throws IOException {
        try (Loopback loopback = new Loopback()) {
            InetSocketAddress address = loopback.stream(new DiscardHandler(Guards.standard()), "discard", 0);
            try (Socket client = new Socket(address.getAddress(), address.getPort())) {
                client.getOutputStream().write(new byte[4 * 1024 * 1024]);
                client.shutdownOutput();
                client.setSoTimeout(10_000);
                assertEquals(-1, client.getInputStream().read());
            }
        }
    }

    @Test
    public void datagramIsReleasedAndNotAnswered() {
        EmbeddedChannel channel = new EmbeddedChannel();
        new DiscardHandler(Guards.standard()).initDatagram(channel, ServiceDefinition.builder().name("discard")
                .socketType(SocketType.DGRAM).protocol(Protocol.UDP).port(0).handler("discard").build());
        ByteBuf content = Unpooled.copiedBuffer(new byte[512]);
        DatagramPacket packet = new DatagramPacket(content, new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 40000));
        assertFalse(channel.writeInbound(packet));
        assertEquals(0, content.refCnt());
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }
}
