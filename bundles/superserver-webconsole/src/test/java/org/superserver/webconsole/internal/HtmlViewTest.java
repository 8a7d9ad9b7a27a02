package org.superserver.webconsole.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;
import org.superserver.api.status.ServiceStats;

public class HtmlViewTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    @Test
    public void aUnixSocketIsShownByItsPathAndAUnixClientByItsCredentials() {
        assertEquals("/run/echo.sock", ConsoleView.address(InetSocketAddress.createUnresolved("/run/echo.sock", 0)));
        assertEquals("unix:uid=1000,gid=1000,pid=42", ConsoleView.address(
                InetSocketAddress.createUnresolved("unix:uid=1000,gid=1000,pid=42", 0)));
        assertEquals("127.0.0.1:7", ConsoleView.address(new InetSocketAddress("127.0.0.1", 7)));
    }

    @Test
    public void escapesEveryCharacterThatCouldStartMarkup() {
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;",
                Html.escape("<script>alert('x')</script> & \"q\""));
        assertEquals("a\uFFFDb", Html.escape("a\u0000b"));
    }

    @Test
    public void valuesFromConfigurationFilesAreShownEscaped() {
        ServiceDefinition hostile = ServiceDefinition.builder().name("evil<b>").socketType(Protocol.TCP.socketType())
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(10099).server("/bin/x'><script>")
                .argv(List.of("x")).origin("/etc/inetd.d/<img src=x onerror=alert(1)>:3").build();
        ListenerStatus failed = new ListenerStatus(hostile, ListenerState.FAILED, null,
                "bind failed: <iframe>\"", 0, 0);
        ServerStatus status = () -> List.of(failed);
        String html = HtmlView.render(ConsoleView.of(status, List.of(new Fixtures.FileSource())), null, "t0k",
                "/system/console/superserver", NOW);
        assertFalse(html, html.contains("<b>"));
        assertFalse(html, html.contains("<script>"));
        assertFalse(html, html.contains("<img"));
        assertFalse(html, html.contains("<iframe>"));
        assertTrue(html, html.contains("<td>evil&lt;b&gt;</td>"));
        assertTrue(html, html.contains("<td>bind failed: &lt;iframe&gt;&quot;</td>"));
        assertTrue(html, html.contains("<td>/etc/inetd.d/&lt;img src=x onerror=alert(1)&gt;:3</td>"));
        assertTrue(html, html.contains("<td>FAILED</td>"));
        assertTrue("the configured address when none is bound", html.contains("<td>127.0.0.1:10099</td>"));
    }

    @Test
    public void showsServicesCountersAndADisableFormWithTheTokenForEach() {
        ServiceDefinition echo = Fixtures.builtin("echo", Protocol.TCP, 10007);
        ServiceDefinition daytime = Fixtures.builtin("daytime", Protocol.UDP, 10013);
        ServerStatus status = new ServerStatus() {
            @Override
            public List<ListenerStatus> listeners() {
                return List.of(Fixtures.listening(echo, 3, 1), Fixtures.listening(daytime, 7, 0));
            }

            @Override
            public List<ServiceStats> stats() {
                return List.of(new ServiceStats(echo.id(), "echo", 3, 2, Map.of("tcpd", 2L), 1, Map.of("cps", 1L),
                        0, 0, 120, 120));
            }
        };
        String html = HtmlView.render(ConsoleView.of(status, List.of()), null, "t0k", "/system/console/superserver", NOW);
        assertTrue(html, html.contains("Superserver: 2 services, 0 live connections."));
        int daytimeRow = html.indexOf("<td>daytime</td>");
        int echoRow = html.indexOf("<td>echo</td>");
        assertTrue("sorted by name", daytimeRow > 0 && echoRow > daytimeRow);
        assertTrue(html, html.contains("<td>echo</td><td>" + echo.id() + "</td><td>tcp stream</td><td>127.0.0.1:10007</td>"
                + "<td>LISTENING</td><td></td><td>internal echo</td><td>3</td><td>1</td>"));
        assertTrue(html, html.contains("<td>echo</td><td>" + echo.id() + "</td><td>3</td><td>2 (tcpd 2)</td>"
                + "<td>1 (cps 1)</td><td>0</td><td>0</td><td>120</td><td>120</td>"));
        assertTrue("counters from the listener where the core gives none", html.contains(
                "<td>daytime</td><td>" + daytime.id() + "</td><td>7</td><td>0</td><td>0</td>"));
        assertTrue(html, html.contains("<input type='hidden' name='action' value='disable'/><input type='hidden'"
                + " name='service' value='" + Html.escape(echo.id()) + "'/>"));
        assertEquals("reload, two disables and enable each carry the token", 4,
                html.split("name='token' value='t0k'", -1).length - 1);
        assertTrue(html, html.contains("No live connections."));
    }

    @Test
    public void showsLiveConnectionsWithAgeAndUncountedBytesAsDashes() {
        ServiceDefinition echo = Fixtures.builtin("echo", Protocol.TCP, 10007);
        ServerStatus status = new ServerStatus() {
            @Override
            public List<ListenerStatus> listeners() {
                return List.of(Fixtures.listening(echo, 1, 1));
            }

            @Override
            public List<ConnectionStatus> connections() {
                return List.of(new ConnectionStatus(42, echo.id(), "echo", ConnectionStatus.Kind.CHILD,
                        new InetSocketAddress("127.0.0.1", 10007), new InetSocketAddress("127.0.0.2", 40000),
                        NOW.minusSeconds(3723), -1, -1, 4242));
            }
        };
        String html = HtmlView.render(ConsoleView.of(status, List.of()), null, "t", "a", NOW);
        assertTrue(html, html.contains("<tr><td>42</td><td>echo</td><td>CHILD</td><td>127.0.0.2:40000</td>"
                + "<td>127.0.0.1:10007</td><td>1h02m03s</td><td>-</td><td>-</td><td>4242</td></tr>"));
    }

    @Test
    public void saysWhenTheCoreIsNotRunningAndShowsAnOutcomeEscaped() {
        ActionResult refused = new ActionResult("disable", "inetd:<x>", false, "its files decide: <edit>");
        String html = HtmlView.render(ConsoleView.of(null, List.of()), refused, "t", "a", NOW);
        assertTrue(html, html.contains("The core is not running"));
        assertTrue(html, html.contains("ui-state-error"));
        assertTrue(html, html.contains("disable inetd:&lt;x&gt; refused: its files decide: &lt;edit&gt;</div>"));
    }

    @Test
    public void agesAreHoursMinutesAndSeconds() {
        assertEquals("6s", HtmlView.age(NOW.minusSeconds(6), NOW));
        assertEquals("4m05s", HtmlView.age(NOW.minusSeconds(245), NOW));
        assertEquals("0s", HtmlView.age(NOW.plusSeconds(5), NOW));
    }
}
