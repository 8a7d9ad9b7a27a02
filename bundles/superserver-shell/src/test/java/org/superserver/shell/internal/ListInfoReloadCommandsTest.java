package org.superserver.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.superserver.shell.internal.Fixtures.builtin;
import static org.superserver.shell.internal.Fixtures.listening;

import java.util.List;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.shell.internal.Fixtures.FakeSource;

/** {@code inetd:list}, {@code inetd:info} and {@code inetd:reload} over fake services. */
public class ListInfoReloadCommandsTest {

    private final ListCommand list = new ListCommand();
    private final InfoCommand info = new InfoCommand();
    private final ReloadCommand reload = new ReloadCommand();

    @Test
    public void listAndInfoSayThatTheCoreIsNotRunningWhenItsStatusIsAbsent() {
        assertEquals(StatusFormat.CORE_NOT_RUNNING, list.list().toString());
        assertEquals(StatusFormat.CORE_NOT_RUNNING, info.info("echo").toString());
    }

    @Test
    public void listAndInfoReadTheCurrentStatusService() {
        list.status = Fixtures.status(listening(builtin("echo", Protocol.TCP, 10007), 1, 0));
        info.status = list.status;

        assertTrue(list.list().toString(), list.list().toString().contains("\necho     tcp    127.0.0.1:10007  LISTENING"));
        assertTrue(info.info("echo").toString(), info.info("echo").toString().startsWith("echo/tcp\n"));

        list.status = null;
        assertEquals(StatusFormat.CORE_NOT_RUNNING, list.list().toString());
    }

    @Test
    public void infoShowsAUnixServicesPathModeAndOwners() {
        org.superserver.api.ServiceDefinition d = org.superserver.api.ServiceDefinition.builder().name("echo")
                .socketType(org.superserver.api.SocketType.STREAM).protocol(Protocol.UNIX).socketPath("/run/echo.sock")
                .socketGroup("adm").handler("echo").origin("/etc/inetd.conf:3").build();
        info.status = Fixtures.status(new org.superserver.api.status.ListenerStatus(d,
                org.superserver.api.status.ListenerState.LISTENING,
                java.net.InetSocketAddress.createUnresolved("/run/echo.sock", 0), "", 0, 0));
        list.status = info.status;
        String text = info.info("echo").toString();
        assertTrue(text, text.startsWith("echo/unix\n"));
        for (String line : new String[] {"path", "/run/echo.sock", "socket mode", "0660", "socket owner",
                "- (the server's own)", "socket group", "adm"}) {
            assertTrue(line + " missing from " + text, text.contains(line));
        }
        assertFalse(text, text.contains("ephemeral"));
        assertTrue(list.list().toString(), list.list().toString().contains("/run/echo.sock"));
    }

    @Test
    public void reloadFansOutToTheBoundSources() {
        assertEquals("no configuration source to reload", reload.reload());

        List<String> log = Fixtures.log();
        reload.sources = List.of(new FakeSource("inetd.conf /tmp/a", log), new FakeSource("inetd.conf /tmp/b", log));

        assertEquals("reloaded inetd.conf /tmp/a\nreloaded inetd.conf /tmp/b", reload.reload());
        assertEquals(List.of("inetd.conf /tmp/a", "inetd.conf /tmp/b"), log);
    }
}
