package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.netty.channel.Channel;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

public class ListenerBehaviourTest extends CoreFixture {

    private final EchoHandler echo = new EchoHandler();

    @Before
    public void startCore() throws Exception {
        start(new Settings("auto", 1, 16, 1000, 2000, 5_000));
        registry.addHandler("h", List.of("echo"), 0, echo);
    }

    @Test
    public void acceptedConnectionsGetTheConfiguredWaterMarks() throws Exception {
        CompletableFuture<String> marks = new CompletableFuture<>();
        registry.addHandler("probe", List.of("probe"), 0, new Handler() {
            @Override
            public boolean supports(SocketType socketType) {
                return socketType == SocketType.STREAM;
            }

            @Override
            public void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
                marks.complete(channel.config().getWriteBufferLowWaterMark() + "/"
                        + channel.config().getWriteBufferHighWaterMark() + " " + channel.isActive()
                        + " " + channel.config().isAutoRead());
                channel.close();
            }
        });
        registry.addDefinition("d", tcp("probe").handler("probe").build());
        connect(port("probe"));
        assertEquals("1000/2000 true true", marks.get(5, TimeUnit.SECONDS));
    }

    @Test
    public void wildcardListenerServesIpv4Clients() throws Exception {
        registry.addDefinition("d", tcp("any").bindAddress(null).build());
        ListenerStatus status = status("any");
        assertEquals(ListenerState.LISTENING, status.state());
        assertTrue(status.boundAddress().getAddress().isAnyLocalAddress());
        assertEchoes(connect(status.boundAddress().getPort()), "anyone\n");
    }

    @Test
    public void handlerThatThrowsLosesOnlyThatConnection() throws Exception {
        registry.addHandler("bad", List.of("bad"), 0, new Handler() {
            @Override
            public boolean supports(SocketType socketType) {
                return true;
            }

            @Override
            public void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
                throw new IllegalStateException("broken on purpose");
            }
        });
        registry.addDefinition("bad", tcp("bad").handler("bad").build());
        registry.addDefinition("good", tcp("good").build());
        int badPort = port("bad");
        assertClosedByServer(connect(badPort));
        assertClosedByServer(connect(badPort));
        assertEquals(ListenerState.LISTENING, status("bad").state());
        assertEchoes(connect(port("good")), "unaffected\n");
    }

    @Test
    public void handlerThatDoesNotServeTheSocketTypeFails() throws Exception {
        registry.addHandler("s", List.of("stream-only"), 0, new Handler() {
            @Override
            public boolean supports(SocketType socketType) {
                return socketType == SocketType.STREAM;
            }
        });
        registry.addDefinition("d", udp("u").handler("stream-only").build());
        ListenerStatus status = status("u");
        assertEquals(ListenerState.FAILED, status.state());
        assertTrue(status.detail(), status.detail().contains("does not serve dgram"));
    }

    @Test
    public void rankingChangeOfAHandlerKeepsItsConnections() throws Exception {
        registry.addDefinition("d", tcp("echo").build());
        Socket established = connect(port("echo"));
        assertEchoes(established, "one\n");
        registry.updateHandler("h", List.of("echo"), 5, echo);
        settle();
        assertEchoes(established, "two\n");
        assertEquals(ListenerState.LISTENING, status("echo").state());
    }

    @Test
    public void departingUdpHandlerClosesItsSocketUntilItReturns() throws Exception {
        registry.addDefinition("d", udp("u").build());
        int port = port("u");
        registry.removeHandler("h");
        assertEquals(ListenerState.WAITING_FOR_HANDLER, status("u").state());
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(
                new java.net.InetSocketAddress("127.0.0.1", port))) {
            assertEquals(port, probe.getLocalPort());
        }
        registry.addHandler("h", List.of("echo"), 0, echo);
        assertEquals(ListenerState.LISTENING, status("u").state());
    }
}
