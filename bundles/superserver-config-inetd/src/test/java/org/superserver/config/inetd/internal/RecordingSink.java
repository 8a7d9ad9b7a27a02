package org.superserver.config.inetd.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.RegistrationSink;

/** A {@link RegistrationSink} that records every registration and unregistration in order. */
final class RecordingSink implements RegistrationSink {

    /** "+id" for a registration, "-id" for an unregistration, in order. */
    final List<String> events = new ArrayList<>();
    /** What is registered now, by id (one registration per id at rest). */
    final Map<String, ServiceDefinition> live = new LinkedHashMap<>();
    private int liveCount;

    @Override
    public Registration register(ServiceDefinition definition) {
        events.add("+" + definition.id());
        live.put(definition.id(), definition);
        liveCount++;
        boolean[] gone = {false};
        return () -> {
            if (gone[0]) {
                throw new AssertionError("unregistered twice: " + definition.id());
            }
            gone[0] = true;
            events.add("-" + definition.id());
            liveCount--;
            if (live.get(definition.id()) == definition) {
                live.remove(definition.id());
            }
        };
    }

    int liveCount() {
        return liveCount;
    }

    void clearEvents() {
        events.clear();
    }
}
