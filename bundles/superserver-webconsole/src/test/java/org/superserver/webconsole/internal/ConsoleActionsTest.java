package org.superserver.webconsole.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;
import org.superserver.webconsole.internal.Fixtures.FakeSource;
import org.superserver.webconsole.internal.Fixtures.FileSource;

public class ConsoleActionsTest {

    @Test
    public void reloadAsksEverySourceInOrderAndAFailureStopsNoOther() {
        List<String> log = Fixtures.log();
        FakeSource broken = new FakeSource("b xinetd.conf", log);
        broken.failure = new IllegalStateException("disk gone");
        ActionResult result = ConsoleActions.reload(List.of(new FakeSource("c cm", log), broken,
                new FakeSource("a inetd.conf", log)));
        assertEquals(List.of("reload a inetd.conf", "reload b xinetd.conf", "reload c cm"), log);
        assertFalse(result.ok());
        assertEquals("reloaded a inetd.conf; reload failed: b xinetd.conf: java.lang.IllegalStateException: disk gone;"
                + " reloaded c cm", result.message());
    }

    @Test
    public void reloadWithoutSourcesSaysSo() {
        ActionResult result = ConsoleActions.reload(List.of());
        assertFalse(result.ok());
        assertEquals("no configuration source to reload", result.message());
    }

    @Test
    public void disableGoesToTheSourceThatPublishesTheServiceAndShowsItsAnswer() {
        List<String> log = Fixtures.log();
        FakeSource cm = new FakeSource("Configuration Admin", log, "cm:echo");
        cm.answer = "echo: disable = yes written to configuration org.superserver.service~echo";
        ActionResult result = ConsoleActions.setDisabled(List.of(new FakeSource("inetd.conf", log, "inetd:daytime"), cm),
                "cm:echo", true);
        assertEquals(List.of("disable cm:echo in Configuration Admin"), log);
        assertTrue(result.ok());
        assertEquals("disable", result.action());
        assertEquals("cm:echo", result.service());
        assertEquals(cm.answer, result.message());
    }

    @Test
    public void aSourceWhoseFilesDecideRefusesWithItsReason() {
        ActionResult result = ConsoleActions.setDisabled(List.of(new FileSource()), "inetd:echo", false);
        assertFalse(result.ok());
        assertEquals("enable", result.action());
        assertEquals("refused by inetd.conf /etc/inetd.conf: inetd.conf /etc/inetd.conf cannot turn a service on or off:"
                + " its files decide; edit them and reload", result.message());
    }

    @Test
    public void aServiceNoSourcePublishesIsNamedInTheAnswer() {
        List<String> log = Fixtures.log();
        ActionResult result = ConsoleActions.setDisabled(List.of(new FakeSource("inetd.conf", log, "inetd:daytime")),
                "cm:echo", true);
        assertFalse(result.ok());
        assertTrue(result.message(), result.message().startsWith("no configuration source says that it publishes"
                + " service cm:echo (1 sources asked)"));
        assertEquals(List.of(), log);
    }

    @Test
    public void anUnknownIdAndAMissingIdAreRefusedWithTheReason() {
        List<String> log = Fixtures.log();
        FakeSource cm = new FakeSource("Configuration Admin", log, "cm:echo");
        cm.failure = new IllegalArgumentException("cm:echo is not one of this source's services");
        ActionResult unknown = ConsoleActions.setDisabled(List.of(cm), "cm:echo", true);
        assertFalse(unknown.ok());
        assertEquals("Configuration Admin: cm:echo is not one of this source's services", unknown.message());
        ActionResult missing = ConsoleActions.setDisabled(List.of(cm), " ", true);
        assertFalse(missing.ok());
        assertTrue(missing.message(), missing.message().startsWith("no service given"));
    }
}
