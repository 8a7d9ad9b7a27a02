package org.superserver.shell.internal;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.Diagnostic;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServiceStats;

/**
 * Prints what the {@code inetd} commands return: a table ({@link ListenerTable}, {@link
 * ConnectionTable}, {@link StatsTable}, {@link CheckReport}, {@link ServiceInfo}) in full when the
 * shell shows a result ({@link Converter#INSPECT}), its rows one per line inside other output
 * ({@link Converter#LINE}, {@link Converter#PART}). Gogo asks every Converter service; this one
 * answers only for these types, and converts nothing (the commands take strings and numbers).
 */
@Component(service = Converter.class)
public final class ShellConverter implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        return format(target, level);
    }

    /** The text of {@code target} at {@code level}, or {@code null} when it is not one of ours. */
    static CharSequence format(Object target, int level) {
        if (target instanceof ListenerTable || target instanceof ConnectionTable || target instanceof StatsTable
                || target instanceof CheckReport || target instanceof ServiceInfo) {
            return level == INSPECT ? target.toString() : null; // inline: Gogo lists the rows, each as a PART
        }
        if (target instanceof ListenerStatus l) {
            return level == INSPECT ? StatusFormat.info(l.definition().name(), java.util.List.of(l)) : l.toString();
        }
        if (target instanceof ConnectionStatus c) {
            return level == PART ? "#" + c.id() : ConnectionTable.line(c);
        }
        if (target instanceof ServiceStats s) {
            return level == PART ? s.service() : StatsTable.line(s);
        }
        if (target instanceof Diagnostic d) {
            return d.toString();
        }
        return null;
    }
}
