package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** The sd_notify messages a registry sends to a real AF_UNIX datagram socket named by NOTIFY_SOCKET. */
public class SdNotifyTest {

    private Path dir;
    private UnixDatagram manager;
    private Registry registry;

    @Before
    public void listen() throws Exception {
        dir = Files.createTempDirectory("sdnotify");
        manager = UnixDatagram.bound(dir.resolve("notify").toString());
    }

    @After
    public void stop() throws Exception {
        if (registry != null) {
            registry.stop();
        }
        manager.close();
        Files.deleteIfExists(dir.resolve("notify"));
        Files.deleteIfExists(dir);
    }

    /** The next message within 5 s. */
    private String next(UnixDatagram socket) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            byte[] datagram = socket.receive();
            if (datagram != null) {
                return new String(datagram, StandardCharsets.UTF_8);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no message from the registry within 5 s");
    }

    private static ServiceDefinition echo(String id) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .bindAddress("127.0.0.1").port(0).handler("echo").origin("test:" + id).build();
    }

    @Test
    public void readyOnceAppliedThenReloadingReadyAroundAChangeAndStoppingAtTheEnd() throws Exception {
        registry = new Registry(Map.of("NOTIFY_SOCKET", dir.resolve("notify").toString())::get);
        registry.start(CoreFixture.SETTINGS).get(10, TimeUnit.SECONDS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
        registry.addDefinition("a", echo("a"));
        registry.settled().get(10, TimeUnit.SECONDS);
        assertNull("nothing before the configuration is applied", manager.receive());

        registry.configurationApplied().get(10, TimeUnit.SECONDS);
        String ready = next(manager);
        assertTrue(ready, ready.startsWith("READY=1\n"));
        assertTrue(ready, ready.contains("STATUS=1 services, 0 connections\n"));
        int port = registry.listener("a").orElseThrow().boundAddress().getPort();
        try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
            assertTrue("READY=1 comes once the service listens", client.isConnected());
        }

        long before = System.nanoTime() / 1000;
        registry.addDefinition("b", echo("b"));
        String reloading = next(manager);
        assertTrue(reloading, reloading.startsWith("RELOADING=1\nMONOTONIC_USEC="));
        long usec = Long.parseLong(reloading.split("\n")[1].substring("MONOTONIC_USEC=".length()));
        assertTrue("CLOCK_MONOTONIC in microseconds: " + usec + " vs " + before,
                usec >= before && usec <= System.nanoTime() / 1000);
        String readyAgain = next(manager);
        assertTrue(readyAgain, readyAgain.startsWith("READY=1\n"));
        assertTrue(readyAgain, readyAgain.contains("STATUS=2 services, "));

        registry.stop();
        registry = null;
        String stopping = next(manager);
        assertTrue(stopping, stopping.startsWith("STOPPING=1\n"));
    }

    @Test
    public void aHangupReloadIsFramedByReloadingAndReadyEvenWhenItChangesNothing() throws Exception {
        registry = new Registry(Map.of("NOTIFY_SOCKET", dir.resolve("notify").toString())::get);
        registry.start(CoreFixture.SETTINGS).get(10, TimeUnit.SECONDS);
        registry.addHandler("h", List.of("echo"), 0, new EchoHandler());
        registry.addDefinition("a", echo("a"));
        registry.configurationApplied().get(10, TimeUnit.SECONDS);
        assertTrue(next(manager).startsWith("READY=1\n"));

        HangupReloader reloader = new HangupReloader();
        reloader.setCore(new ReloadWindow() {
            @Override
            public void reloadStarts() {
                registry.reloadStarts().join();
            }

            @Override
            public void reloadEnds() {
                registry.reloadEnds();
            }
        });
        java.util.concurrent.atomic.AtomicInteger reloads = new java.util.concurrent.atomic.AtomicInteger();
        reloader.addSource(new org.superserver.api.ConfigSource() {
            @Override
            public String description() {
                return "test source";
            }

            @Override
            public void reload() {
                if (reloads.incrementAndGet() == 2) {
                    registry.addDefinition("b", echo("b")); // the second reload brings a service
                }
            }
        });

        reloader.reloadAll(); // nothing changes
        assertTrue(next(manager).startsWith("RELOADING=1\nMONOTONIC_USEC="));
        String ready = next(manager);
        assertTrue(ready, ready.startsWith("READY=1\n") && ready.contains("STATUS=1 services, "));

        reloader.reloadAll(); // one service more
        assertTrue(next(manager).startsWith("RELOADING=1\n"));
        String after = next(manager);
        assertTrue(after, after.startsWith("READY=1\n") && after.contains("STATUS=2 services, "));
        Thread.sleep(2 * Registry.RELOAD_QUIET_MILLIS);
        assertNull("one RELOADING/READY pair per reload", manager.receive());
    }

    @Test
    public void anAbstractSocketNameIsReached() throws Exception {
        String name = "@superserver-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (UnixDatagram abstractManager = UnixDatagram.bound(name)) {
            registry = new Registry(Map.of("NOTIFY_SOCKET", name)::get);
            registry.start(CoreFixture.SETTINGS).get(10, TimeUnit.SECONDS);
            registry.configurationApplied().get(10, TimeUnit.SECONDS);
            String ready = next(abstractManager);
            assertTrue(ready, ready.startsWith("READY=1\n"));
            registry.stop();
            registry = null;
            assertTrue(next(abstractManager).startsWith("STOPPING=1\n"));
        }
    }

    @Test
    public void withoutNotifySocketNothingIsSent() throws Exception {
        ServiceManager none = ServiceManager.from(Map.<String, String>of()::get);
        none.ready("0 services, 0 connections");
        assertEquals(false, none.enabled());
        assertNotNull(manager);
        assertNull(manager.receive());
    }
}
