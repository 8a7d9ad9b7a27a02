package org.superserver.webconsole.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.ConfigSource;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.webconsole.internal.Fixtures.Exchange;
import org.superserver.webconsole.internal.Fixtures.FakeSource;

public class SuperserverPageTest {

    private static final String TOKEN = "secret-token";

    private final List<String> log = Fixtures.log();
    private final ServiceDefinition echo = Fixtures.builtin("echo", Protocol.TCP, 10007);
    private SuperserverPage page;

    @Before
    public void page() {
        page = new SuperserverPage(TOKEN, Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC));
        page.status = Fixtures.status(Fixtures.listening(echo, 1, 0));
        page.sources = List.<ConfigSource>of(new FakeSource("Configuration Admin", log, echo.id()));
    }

    @Test
    public void getShowsThePageAndTheJsonView() throws Exception {
        Exchange html = new Exchange("GET", "/system/console/superserver");
        page.serve(html);
        assertEquals(200, html.status);
        assertEquals("text/html", html.contentType);
        assertTrue(html.body, html.body.contains("<td>echo</td>"));
        assertTrue(html.body, html.body.contains("action='/system/console/superserver'"));

        Exchange json = new Exchange("GET", "/system/console/superserver.json");
        page.serve(json);
        assertEquals(200, json.status);
        assertEquals("application/json", json.contentType);
        assertTrue(json.body, json.body.contains("\"token\":\"" + TOKEN + "\""));
        assertTrue(json.body, json.body.contains("\"name\":\"echo\""));
    }

    @Test
    public void aPostWithoutTheRightTokenIsRefusedAndDoesNothing() throws Exception {
        Exchange none = new Exchange("POST", "/system/console/superserver").with("action", "reload");
        page.serve(none);
        assertEquals(403, none.status);
        Exchange wrong = new Exchange("POST", "/system/console/superserver.json").with("action", "disable")
                .with("service", echo.id()).with("token", "guess");
        page.serve(wrong);
        assertEquals(403, wrong.status);
        assertTrue(wrong.body, wrong.body.contains("\"ok\":false"));
        assertEquals(List.of(), log);
    }

    @Test
    public void aFormPostRunsTheActionAndRedirectsToThePageThatShowsItsOutcome() throws Exception {
        Exchange post = new Exchange("POST", "/system/console/superserver").with("action", "reload").with("token", TOKEN);
        page.serve(post);
        assertEquals(List.of("reload Configuration Admin"), log);
        assertEquals(303, post.status);
        assertTrue(post.location, post.location.matches("/system/console/superserver\\?outcome=[0-9a-f]{24}"));

        Exchange get = new Exchange("GET", "/system/console/superserver")
                .with("outcome", post.location.substring(post.location.indexOf('=') + 1));
        page.serve(get);
        assertTrue(get.body, get.body.contains("reload: reloaded Configuration Admin</div>"));

        Exchange forged = new Exchange("GET", "/system/console/superserver").with("outcome", "<b>made up</b>");
        page.serve(forged);
        assertTrue("an unknown outcome shows nothing", !forged.body.contains("made up"));
    }

    @Test
    public void aJsonPostAnswersWithTheResult() throws Exception {
        Exchange post = new Exchange("POST", "/system/console/superserver.json").with("action", "disable")
                .with("service", " " + echo.id() + " ").with("token", TOKEN);
        page.serve(post);
        assertEquals(List.of("disable " + echo.id() + " in Configuration Admin"), log);
        assertEquals(200, post.status);
        assertNull(post.location);
        assertTrue(post.body, post.body.startsWith("{\"action\":\"disable\",\"service\":\"" + echo.id() + "\",\"ok\":true,"));
    }

    @Test
    public void anUnknownActionOrMethodIsAClientError() throws Exception {
        Exchange post = new Exchange("POST", "/system/console/superserver").with("action", "format-disk")
                .with("token", TOKEN);
        page.serve(post);
        assertEquals(400, post.status);
        Exchange put = new Exchange("PUT", "/system/console/superserver");
        page.serve(put);
        assertEquals(405, put.status);
        assertEquals(List.of(), log);
    }

    @Test
    public void withoutTheCoreThePageStillAnswers() throws Exception {
        page.status = null;
        Exchange json = new Exchange("GET", "/system/console/superserver.json");
        page.serve(json);
        assertTrue(json.body, json.body.startsWith("{\"core\":false,"));
    }
}
