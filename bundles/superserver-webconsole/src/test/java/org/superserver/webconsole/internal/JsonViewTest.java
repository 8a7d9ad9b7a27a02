package org.superserver.webconsole.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;

public class JsonViewTest {

    @Test
    public void stringsAreEscapedForJsonAndForAnHtmlContext() {
        String json = new Json().beginObject().member("a\"b", "x\\y\n</script>&'\u0001").endObject().toString();
        assertEquals("{\"a\\\"b\":\"x\\\\y\\n\\u003c/script\\u003e\\u0026\\u0027\\u0001\"}", json);
    }

    @Test
    public void listsEveryServiceWithItsCountersAndTheToken() {
        ServiceDefinition echo = Fixtures.builtin("echo", Protocol.TCP, 10007);
        ServiceDefinition time = Fixtures.builtin("time", Protocol.UDP, 10037);
        ConsoleView view = ConsoleView.of(Fixtures.status(Fixtures.listening(time, 0, 0), Fixtures.listening(echo, 5, 2)),
                List.of(new Fixtures.FileSource()));
        String json = JsonView.render(view, "t0k");
        assertTrue(json, json.startsWith("{\"core\":true,\"token\":\"t0k\",\"sources\":[\"inetd.conf /etc/inetd.conf\"],"
                + "\"services\":[{\"id\":\"" + echo.id() + "\",\"name\":\"echo\",\"protocol\":\"tcp\",\"socketType\":\"stream\","
                + "\"address\":\"127.0.0.1:10007\",\"state\":\"LISTENING\",\"detail\":\"\",\"dispatch\":\"internal echo\","
                + "\"origin\":\"etc/default/echo.cfg\",\"accepted\":5,\"active\":2,\"stats\":{\"accepted\":5,\"denied\":0,"
                + "\"deniedBy\":{},\"refused\":0,\"refusedBy\":{},\"childrenStarted\":0,\"childrenFailed\":0,"
                + "\"bytesIn\":0,\"bytesOut\":0}},{\"id\":\"" + time.id() + "\",\"name\":\"time\""));
        assertTrue(json, json.endsWith("}}],\"connections\":[]}"));
    }

    @Test
    public void anActionResultIsOneObject() {
        assertEquals("{\"action\":\"disable\",\"service\":\"cm:echo\",\"ok\":false,\"message\":\"refused\"}",
                JsonView.render(new ActionResult("disable", "cm:echo", false, "refused")));
    }
}
