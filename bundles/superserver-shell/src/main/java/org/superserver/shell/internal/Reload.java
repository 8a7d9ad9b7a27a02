package org.superserver.shell.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.superserver.api.ConfigSource;

/** The fan-out of {@code inetd:reload}: every source in turn, one line each; a failure stops no other. */
final class Reload {

    static final String NOTHING_TO_RELOAD = "no configuration source to reload";

    private Reload() {
    }

    /** Reloads each source, in order of description, and reports one line per source. */
    static String all(List<ConfigSource> sources) {
        if (sources.isEmpty()) {
            return NOTHING_TO_RELOAD;
        }
        List<ConfigSource> ordered = new ArrayList<>(sources);
        ordered.sort(Comparator.comparing(Reload::describe));
        StringBuilder out = new StringBuilder();
        for (ConfigSource source : ordered) {
            if (out.length() > 0) {
                out.append('\n');
            }
            String description = describe(source);
            try {
                source.reload();
                out.append("reloaded ").append(description);
            } catch (RuntimeException e) {
                out.append("reload failed: ").append(description).append(": ").append(e);
            }
        }
        return out.toString();
    }

    private static String describe(ConfigSource source) {
        try {
            String description = source.description();
            return description == null || description.isBlank() ? source.getClass().getName() : description;
        } catch (RuntimeException e) {
            return source.getClass().getName();
        }
    }
}
