package org.superserver.shell.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.superserver.api.ConfigSource;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;

/** Fake services and sample definitions for the command tests. */
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

    static ServerStatus status(ListenerStatus... listeners) {
        List<ListenerStatus> snapshot = List.of(listeners);
        return () -> snapshot;
    }

    /** A source that records its reloads, and fails when asked to. */
    static final class FakeSource implements ConfigSource {
        final String description;
        final RuntimeException failure;
        final List<String> log;

        FakeSource(String description, List<String> log) {
            this(description, log, null);
        }

        FakeSource(String description, List<String> log, RuntimeException failure) {
            this.description = description;
            this.log = log;
            this.failure = failure;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public void reload() {
            log.add(description);
            if (failure != null) {
                throw failure;
            }
        }
    }

    static List<String> log() {
        return new ArrayList<>();
    }
}
