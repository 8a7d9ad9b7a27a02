package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.connect;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;

/**
 * A reload that removes a service while its server runs: a service from an xinetd file (its
 * policies name {@code xinetd}) has its server killed, as xinetd does; any other keeps it running,
 * as inetd does. A reload that lowers {@code instances} ends the servers started last.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class XinetdLimitsReloadIT extends ItestSupport {

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    /** Stands in for the xinetd access policy (allows everyone), ranked above any other of that name. */
    private void allowAsXinetd() {
        AccessPolicy allowAll = (c, d) -> CompletableFuture.completedFuture(Decision.allow("itest"));
        withdrawAfterTest(context.registerService(AccessPolicy.class, allowAll,
                properties(AccessPolicy.NAME_PROPERTY, "xinetd", "service.ranking", Integer.MAX_VALUE)));
    }

    private ServiceDefinition.Builder cat(String id, Path script) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).server(script.toString()).argv(List.of("pidcat"))
                .origin("itest " + id);
    }

    private static long pid(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = socket.getInputStream().read(); b >= 0 && b != '\n'; b = socket.getInputStream().read()) {
            line.append((char) b);
        }
        assertTrue("the child says its pid: " + line, line.toString().matches("\\d+"));
        return Long.parseLong(line.toString());
    }

    @Test
    public void removingAnXinetdServiceKillsItsRunningServerAndRemovingAnInetdOneLeavesIt() throws Exception {
        LogCapture log = log();
        allowAsXinetd();
        Path script = scratch().script("pidcat.sh", "echo \"$$\"\nexec cat\n");
        ServiceRegistration<ServiceDefinition> xinetd = define(cat("xr-xinetd", script)
                .policies(List.of("xinetd")).build());
        ServiceRegistration<ServiceDefinition> inetd = define(cat("xr-inetd", script).build());
        InetSocketAddress x = awaitListening("xr-xinetd");
        InetSocketAddress i = awaitListening("xr-inetd");
        try (Socket xClient = connect(x); Socket iClient = connect(i)) {
            long xPid = pid(xClient);
            long iPid = pid(iClient);
            xinetd.unregister();
            inetd.unregister();
            awaitNotListening("xr-xinetd");
            awaitNotListening("xr-inetd");
            ExecServicesIT.awaitReaped(xPid);
            log.await(TIMEOUT, "END service=xr-xinetd", "killed_servers=1");
            assertTrue("the inetd service's server still runs", Files.exists(Path.of("/proc/" + iPid)));
            iClient.getOutputStream().write(ascii("still served\n"));
            byte[] back = Clients.readExactly(iClient, 13);
            assertEquals("still served\n", ascii(back));
        }
    }

    @Test
    public void loweringInstancesEndsTheServerStartedLast() throws Exception {
        LogCapture log = log();
        Path script = scratch().script("pidcat.sh", "echo \"$$\"\nexec cat\n");
        ServiceRegistration<ServiceDefinition> before = define(cat("xr-instances", script).build());
        InetSocketAddress address = awaitListening("xr-instances");
        try (Socket older = connect(address)) {
            long olderPid = pid(older); // running before the newer one is started
            Socket newer = connect(address);
            afterTest(newer);
            long newerPid = pid(newer);
            define(cat("xr-instances", script).instances(1).build());
            before.unregister();
            log.await(TIMEOUT, "REVOKE service=xr-instances", "pid=" + newerPid, "instances lowered to 1");
            ExecServicesIT.awaitReaped(newerPid);
            assertTrue("the older server runs on", Files.exists(Path.of("/proc/" + olderPid)));
        }
    }
}
