package org.superserver.shell.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.PolicyInspector;

/** Picks the inspector of one policy among the registered ones, as the service registry ranks them. */
final class Inspectors {

    private static final String RANKING = "service.ranking";
    private static final String ID = "service.id";

    private Inspectors() {
    }

    /**
     * The inspector registered with {@code superserver.policy=name}: of several, the one with the
     * highest {@code service.ranking}, then the lowest {@code service.id}; {@code null} when none is.
     */
    static PolicyInspector named(String name, List<Map.Entry<Map<String, Object>, PolicyInspector>> inspectors) {
        Map.Entry<Map<String, Object>, PolicyInspector> best = null;
        for (Map.Entry<Map<String, Object>, PolicyInspector> e : inspectors == null
                ? List.<Map.Entry<Map<String, Object>, PolicyInspector>>of() : inspectors) {
            if (!names(e.getKey().get(AccessPolicy.NAME_PROPERTY), name)) {
                continue;
            }
            if (best == null || better(e.getKey(), best.getKey())) {
                best = e;
            }
        }
        return best == null ? null : best.getValue();
    }

    /** A service property names the policy as a string, an array of strings or a collection. */
    private static boolean names(Object value, String name) {
        if (value instanceof String) {
            return value.equals(name);
        }
        if (value instanceof String[]) {
            return List.of((String[]) value).contains(name);
        }
        return value instanceof Collection<?> && ((Collection<?>) value).contains(name);
    }

    private static boolean better(Map<String, Object> a, Map<String, Object> b) {
        int ra = ranking(a);
        int rb = ranking(b);
        if (ra != rb) {
            return ra > rb;
        }
        return id(a) < id(b);
    }

    private static int ranking(Map<String, Object> properties) {
        Object r = properties.get(RANKING);
        return r instanceof Integer ? (Integer) r : 0;
    }

    private static long id(Map<String, Object> properties) {
        Object id = properties.get(ID);
        return id instanceof Number ? ((Number) id).longValue() : Long.MAX_VALUE;
    }
}
