package org.superserver.shell.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;
import org.junit.Test;
import org.superserver.shell.internal.Fixtures.FakeSource;

public class ReloadTest {

    @Test
    public void everySourceIsReloadedAndReportedInOneLine() {
        List<String> log = Fixtures.log();
        String text = Reload.all(List.of(
                new FakeSource("xinetd.conf /etc/xinetd.conf", log),
                new FakeSource("inetd.conf /etc/inetd.conf", log)));

        assertEquals(List.of("inetd.conf /etc/inetd.conf", "xinetd.conf /etc/xinetd.conf"), log);
        assertEquals("reloaded inetd.conf /etc/inetd.conf\nreloaded xinetd.conf /etc/xinetd.conf", text);
    }

    @Test
    public void aFailingSourceIsReportedAndTheOthersStillReload() {
        List<String> log = Fixtures.log();
        String text = Reload.all(List.of(
                new FakeSource("a.conf", log, new IllegalStateException("disk gone")),
                new FakeSource("b.conf", log)));

        assertEquals(List.of("a.conf", "b.conf"), log);
        assertEquals("reload failed: a.conf: java.lang.IllegalStateException: disk gone\nreloaded b.conf", text);
    }

    @Test
    public void withoutSourcesNothingIsReloaded() {
        assertEquals("no configuration source to reload", Reload.all(List.of()));
    }
}
