package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.freePort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ServerStatus;

/**
 * The core's own configuration changed, and the core bundle stopped and started, while clients
 * are connected and children run: nothing is dropped that need not be, and no child is left a
 * zombie.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CoreLifecycleIT extends ItestSupport {

    /** Says its pid, then echoes until the client closes. */
    private static final String PID_THEN_CAT = "echo \"$$\"\nexec cat\n";

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    @Test
    public void aChangeOfTheCoreConfigurationKeepsListenersConnectionsAndChildren() throws Exception {
        LogCapture log = log();
        Path cat = scratch().script("pidcat.sh", PID_THEN_CAT);
        int execPort = freePort();
        int echoPort = freePort();
        Path conf = scratch().write("inetd.conf",
                "127.0.0.1:" + execPort + " stream tcp nowait " + USER + " " + cat + "\n"
                        + "127.0.0.1:" + echoPort + " stream tcp nowait " + USER + " internal echo\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        String execId = inetdId(conf, "127.0.0.1", execPort, "tcp");
        String echoId = inetdId(conf, "127.0.0.1", echoPort, "tcp");
        InetSocketAddress exec = awaitListening(execId);
        InetSocketAddress echo = awaitListening(echoId);
        long statusService = serverStatusServiceId();

        try (Socket child = connect(exec); Socket echoing = connect(echo)) {
            long pid = pid(child);
            assertEchoes(echoing, "before\n");

            configureCore("children.max", 7);
            log.await(TIMEOUT, "CONFIG ", "children_max=7", "applied=in place");
            assertEquals("the core was not restarted", statusService, serverStatusServiceId());
            assertEchoes(echoing, "after children.max\n");
            assertEchoes(child, "after children.max\n");
            assertEquals(exec, serverStatus().listener(execId).orElseThrow().boundAddress());

            configureCore("worker.threads", 3);
            log.await(TIMEOUT, "CONFIG ", "workers=3", "applied=listeners rebound");
            assertEquals("the core was not restarted", statusService, serverStatusServiceId());
            assertEchoes(echoing, "on the old event loops\n");
            assertEchoes(child, "still mine\n");
            assertEquals(echo, awaitListening(echoId));
            try (Socket fresh = connect(echo)) {
                assertEchoes(fresh, "on the new event loops\n");
            }

            child.close();
            ExecServicesIT.awaitReaped(pid);
        }
    }

    @Test
    public void childrenOfAStoppedCoreAreReapedAndTheNextCoreServesTheSamePort() throws Exception {
        Path cat = scratch().script("pidcat.sh", PID_THEN_CAT);
        int port = freePort();
        Path conf = scratch().write("inetd.conf", "127.0.0.1:" + port + " stream tcp nowait " + USER + " " + cat + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        String id = inetdId(conf, "127.0.0.1", port, "tcp");
        InetSocketAddress address = awaitListening(id);
        Bundle core = installedBundle(CORE);

        try (Socket first = connect(address)) {
            long firstPid = pid(first);
            core.stop();
            try {
                assertEchoes(first, "served while no core runs\n");
            } finally {
                core.start();
            }
            assertEquals(address, awaitListening(id));
            try (Socket second = connect(address)) {
                long secondPid = pid(second);
                assertNotEquals(firstPid, secondPid);
                assertEchoes(first, "the first child still serves\n");
                first.close();
                ExecServicesIT.awaitReaped(firstPid); // reaped by the stopped core's reaper: not a zombie
                assertEchoes(second, "second\n");
                second.close();
                ExecServicesIT.awaitReaped(secondPid);
            }
        }
        assertEquals(ListenerState.LISTENING, serverStatus().listener(id).orElseThrow().state());
    }

    private static long pid(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = socket.getInputStream().read(); b >= 0 && b != '\n'; b = socket.getInputStream().read()) {
            line.append((char) b);
        }
        assertTrue("the child says its pid: " + line, line.toString().matches("\\d+"));
        return Long.parseLong(line.toString());
    }

    private long serverStatusServiceId() {
        ServiceReference<ServerStatus> reference = context.getServiceReference(ServerStatus.class);
        assertNotEquals("ServerStatus is registered", null, reference);
        return (Long) reference.getProperty(Constants.SERVICE_ID);
    }

}
