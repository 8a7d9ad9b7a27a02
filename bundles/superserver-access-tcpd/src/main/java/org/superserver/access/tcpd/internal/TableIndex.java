package org.superserver.access.tcpd.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the first rule of a table that matches a request without trying every rule: per daemon name
 * and local port (memoized), the rules whose daemon list cannot match are dropped, and the rules whose
 * client list looks only at the IPv4 address are answered by hash look-ups. The other rules are tried
 * in order, but only those before the first indexed match, so the result, and every lookup made on the
 * way, is exactly that of trying the rules one by one.
 */
final class TableIndex {

    private static final int MAX_VIEWS = 1024;
    private static final InetSocketAddress NOWHERE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final Rule[] rules;
    private final Map<String, View> views = new ConcurrentHashMap<>();

    TableIndex(List<Rule> rules) {
        this.rules = rules.toArray(new Rule[0]);
    }

    /** The first rule that matches, or {@code null}. */
    Rule firstMatch(Request request) {
        if (rules.length == 0) {
            return null;
        }
        String key = request.daemon + '\0' + request.server.port();
        View view = views.get(key);
        if (view == null) {
            if (views.size() >= MAX_VIEWS) {
                views.clear();
            }
            view = new View(request.daemon, request.server.port());
            views.put(key, view);
        }
        return view.firstMatch(request);
    }

    /** The rules as they apply to one daemon name and local port. */
    private final class View {
        /** Rules to try one by one, in order. */
        private final int[] scan;
        /** The first rule that matches every client (ALL), or MAX_VALUE. */
        private final int allFirst;
        /** Per IPv4 mask: masked address to the first rule matching it. */
        private final long[] masks;
        private final List<Map<Long, Integer>> nets;

        View(String daemon, int port) {
            Request probe = new Request(daemon, new InetSocketAddress(NOWHERE.getAddress(), port), NOWHERE, false,
                    false, 0, null, 0);
            List<Integer> scanned = new ArrayList<>();
            int all = Integer.MAX_VALUE;
            Map<Long, Map<Long, Integer>> byMask = new HashMap<>();
            for (int i = 0; i < rules.length; i++) {
                Rule rule = rules[i];
                if (!rule.daemons.isStatic()) {
                    scanned.add(i);
                    continue;
                }
                if (!rule.daemons.matches(probe)) {
                    continue;
                }
                AddressRanges ranges = rule.clients.ranges();
                if (ranges == null) {
                    scanned.add(i);
                    continue;
                }
                if (ranges.all) {
                    all = Math.min(all, i);
                }
                for (long[] r : ranges.ranges) {
                    byMask.computeIfAbsent(r[0], m -> new HashMap<>()).putIfAbsent(r[1], i);
                }
            }
            this.scan = scanned.stream().mapToInt(Integer::intValue).toArray();
            this.allFirst = all;
            this.masks = new long[byMask.size()];
            this.nets = new ArrayList<>();
            int k = 0;
            for (Map.Entry<Long, Map<Long, Integer>> e : byMask.entrySet()) {
                masks[k++] = e.getKey();
                nets.add(e.getValue());
            }
        }

        Rule firstMatch(Request request) {
            int best = allFirst;
            InetAddress client = request.client.endpoint.getAddress();
            if (client instanceof Inet4Address && masks.length > 0) {
                byte[] b = client.getAddress();
                long a = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
                for (int k = 0; k < masks.length; k++) {
                    Integer i = nets.get(k).get(a & masks[k]);
                    if (i != null && i < best) {
                        best = i;
                    }
                }
            }
            for (int i : scan) {
                if (i > best) {
                    break;
                }
                if (rules[i].matches(request)) {
                    return rules[i];
                }
            }
            return best == Integer.MAX_VALUE ? null : rules[best];
        }
    }
}
