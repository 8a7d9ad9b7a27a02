package org.superserver.core.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.superserver.api.ServiceDefinition;

/**
 * The started servers not reaped yet, with the service and client each serves: what a reload asks
 * the access policies about again, and what the state dump lists. An entry leaves when its child
 * is reaped.
 */
final class LiveChildren {

    /**
     * @param id the number the status gives it ({@link ConnectionNumbers})
     * @param remote the client, or {@code null} for a {@code wait} service's server
     */
    record Child(long id, int pid, ServiceDefinition definition, InetSocketAddress local, InetSocketAddress remote,
                 Instant started, CompletableFuture<Reaper.Exit> exit) {
    }

    private final Map<Integer, Child> children = new ConcurrentHashMap<>();
    private final Map<Long, ServiceDefinition> askedUnder = new ConcurrentHashMap<>();

    void add(Child child) {
        children.put(child.pid(), child);
        child.exit().whenComplete((e, error) -> {
            children.remove(child.pid(), child);
            askedUnder.remove(child.id());
        });
    }

    /**
     * Whether the policies of {@code definition} have not yet been asked again about {@code child}
     * (a reload's recheck and a child that registers while it runs may both come to it); records
     * that they now are.
     */
    boolean firstAskUnder(Child child, ServiceDefinition definition) {
        return askedUnder.put(child.id(), definition) != definition;
    }

    /** The running children of service {@code id}. */
    List<Child> of(String id) {
        List<Child> found = new ArrayList<>();
        for (Child child : children.values()) {
            if (child.definition().id().equals(id)) {
                found.add(child);
            }
        }
        return found;
    }

    /** Every running child, oldest first. */
    List<Child> all() {
        List<Child> all = new ArrayList<>(children.values());
        all.sort(Comparator.comparing(Child::started).thenComparingInt(Child::pid));
        return all;
    }

    /** The running child with process id {@code pid}, or {@code null}. */
    Child byPid(int pid) {
        return children.get(pid);
    }

    int size() {
        return children.size();
    }
}
