package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoService;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.awaitRefused;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.exchange;
import static org.superserver.itests.Clients.readExactly;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Hashtable;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.tinybundles.InnerClassStrategy;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.superserver.api.Handler;
import org.superserver.api.Protocol;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ServerStatus;
import org.superserver.itests.reverse.ReverseActivator;
import org.superserver.itests.reverse.ReverseHandler;
import org.superserver.itests.reverse.ReverseLines;

/** Handlers and definitions come and go while the server runs: nothing else restarts or drops. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DynamicsIT extends ItestSupport {

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    @Test
    public void stoppingTheBuiltinBundleClosesItsPortsAndStartingItBringsThemBack() throws Exception {
        withdrawAfterTest(context.registerService(Handler.class, new UpperCaseHandler(),
                props(Handler.NAME_PROPERTY, UpperCaseHandler.NAME)));
        define(internal("dyn-upper", UpperCaseHandler.NAME, Protocol.TCP));
        define(internal("dyn-echo-tcp", "echo", Protocol.TCP));
        define(internal("dyn-daytime-tcp", "daytime", Protocol.TCP));
        define(internal("dyn-echo-udp", "echo", Protocol.UDP));
        InetSocketAddress upper = awaitListening("dyn-upper");
        InetSocketAddress echoTcp = awaitListening("dyn-echo-tcp");
        InetSocketAddress daytimeTcp = awaitListening("dyn-daytime-tcp");
        InetSocketAddress echoUdp = awaitListening("dyn-echo-udp");
        assertEchoService(echoTcp, "before\n");
        assertEquals("before", ascii(exchange(echoUdp, ascii("before"))));

        Bundle core = installedBundle(CORE);
        Bundle builtin = installedBundle(BUILTIN);
        long coreStatusServiceId = serverStatusServiceId();

        try (Socket upperConnection = connect(upper); Socket echoConnection = connect(echoTcp)) {
            assertUpper(upperConnection, "established before the stop\n");
            assertEchoes(echoConnection, "established before the stop\n");

            builtin.stop();
            try {
                awaitRefused(echoTcp, TIMEOUT);
                awaitRefused(daytimeTcp, TIMEOUT);
                awaitState("dyn-echo-tcp", ListenerState.WAITING_FOR_HANDLER);
                awaitState("dyn-daytime-tcp", ListenerState.WAITING_FOR_HANDLER);
                awaitState("dyn-echo-udp", ListenerState.WAITING_FOR_HANDLER);
                assertClosedByServer(echoConnection);
                Clients.sendExpectingNoReply(echoUdp, ascii("anyone?"), 300);

                assertEquals("core bundle state", Bundle.ACTIVE, core.getState());
                assertEquals("the core's ServerStatus service was not re-registered",
                        coreStatusServiceId, serverStatusServiceId());
                assertEquals(ListenerState.LISTENING, serverStatus().listener("dyn-upper").orElseThrow().state());
                assertUpper(upperConnection, "still served while builtin is stopped\n");
                try (Socket fresh = connect(upper)) {
                    assertUpper(fresh, "new connections too\n");
                }
            } finally {
                builtin.start();
            }

            InetSocketAddress echoTcpAgain = awaitListening("dyn-echo-tcp");
            InetSocketAddress echoUdpAgain = awaitListening("dyn-echo-udp");
            awaitListening("dyn-daytime-tcp");
            assertEchoService(echoTcpAgain, "after\n");
            assertEquals("after", ascii(exchange(echoUdpAgain, ascii("after"))));

            assertEquals("core bundle state", Bundle.ACTIVE, core.getState());
            assertEquals("the core's ServerStatus service was not re-registered",
                    coreStatusServiceId, serverStatusServiceId());
            assertUpper(upperConnection, "and after builtin is back\n");
        }
    }

    @Test
    public void anEstablishedEchoConnectionSurvivesAnUnrelatedDefinitionBeingAddedAndRemoved() throws Exception {
        define(internal("dyn-survivor", "echo", Protocol.TCP));
        InetSocketAddress echo = awaitListening("dyn-survivor");
        try (Socket connection = connect(echo)) {
            assertEchoes(connection, "before\n");

            var unrelated = define(internal("dyn-unrelated", "daytime", Protocol.TCP));
            assertEchoes(connection, "while it is being added\n");
            InetSocketAddress daytime = awaitListening("dyn-unrelated");
            assertEchoes(connection, "while it listens\n");
            try (Socket other = connect(daytime)) {
                assertTrue(ascii(Clients.readToEnd(other)).endsWith("\r\n"));
            }

            unrelated.unregister();
            assertEchoes(connection, "while it is being removed\n");
            awaitRefused(daytime, TIMEOUT);
            awaitNotListening("dyn-unrelated");
            assertEchoes(connection, "after\n");

            var unrelatedUdp = define(internal("dyn-unrelated-udp", "echo", Protocol.UDP));
            awaitListening("dyn-unrelated-udp");
            unrelatedUdp.unregister();
            awaitNotListening("dyn-unrelated-udp");
            assertEchoes(connection, "and after a datagram service came and went\n");
            assertEquals("the echo listener was not rebound", echo,
                    serverStatus().listener("dyn-survivor").orElseThrow().boundAddress());
        }
    }

    @Test
    public void aDefinitionForAMissingHandlerWaitsAndServesOnceABundleProvidingItIsInstalled() throws Exception {
        define(internal("dyn-reverse", ReverseHandler.NAME, Protocol.TCP));
        awaitState("dyn-reverse", ListenerState.WAITING_FOR_HANDLER);

        Bundle reverse = context.installBundle("itest:reverse-handler", reverseHandlerBundle());
        try {
            reverse.start();
            InetSocketAddress address = awaitListening("dyn-reverse");
            try (Socket socket = connect(address)) {
                socket.getOutputStream().write(ascii("stressed\nlevel up\n"));
                assertEquals("desserts\npu level\n", ascii(readExactly(socket, 18)));
            }

            reverse.uninstall();
            awaitRefused(address, TIMEOUT);
            awaitState("dyn-reverse", ListenerState.WAITING_FOR_HANDLER);
        } finally {
            if (reverse.getState() != Bundle.UNINSTALLED) {
                reverse.uninstall();
            }
        }
    }

    /** A bundle built now, with TinyBundles: the reverse handler and an activator that registers it. */
    private InputStream reverseHandlerBundle() {
        // TinyBundles finds its factory with ServiceLoader through the context class loader: the probe's
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(DynamicsIT.class.getClassLoader());
        try {
            return TinyBundles.bundle()
                    .addClass(ReverseHandler.class, InnerClassStrategy.NONE)
                    .addClass(ReverseLines.class, InnerClassStrategy.NONE)
                    .addClass(ReverseActivator.class, InnerClassStrategy.NONE)
                    .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                    .setHeader(Constants.BUNDLE_SYMBOLICNAME, "itest-reverse-handler")
                    .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                    .setHeader(Constants.BUNDLE_ACTIVATOR, ReverseActivator.class.getName())
                    .setHeader(Constants.IMPORT_PACKAGE, "org.superserver.api;version=\"[1.0,2)\","
                            + "io.netty.buffer,io.netty.channel,org.osgi.framework")
                    .build(TinyBundles.rawBuilder());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private long serverStatusServiceId() {
        ServiceReference<ServerStatus> reference = context.getServiceReference(ServerStatus.class);
        assertNotEquals("ServerStatus is registered", null, reference);
        return (Long) reference.getProperty(Constants.SERVICE_ID);
    }

    private static void assertUpper(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(ascii(text));
        assertEquals(text.toUpperCase(java.util.Locale.ROOT), ascii(readExactly(socket, text.length())));
    }

    /** The server closed (or reset) the connection: a read ends instead of timing out. */
    private static void assertClosedByServer(Socket socket) {
        try {
            int r = socket.getInputStream().read();
            if (r >= 0) {
                fail("the connection of a departed handler is still open (read a byte)");
            }
        } catch (java.net.SocketTimeoutException e) {
            fail("the connection of a departed handler is still open after " + Clients.READ_TIMEOUT_MILLIS + " ms");
        } catch (IOException reset) {
            // closed with a reset: closed all the same
        }
    }

    private static Hashtable<String, Object> props(String key, Object value) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(key, value);
        return props;
    }
}
