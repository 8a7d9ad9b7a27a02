package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.freePort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;

/** Limits over inetd.conf lines: a service's instances, and a taken port tried again. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LimitsIT extends ItestSupport {

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    @Test
    public void atItsInstancesALineStopsAcceptingAndLogsOneLineForTheEpisode() throws Exception {
        LogCapture log = log();
        Path cat = scratch().script("pidcat.sh", "echo \"$$\"\nexec cat\n");
        int port = freePort();
        Path conf = scratch().write("inetd.conf", "127.0.0.1:" + port + " stream tcp nowait/1 " + USER + " " + cat + "\n");
        serveInetdConf(conf, scratch().write("services", ""), 0);
        String id = inetdId(conf, "127.0.0.1", port, "tcp");
        InetSocketAddress address = awaitListening(id);

        try (Socket first = connect(address); Socket second = connect(address); Socket third = connect(address)) {
            long firstPid = pid(first);
            second.getOutputStream().write(ascii("second\n"));
            ListenerStatus limited = awaitState(id, ListenerState.PAUSED);
            assertTrue(limited.detail(), limited.detail().contains("instances"));
            log.await(TIMEOUT, "LIMIT service=" + port + " ", "limit=instances", "max=1", "accepting=paused");

            first.close();
            ExecServicesIT.awaitReaped(firstPid);
            long secondPid = pid(second);
            assertEchoes(second, "second\n");
            second.close();
            ExecServicesIT.awaitReaped(secondPid);
            long thirdPid = pid(third);
            third.close();
            ExecServicesIT.awaitReaped(thirdPid);
            log.await(TIMEOUT, "LIMIT service=" + port + " ", "accepting=resumed");
            assertEquals("one episode while clients waited, not a line per child",
                    1, log.linesWith("LIMIT service=" + port + " ", "accepting=paused").size());
            assertEquals(1, log.linesWith("LIMIT service=" + port + " ", "accepting=resumed").size());
        }
    }

    @Test
    public void aTakenPortIsRetriedAndServedOnceFreeWithoutAReload() throws Exception {
        ServerSocket taken = new ServerSocket();
        taken.setReuseAddress(true);
        taken.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = taken.getLocalPort();
        Path conf = scratch().write("inetd.conf", "127.0.0.1:" + port + " stream tcp nowait " + USER + " internal echo\n");
        String id;
        try {
            serveInetdConf(conf, scratch().write("services", ""), 0);
            id = inetdId(conf, "127.0.0.1", port, "tcp");
            ListenerStatus retrying = awaitState(id, ListenerState.RETRYING);
            assertTrue(retrying.detail(), retrying.detail().contains("next try in"));
        } finally {
            taken.close();
        }
        InetSocketAddress address = awaitListening(id);
        try (Socket client = connect(address)) {
            assertEchoes(client, "bound at last\n");
        }
    }

    private static long pid(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = socket.getInputStream().read(); b >= 0 && b != '\n'; b = socket.getInputStream().read()) {
            line.append((char) b);
        }
        assertTrue("the child says its pid: " + line, line.toString().matches("\\d+"));
        return Long.parseLong(line.toString());
    }
}
