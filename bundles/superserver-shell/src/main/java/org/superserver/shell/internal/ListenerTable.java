package org.superserver.shell.internal;

import java.util.AbstractList;
import java.util.List;
import org.superserver.api.status.ListenerStatus;

/**
 * What {@code inetd:list} returns: the listeners, sorted by service name, as a list a script can
 * use ({@code (inetd:list) size}); printed as the table of {@link StatusFormat#table}.
 */
public final class ListenerTable extends AbstractList<ListenerStatus> {

    private final List<ListenerStatus> listeners;

    ListenerTable(List<ListenerStatus> listeners) {
        this.listeners = listeners.stream().sorted(StatusFormat.ORDER).toList();
    }

    @Override
    public ListenerStatus get(int index) {
        return listeners.get(index);
    }

    @Override
    public int size() {
        return listeners.size();
    }

    /** The table, as the shell prints it. */
    @Override
    public String toString() {
        return StatusFormat.table(listeners);
    }
}
