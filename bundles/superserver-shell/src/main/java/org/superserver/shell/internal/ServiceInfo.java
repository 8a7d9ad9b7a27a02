package org.superserver.shell.internal;

import java.util.AbstractList;
import java.util.List;
import org.superserver.api.status.ListenerStatus;

/**
 * What {@code inetd:info NAME} returns: the listeners of the definitions named NAME, as a list;
 * printed field by field ({@link StatusFormat#info}), or as the known names when there is none.
 */
public final class ServiceInfo extends AbstractList<ListenerStatus> {

    private final String name;
    private final List<ListenerStatus> all;
    private final List<ListenerStatus> matching;

    ServiceInfo(String name, List<ListenerStatus> all) {
        this.name = name;
        this.all = List.copyOf(all);
        this.matching = all.stream().filter(l -> l.definition().name().equals(name)).sorted(StatusFormat.ORDER)
                .toList();
    }

    /** The name asked for. */
    public String name() {
        return name;
    }

    @Override
    public ListenerStatus get(int index) {
        return matching.get(index);
    }

    @Override
    public int size() {
        return matching.size();
    }

    @Override
    public String toString() {
        return StatusFormat.info(name, all);
    }
}
