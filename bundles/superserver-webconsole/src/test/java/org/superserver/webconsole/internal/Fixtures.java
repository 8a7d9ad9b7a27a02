package org.superserver.webconsole.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.superserver.api.ConfigSource;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;

/** Sample definitions, a fake core, fake sources and a recorded exchange for the page's tests. */
final class Fixtures {

    private Fixtures() {
    }

    static ServiceDefinition builtin(String name, Protocol protocol, int port) {
        return ServiceDefinition.builder().name(name).socketType(protocol.socketType()).protocol(protocol)
                .bindAddress("127.0.0.1").port(port).handler(name).origin("etc/default/" + name + ".cfg").build();
    }

    static ListenerStatus listening(ServiceDefinition d, long accepted, int active) {
        return new ListenerStatus(d, ListenerState.LISTENING, new InetSocketAddress("127.0.0.1", d.port()), "",
                accepted, active);
    }

    /** A core that keeps the API's defaults for stats() and connections(). */
    static ServerStatus status(ListenerStatus... listeners) {
        List<ListenerStatus> snapshot = List.of(listeners);
        return () -> snapshot;
    }

    /** A source that records what it is asked, publishes the ids it is given, and answers as told. */
    static final class FakeSource implements ConfigSource {
        final String description;
        final List<String> published;
        final List<String> log;
        RuntimeException failure;
        String answer = "";

        FakeSource(String description, List<String> log, String... published) {
            this.description = description;
            this.log = log;
            this.published = List.of(published);
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public void reload() {
            log.add("reload " + description);
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public boolean publishes(String serviceId) {
            return published.contains(serviceId);
        }

        @Override
        public String setDisabled(String serviceId, boolean disabled) {
            log.add((disabled ? "disable " : "enable ") + serviceId + " in " + description);
            if (failure != null) {
                throw failure;
            }
            return answer;
        }
    }

    /** A source that keeps the API's default setDisabled (its files decide) but says what it publishes. */
    static final class FileSource implements ConfigSource {
        @Override
        public String description() {
            return "inetd.conf /etc/inetd.conf";
        }

        @Override
        public void reload() {
        }

        @Override
        public boolean publishes(String serviceId) {
            return true;
        }
    }

    /** A request with its parameters, and what the page answered. */
    static final class Exchange implements PageExchange {
        final String method;
        final String uri;
        final Map<String, String> parameters = new HashMap<>();
        int status;
        String contentType;
        String body = "";
        String location;

        Exchange(String method, String uri) {
            this.method = method;
            this.uri = uri;
        }

        Exchange with(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String requestUri() {
            return uri;
        }

        @Override
        public String parameter(String name) {
            return parameters.get(name);
        }

        @Override
        public String appRoot() {
            return "/system/console";
        }

        @Override
        public void respond(int status, String contentType, String body) throws IOException {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        @Override
        public void redirect(String location) {
            this.status = 303;
            this.location = location;
        }
    }

    static List<String> log() {
        return new ArrayList<>();
    }
}
