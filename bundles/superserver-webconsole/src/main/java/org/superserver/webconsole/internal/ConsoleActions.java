package org.superserver.webconsole.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.superserver.api.ConfigSource;

/**
 * The page's actions over the configuration sources: reload every source, and turn a service
 * off or on through the source that publishes it. Pure functions of the sources they are given;
 * every refusal and failure becomes a result, never an exception.
 */
final class ConsoleActions {

    private ConsoleActions() {
    }

    /** Reloads each source, in order of description; a failure stops no other. */
    static ActionResult reload(List<ConfigSource> sources) {
        if (sources.isEmpty()) {
            return new ActionResult("reload", "", false, "no configuration source to reload");
        }
        List<ConfigSource> ordered = new ArrayList<>(sources);
        ordered.sort(Comparator.comparing(ConsoleView::describe));
        StringBuilder message = new StringBuilder();
        boolean ok = true;
        for (ConfigSource source : ordered) {
            if (message.length() > 0) {
                message.append("; ");
            }
            String description = ConsoleView.describe(source);
            try {
                source.reload();
                message.append("reloaded ").append(description);
            } catch (RuntimeException e) {
                ok = false;
                message.append("reload failed: ").append(description).append(": ").append(e);
            }
        }
        return new ActionResult("reload", "", ok, message.toString());
    }

    /**
     * Asks the source that publishes {@code serviceId} to turn it off or on, and says what it
     * answered: its own message, the reason of its refusal, or that no source publishes it.
     */
    static ActionResult setDisabled(List<ConfigSource> sources, String serviceId, boolean disabled) {
        String action = disabled ? "disable" : "enable";
        if (serviceId == null || serviceId.isBlank()) {
            return new ActionResult(action, "", false, "no service given: name the id of a service (parameter service)");
        }
        List<ConfigSource> publishers = new ArrayList<>();
        for (ConfigSource source : sources) {
            try {
                if (source.publishes(serviceId)) {
                    publishers.add(source);
                }
            } catch (RuntimeException e) {
                // a source that cannot answer does not publish it, as far as this page can tell
            }
        }
        if (publishers.isEmpty()) {
            return new ActionResult(action, serviceId, false, "no configuration source says that it publishes service "
                    + serviceId + " (" + sources.size() + " sources asked); "
                    + "turn it off where it is defined, and reload");
        }
        ConfigSource source = publishers.get(0);
        String description = ConsoleView.describe(source);
        try {
            String answer = source.setDisabled(serviceId, disabled);
            return new ActionResult(action, serviceId, true, answer == null || answer.isBlank()
                    ? description + ": " + (disabled ? "disabled " : "enabled ") + serviceId : answer);
        } catch (UnsupportedOperationException e) {
            return new ActionResult(action, serviceId, false, "refused by " + description + ": " + reason(e));
        } catch (IllegalArgumentException e) {
            return new ActionResult(action, serviceId, false, description + ": " + reason(e));
        } catch (RuntimeException e) {
            return new ActionResult(action, serviceId, false, action + " failed in " + description + ": " + e);
        }
    }

    private static String reason(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
