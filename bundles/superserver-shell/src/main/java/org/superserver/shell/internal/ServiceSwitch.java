package org.superserver.shell.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
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
        List<String> answers = new ArrayList<>();
        Set<ConfigSource> answeredByName = Collections.newSetFromMap(new IdentityHashMap<>());
        boolean givenById = listeners.stream().anyMatch(l -> l.definition().id().equals(service));
        if (!ids.isEmpty() && !disabled && !givenById) {
            // enabling by name: a source also turns on its definitions of that name that are off (served under no id)
            for (ConfigSource source : sources) {
                if (decidesItself(source) && answer(source, service, false, answers)) {
                    answeredByName.add(source);
                }
            }
        }
        if (ids.isEmpty()) {
            // not served now (turned off, say): a source may know it by id, or by name among those it turned off
            for (ConfigSource source : sources) {
                if (publishes(source, service) || decidesItself(source)) {
                    answer(source, service, disabled, answers);
                }
            }
            return answers.isEmpty() ? unknown(service, listeners) : String.join("\n", answers);
        }
        for (String id : ids) {
            boolean found = false;
            for (ConfigSource source : sources) {
                if (!publishes(source, id)) {
                    continue;
                }
                found = true;
                if (!answeredByName.contains(source)) {
                    answer(source, id, disabled, answers);
                }
            }
            if (!found && listeners.stream().anyMatch(l -> l.definition().id().equals(id))) {
                answers.add("service " + id + " is not published by a configuration source (it was registered"
                        + " as a ServiceDefinition directly); stop or change whatever registered it");
            }
        }
        return answers.isEmpty() ? unknown(service, listeners) : String.join("\n", answers);
    }

    private static String unknown(String service, List<ListenerStatus> listeners) {
        TreeSet<String> known = new TreeSet<>();
        listeners.forEach(l -> known.add(l.definition().name()));
        return "no service named '" + service + "'" + (known.isEmpty() ? "" : "; known: " + String.join(", ", known));
    }

    /** Whether {@code source} answers {@link ConfigSource#setDisabled} itself (the default refuses any id alike). */
    private static boolean decidesItself(ConfigSource source) {
        try {
            return source.getClass().getMethod("setDisabled", String.class, boolean.class).getDeclaringClass()
                    != ConfigSource.class;
        } catch (NoSuchMethodException | RuntimeException e) {
            return false;
        }
    }

    private static boolean publishes(ConfigSource source, String id) {
        try {
            return source.publishes(id);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Adds what {@code source} answers; nothing when the service is not one of its own. Returns whether it answered. */
    private static boolean answer(ConfigSource source, String id, boolean disabled, List<String> answers) {
        try {
            answers.add(source.setDisabled(id, disabled));
        } catch (IllegalArgumentException notItsOwn) {
            return false; // another source's, or none's
        } catch (UnsupportedOperationException e) {
            answers.add((disabled ? "cannot disable " : "cannot enable ") + id + ": " + e.getMessage());
        } catch (RuntimeException e) {
            answers.add((disabled ? "disable of " : "enable of ") + id + " failed in " + source.description() + ": "
                    + e);
        }
        return true;
    }
}
