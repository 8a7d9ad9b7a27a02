package org.superserver.api.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.superserver.api.ServiceDefinition;

/**
 * Keeps the published definitions of one file set equal to its latest parse, touching only the
 * difference: an unchanged definition ({@code equals}) keeps its registration; a changed one (same
 * id) is registered anew <em>before</em> its old registration goes, so that the core, which keys
 * listeners by id, sees a change and keeps a listener whose socket is the same; a removed one is
 * unregistered (first, so that a new id may take over its port); a new one is registered.
 *
 * <p>The origin (file and line) is metadata: a definition that differs only in it (a line that
 * moved because a line above it was added or removed) counts as unchanged, and is re-registered
 * the same way as a changed one only so that messages name its new line; the core sees an update
 * of the same id, never a removal. Not thread-safe: the caller serializes.
 */
public final class DefinitionPublisher {

    /** What one {@link #apply} did. */
    public static final class Changes {
        public final int added;
        public final int changed;
        public final int removed;
        /** Definitions equal but for their origin (including {@link #moved}). */
        public final int unchanged;
        /** Of the unchanged, those whose origin changed (re-registered to carry it). */
        public final int moved;

        public Changes(int added, int changed, int removed, int unchanged, int moved) {
            this.added = added;
            this.changed = changed;
            this.removed = removed;
            this.unchanged = unchanged;
            this.moved = moved;
        }

        @Override
        public String toString() {
            return "added " + added + ", changed " + changed + ", removed " + removed + ", unchanged " + unchanged
                    + (moved > 0 ? " (" + moved + " moved)" : "");
        }
    }

    private static final class Published {
        final ServiceDefinition definition;
        final RegistrationSink.Registration registration;

        Published(ServiceDefinition definition, RegistrationSink.Registration registration) {
            this.definition = definition;
            this.registration = registration;
        }
    }

    private final RegistrationSink sink;
    private final Map<String, Published> published = new LinkedHashMap<>();

    public DefinitionPublisher(RegistrationSink sink) {
        this.sink = sink;
    }

    /** Publishes exactly {@code next}; for a repeated id the last definition counts. */
    public Changes apply(List<ServiceDefinition> next) {
        Map<String, ServiceDefinition> wanted = new LinkedHashMap<>();
        for (ServiceDefinition d : next) {
            wanted.put(d.id(), d);
        }
        // Removed first (their ports may be taken by a new id), then new and changed ones, then
        // the registrations that the changed ones replace.
        int removed = 0;
        for (String id : new ArrayList<>(published.keySet())) {
            if (!wanted.containsKey(id)) {
                published.remove(id).registration.unregister();
                removed++;
            }
        }
        int added = 0;
        int changed = 0;
        int unchanged = 0;
        int moved = 0;
        List<RegistrationSink.Registration> replaced = new ArrayList<>();
        for (ServiceDefinition d : wanted.values()) {
            Published old = published.get(d.id());
            if (old != null && old.definition.equals(d)) {
                unchanged++;
                continue;
            }
            RegistrationSink.Registration registration = sink.register(d);
            published.put(d.id(), new Published(d, registration));
            if (old == null) {
                added++;
            } else {
                if (equalButForOrigin(old.definition, d)) {
                    unchanged++;
                    moved++;
                } else {
                    changed++;
                }
                replaced.add(old.registration);
            }
        }
        replaced.forEach(RegistrationSink.Registration::unregister);
        return new Changes(added, changed, removed, unchanged, moved);
    }

    /** Whether two definitions differ in nothing but their origin. */
    public static boolean equalButForOrigin(ServiceDefinition a, ServiceDefinition b) {
        return a.toBuilder().origin(null).build().equals(b.toBuilder().origin(null).build());
    }

    /** Withdraws every published definition. */
    public void clear() {
        apply(List.of());
    }

    /** The published definitions by id, in publication order. */
    public Map<String, ServiceDefinition> published() {
        Map<String, ServiceDefinition> out = new LinkedHashMap<>();
        published.forEach((id, p) -> out.put(id, p.definition));
        return out;
    }
}
