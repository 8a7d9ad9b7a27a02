package org.superserver.config.cm.internal;

import java.util.List;
import java.util.Objects;
import org.superserver.api.ServiceDefinition;

/**
 * What one configuration maps to: a definition, a deliberately disabled service, or the first
 * invalid property with what is wrong and what would be right; plus notices about properties
 * that are accepted but written the old way.
 */
final class MappingResult {

    /** A property accepted as written, with what would be better. */
    static final class Notice {
        final String property;
        final String message;

        Notice(String property, String message) {
            this.property = Objects.requireNonNull(property);
            this.message = Objects.requireNonNull(message);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Notice && ((Notice) o).property.equals(property)
                    && ((Notice) o).message.equals(message);
        }

        @Override
        public int hashCode() {
            return Objects.hash(property, message);
        }

        @Override
        public String toString() {
            return "property " + property + ": " + message;
        }
    }

    private final String origin;
    private final ServiceDefinition definition;
    private final String property;
    private final String problem;
    private final List<Notice> notices;

    private MappingResult(String origin, ServiceDefinition definition, String property, String problem,
            List<Notice> notices) {
        this.origin = origin;
        this.definition = definition;
        this.property = property;
        this.problem = problem;
        this.notices = List.copyOf(notices);
    }

    static MappingResult defined(ServiceDefinition definition, List<Notice> notices) {
        return new MappingResult(definition.origin(), Objects.requireNonNull(definition), null, null, notices);
    }

    static MappingResult defined(ServiceDefinition definition) {
        return defined(definition, List.of());
    }

    static MappingResult disabled(String origin) {
        return new MappingResult(origin, null, null, null, List.of());
    }

    static MappingResult invalid(String origin, String property, String problem) {
        return new MappingResult(origin, null, Objects.requireNonNull(property), Objects.requireNonNull(problem),
                List.of());
    }

    /** Properties accepted as written that would better be written otherwise; empty for most. */
    List<Notice> notices() {
        return notices;
    }

    /** Where the configuration came from: its file, or its PID. */
    String origin() {
        return origin;
    }

    /** The definition, or {@code null} when the configuration is disabled or invalid. */
    ServiceDefinition definition() {
        return definition;
    }

    boolean isValid() {
        return property == null;
    }

    /** The property at fault, or {@code null} when the configuration is valid. */
    String property() {
        return property;
    }

    /** What is wrong with {@link #property()} and what would be right, or {@code null}. */
    String problem() {
        return problem;
    }

    @Override
    public String toString() {
        if (definition != null) {
            return definition.toString();
        }
        return property == null ? origin + ": disabled" : origin + ": property " + property + ": " + problem;
    }
}
