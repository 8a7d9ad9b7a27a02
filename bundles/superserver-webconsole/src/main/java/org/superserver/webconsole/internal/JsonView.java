package org.superserver.webconsole.internal;

import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ServiceStats;

/** The page as JSON, for scripts and tests: {@code GET /system/console/superserver.json}. */
final class JsonView {

    private JsonView() {
    }

    /**
     * {@code {"core":true,"token":"...","sources":[...],"services":[{...,"stats":{...}}],"connections":[...]}};
     * the token is what a POST must send back.
     */
    static String render(ConsoleView view, String token) {
        Json j = new Json().beginObject();
        j.member("core", view.coreRunning());
        j.member("token", token);
        j.name("sources").beginArray();
        view.sources().forEach(j::value);
        j.endArray();
        j.name("services").beginArray();
        for (ConsoleView.ServiceRow row : view.services()) {
            ServiceDefinition d = row.definition();
            ServiceStats s = row.stats();
            j.beginObject()
                    .member("id", d.id())
                    .member("name", d.name())
                    .member("protocol", d.protocol().configName())
                    .member("socketType", d.socketType().configName())
                    .member("address", row.address())
                    .member("state", row.listener().state().name())
                    .member("detail", row.listener().detail())
                    .member("dispatch", HtmlView.dispatch(d))
                    .member("origin", d.origin())
                    .member("accepted", row.listener().accepted())
                    .member("active", row.listener().activeConnections());
            j.name("stats").beginObject()
                    .member("accepted", s.accepted())
                    .member("denied", s.denied())
                    .member("deniedBy", s.deniedBy())
                    .member("refused", s.refused())
                    .member("refusedBy", s.refusedBy())
                    .member("childrenStarted", s.childrenStarted())
                    .member("childrenFailed", s.childrenFailed())
                    .member("bytesIn", s.bytesIn())
                    .member("bytesOut", s.bytesOut())
                    .endObject();
            j.endObject();
        }
        j.endArray();
        j.name("connections").beginArray();
        for (ConnectionStatus c : view.connections()) {
            j.beginObject()
                    .member("id", c.id())
                    .member("serviceId", c.serviceId())
                    .member("service", c.service())
                    .member("kind", c.kind().name())
                    .member("remote", ConsoleView.address(c.remote()))
                    .member("local", ConsoleView.address(c.local()))
                    .member("started", c.started().toString())
                    .member("bytesIn", c.bytesIn())
                    .member("bytesOut", c.bytesOut())
                    .member("pid", c.pid())
                    .endObject();
        }
        j.endArray();
        return j.endObject().toString();
    }

    /** {@code {"action":"disable","service":"echo","ok":false,"message":"..."}}. */
    static String render(ActionResult result) {
        return new Json().beginObject()
                .member("action", result.action())
                .member("service", result.service())
                .member("ok", result.ok())
                .member("message", result.message())
                .endObject().toString();
    }
}
