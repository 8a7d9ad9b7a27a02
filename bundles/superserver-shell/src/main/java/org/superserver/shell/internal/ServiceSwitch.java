package org.superserver.shell.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.superserver.api.ConfigSource;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;

/**
 * What {@code inetd:enable} and {@code inetd:disable} share: the definitions of the named service
 * (by name, or by id), the configuration source that publishes each ({@link
 * ConfigSource#publishes}), and that source's answer to {@link ConfigSource#setDisabled}: what it
 * did, or why it cannot (a file-based source names the file and line that decide).
 */
final class ServiceSwitch {

    private ServiceSwitch() {
    }

    static String turn(String service, boolean disabled, ServerStatus status, List<ConfigSource> sources) {
        Set<String> ids = new LinkedHashSet<>();
        List<ListenerStatus> listeners = status == null ? List.of() : status.listeners();
        for (ListenerStatus l : listeners) {
            if (l.definition().name().equals(service) || l.definition().id().equals(service)) {
                ids.add(l.definition().id());
            }
        }
        if (ids.isEmpty()) {
            ids.add(service); // not served now (a disabled one, say): the sources may know it by id
        }
        List<String> answers = new ArrayList<>();
        for (String id : ids) {
            boolean found = false;
            for (ConfigSource source : sources) {
                if (!publishes(source, id)) {
                    continue;
                }
                found = true;
                answers.add(answer(source, id, disabled));
            }
            if (!found && listeners.stream().anyMatch(l -> l.definition().id().equals(id))) {
                answers.add("service " + id + " is not published by a configuration source (it was registered"
                        + " as a ServiceDefinition directly); stop or change whatever registered it");
            }
        }
        if (answers.isEmpty()) {
            TreeSet<String> known = new TreeSet<>();
            listeners.forEach(l -> known.add(l.definition().name()));
            return "no service named '" + service + "'" + (known.isEmpty() ? "" : "; known: " + String.join(", ", known));
        }
        return String.join("\n", answers);
    }

    private static boolean publishes(ConfigSource source, String id) {
        try {
            return source.publishes(id);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String answer(ConfigSource source, String id, boolean disabled) {
        try {
            return source.setDisabled(id, disabled);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return (disabled ? "cannot disable " : "cannot enable ") + id + ": " + e.getMessage();
        } catch (RuntimeException e) {
            return (disabled ? "disable of " : "enable of ") + id + " failed in " + source.description() + ": " + e;
        }
    }
}
