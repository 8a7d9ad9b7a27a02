package org.superserver.shell.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.superserver.api.ConfigSource;
import org.superserver.api.Diagnostic;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.PolicyInspector;
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
    static class FakeSource implements ConfigSource {
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

    /** An inspector with canned answers that records what it was asked. */
    static final class FakeInspector implements PolicyInspector {
        final List<String> report;
        final List<Diagnostic> diagnostics;
        final RuntimeException failure;
        final List<String> asked = new ArrayList<>();

        FakeInspector(List<String> report) {
            this(report, List.of(), null);
        }

        FakeInspector(RuntimeException failure) {
            this(List.of(), List.of(), failure);
        }

        FakeInspector(List<String> report, List<Diagnostic> diagnostics, RuntimeException failure) {
            this.report = report;
            this.diagnostics = diagnostics;
            this.failure = failure;
        }

        static FakeInspector checking(List<Diagnostic> diagnostics) {
            return new FakeInspector(List.of(), diagnostics, null);
        }

        @Override
        public Explanation explain(String daemon, String client) {
            asked.add(daemon + " " + client);
            if (failure != null) {
                throw failure;
            }
            return new Explanation(!report.isEmpty() && report.get(report.size() - 1).endsWith("granted"), null,
                    report);
        }

        @Override
        public List<Diagnostic> check() {
            return diagnostics;
        }
    }

    static List<String> log() {
        return new ArrayList<>();
    }
}
