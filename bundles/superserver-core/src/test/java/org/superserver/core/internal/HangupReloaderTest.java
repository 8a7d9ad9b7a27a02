package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeFalse;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.superserver.api.ConfigSource;

public class HangupReloaderTest {

    private static ConfigSource source(String name, Runnable onReload) {
        return new ConfigSource() {
            @Override
            public String description() {
                return name;
            }

            @Override
            public void reload() {
                onReload.run();
            }
        };
    }

    @Test
    public void aFailingSourceDoesNotStopTheOthersFromReloading() {
        HangupReloader reloader = new HangupReloader();
        AtomicInteger reloaded = new AtomicInteger();
        reloader.addSource(source("broken", () -> {
            throw new IllegalStateException("unreadable");
        }));
        reloader.addSource(source("good", reloaded::incrementAndGet));
        reloader.reloadAll();
        assertEquals(1, reloaded.get());
    }

    @Test
    public void sighupToTheProcessReloadsEverySourceAndLeavesTheProcessRunning() throws Exception {
        assumeFalse("SIGHUP is ignored by this JVM (started under nohup?), so it installs no handler for it",
                sighupIgnored());
        HangupReloader reloader = new HangupReloader();
        CountDownLatch reloaded = new CountDownLatch(2);
        reloader.addSource(source("a", reloaded::countDown));
        reloader.addSource(source("b", reloaded::countDown));
        reloader.activate();
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue("both sources reloaded", reloaded.await(10, TimeUnit.SECONDS));
        } finally {
            reloader.deactivate();
        }
    }

    /** Whether SIGHUP (signal 1) is in this process's ignored set, as Linux reports it. */
    private static boolean sighupIgnored() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return new BigInteger(line.substring("SigIgn:".length()).trim(), 16).testBit(0);
            }
        }
        return false;
    }
}
