package org.superserver.config.cm.internal;

import java.util.Objects;
import org.superserver.api.ServiceDefinition;

/**
 * What one configuration maps to: a definition, a deliberately disabled service, or the first
 * invalid property with what is wrong and what would be right.
 */
final class MappingResult {

    private final String origin;
    private final ServiceDefinition definition;
    private final String property;
    private final String problem;

    private MappingResult(String origin, ServiceDefinition definition, String property, String problem) {
        this.origin = origin;
        this.definition = definition;
        this.property = property;
        this.problem = problem;
    }

    static MappingResult defined(ServiceDefinition definition) {
        return new MappingResult(definition.origin(), Objects.requireNonNull(definition), null, null);
    }

    static MappingResult disabled(String origin) {
        return new MappingResult(origin, null, null, null);
    }

    static MappingResult invalid(String origin, String property, String problem) {
        return new MappingResult(origin, null, Objects.requireNonNull(property), Objects.requireNonNull(problem));
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
