package org.superserver.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.superserver.shell.internal.Fixtures.builtin;
import static org.superserver.shell.internal.Fixtures.listening;

import java.util.List;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.shell.internal.Fixtures.FakeSource;

public class InetdCommandsTest {

    private final InetdCommands commands = new InetdCommands();

    @Test
    public void listAndInfoSayThatTheCoreIsNotRunningWhenItsStatusIsAbsent() {
        assertEquals(InetdCommands.CORE_NOT_RUNNING, commands.list().toString());
        assertEquals(InetdCommands.CORE_NOT_RUNNING, commands.info("echo").toString());
    }

    @Test
    public void listAndInfoReadTheCurrentStatusService() {
        commands.status = Fixtures.status(listening(builtin("echo", Protocol.TCP, 10007), 1, 0));

        assertTrue(commands.list().toString(), commands.list().toString().contains("\necho     tcp    127.0.0.1:10007  LISTENING"));
        assertTrue(commands.info("echo").toString(), commands.info("echo").toString().startsWith("echo/tcp\n"));

        commands.status = null;
        assertEquals(InetdCommands.CORE_NOT_RUNNING, commands.list().toString());
    }

    @Test
    public void reloadFansOutToTheBoundSources() {
        assertEquals("no configuration source to reload", commands.reload());

        List<String> log = Fixtures.log();
        commands.sources = List.of(new FakeSource("inetd.conf /tmp/a", log), new FakeSource("inetd.conf /tmp/b", log));

        assertEquals("reloaded inetd.conf /tmp/a\nreloaded inetd.conf /tmp/b", commands.reload());
        assertEquals(List.of("inetd.conf /tmp/a", "inetd.conf /tmp/b"), log);
    }
}
