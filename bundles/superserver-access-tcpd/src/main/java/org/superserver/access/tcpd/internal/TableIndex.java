package org.superserver.access.tcpd.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds the first rule of a table that matches a request without trying every rule, with exactly the
 * result, and exactly the lookups on the way, of trying the rules one by one.
 *
 * <p>Built with the table (when the files are read), per rule: a daemon list without
 * {@code daemon@host} depends only on the daemon name and the local port; a client list whose
 * patterns before EXCEPT are address patterns ({@link AddressRanges}) can match, or make a lookup,
 * only for a client in those ranges. Such rules are filed by network in one hash table per IPv4 mask
 * and per IPv6 prefix length; the rules whose client list holds ALL and is otherwise such a list,
 * without EXCEPT or {@code user@} (so it matches every client), are kept apart; every
 * other rule (a name, {@code KNOWN}, a netgroup, a {@code /file}, {@code ALL EXCEPT ...},
 * {@code daemon@host}) is to be tried in order.
 *
 * <p>Per daemon name and local port, a view (made on first use, or when the files are read again for
 * the daemons and ports already seen) keeps what applies: which daemon lists match, the first
 * {@code ALL} rule, the rules to try in order, the hash tables that hold any rule for it. A decision
 * looks the client's address up in the tables of its family (an IPv4 client never sees an IPv6 rule,
 * nor the reverse): a rule that matches exactly there (no EXCEPT, no {@code user@}) bounds the search;
 * the other rules found there, and the rules to try in order, are tried in file order before that
 * bound, the daemon list again only for {@code daemon@host}.
 */
final class TableIndex {

    private static final int MAX_VIEWS = 1024;
    private static final InetSocketAddress NOWHERE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final Rule[] rules;
    /** Per rule: the id of its daemon list among the distinct ones without daemon@host, or -1. */
    private final int[] daemonList;
    /** The distinct daemon lists without daemon@host, by id. */
    private final PatternList[] daemonLists;
    /** Per rule: whether a client in its ranges is a match (else the rule must be tried). */
    private final boolean[] exact;
    /** The rules whose whole client list is exact and holds ALL, in order. */
    private final int[] matchAll;
    /** The rules that may match any client, or look at more than its address, in order. */
    private final int[] unindexed;
    private final AddressTable[] tables4;
    private final AddressTable[] tables6;
    /** Views by daemon name, then by local port. */
    private final Map<String, View[]> views = new ConcurrentHashMap<>();
    private final AtomicInteger viewCount = new AtomicInteger();

    TableIndex(List<Rule> rules) {
        this.rules = rules.toArray(new Rule[0]);
        int n = this.rules.length;
        daemonList = new int[n];
        exact = new boolean[n];
        Map<String, Integer> ids = new HashMap<>();
        List<PatternList> lists = new ArrayList<>();
        IntList all = new IntList();
        IntList scan = new IntList();
        Map<Long, AddressTable.Builder> byMask = new HashMap<>();
        Map<Integer, AddressTable.Builder> byPrefix = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            Rule rule = this.rules[i];
            if (!rule.daemons.isStatic()) {
                daemonList[i] = -1;
                scan.add(i);
                continue;
            }
            Integer known = ids.get(rule.daemons.text());
            int id = known != null ? known : lists.size();
            if (known == null) {
                ids.put(rule.daemons.text(), id);
                lists.add(rule.daemons);
            }
            daemonList[i] = id;
            AddressRanges ranges = rule.clients.ranges();
            if (ranges == null) {
                scan.add(i);
                continue;
            }
            exact[i] = ranges.exact;
            if (ranges.all) {
                all.add(i);
                continue;
            }
            for (long[] r : ranges.ranges) {
                byMask.computeIfAbsent(r[0], m -> new AddressTable.Builder(0, m)).add(0, r[1], i, id);
            }
            for (long[] r : ranges.ranges6) {
                int len = (int) r[0];
                byPrefix.computeIfAbsent(len, l -> new AddressTable.Builder(AddressRanges.highMask(l),
                        AddressRanges.lowMask(l))).add(r[1], r[2], i, id);
            }
        }
        daemonLists = lists.toArray(new PatternList[0]);
        matchAll = all.toArray();
        unindexed = scan.toArray();
        tables4 = byMask.values().stream().map(AddressTable.Builder::build).toArray(AddressTable[]::new);
        tables6 = byPrefix.values().stream().map(AddressTable.Builder::build).toArray(AddressTable[]::new);
    }

    /** The first rule that matches, or {@code null}; a view made for it is kept. */
    Rule firstMatch(Request request) {
        return firstMatch(request, true);
    }

    /**
     * The first rule that matches, or {@code null}. With {@code keep} false a view not made yet is made
     * for this decision only and not kept (nor made again when the files are read): for requests that
     * are not connections, such as the shell's, whose daemon names must not crowd out the views in use.
     */
    Rule firstMatch(Request request, boolean keep) {
        if (rules.length == 0) {
            return null;
        }
        String daemon = request.daemon;
        int port = request.server.port();
        View v = keep ? view(daemon, port) : known(daemon, port);
        return (v != null ? v : new View(daemon, port)).firstMatch(request);
    }

    /**
     * Makes the views that {@code previous} (the index of the same table as read before) had made, so
     * that the first decision after the files are read again does not make them.
     */
    void prepareLike(TableIndex previous) {
        if (rules.length == 0) {
            return;
        }
        for (Map.Entry<String, View[]> e : previous.views.entrySet()) {
            for (View v : e.getValue()) {
                view(e.getKey(), v.port);
            }
        }
    }

    /** Whether the view for a daemon name and local port is made. */
    boolean hasView(String daemon, int port) {
        return known(daemon, port) != null;
    }

    /** The rules that a decision for a daemon name and local port tries one by one, in order. */
    List<Rule> triedInOrder(String daemon, int port) {
        if (rules.length == 0) {
            return List.of();
        }
        List<Rule> out = new ArrayList<>();
        for (int i : view(daemon, port).scan) {
            out.add(rules[i]);
        }
        return out;
    }

    /** The view made for a daemon name and local port, or {@code null}. */
    private View known(String daemon, int port) {
        View[] known = views.get(daemon);
        if (known != null) {
            for (View v : known) {
                if (v.port == port) {
                    return v;
                }
            }
        }
        return null;
    }

    private View view(String daemon, int port) {
        View found = known(daemon, port);
        if (found != null) {
            return found;
        }
        View made = new View(daemon, port);
        if (viewCount.incrementAndGet() > MAX_VIEWS) {
            views.clear();
            viewCount.set(1);
        }
        views.merge(daemon, new View[] {made}, (old, added) -> {
            for (View v : old) {
                if (v.port == port) {
                    return old;
                }
            }
            View[] more = Arrays.copyOf(old, old.length + 1);
            more[old.length] = made;
            return more;
        });
        return made;
    }

    /** The rules as they apply to one daemon name and local port. */
    private final class View {
        final int port;
        /** Per daemon list id: whether it matches this daemon and port. */
        private final boolean[] applies;
        /** The first rule that matches every client (ALL), or MAX_VALUE. */
        private final int allFirst;
        /** Rules to try in order, and whether each needs its daemon list tried too (daemon@host). */
        private final int[] scan;
        private final boolean[] scanWhole;
        /** The hash tables that hold a rule for this daemon and port. */
        private final AddressTable[] v4;
        private final AddressTable[] v6;

        View(String daemon, int port) {
            this.port = port;
            Request probe = new Request(daemon, new InetSocketAddress(NOWHERE.getAddress(), port), NOWHERE, false,
                    false, 0, null, 0);
            applies = new boolean[daemonLists.length];
            for (int k = 0; k < daemonLists.length; k++) {
                applies[k] = daemonLists[k].matches(probe);
            }
            int first = Integer.MAX_VALUE;
            for (int i : matchAll) {
                if (applies[daemonList[i]]) {
                    first = i;
                    break;
                }
            }
            allFirst = first;
            IntList tried = new IntList();
            List<Boolean> whole = new ArrayList<>();
            for (int i : unindexed) {
                if (i > allFirst) {
                    break;
                }
                if (daemonList[i] < 0 || applies[daemonList[i]]) {
                    tried.add(i);
                    whole.add(daemonList[i] < 0);
                }
            }
            scan = tried.toArray();
            scanWhole = new boolean[scan.length];
            for (int k = 0; k < scan.length; k++) {
                scanWhole[k] = whole.get(k);
            }
            v4 = relevant(tables4);
            v6 = relevant(tables6);
        }

        private AddressTable[] relevant(AddressTable[] tables) {
            List<AddressTable> out = new ArrayList<>();
            for (AddressTable t : tables) {
                for (int id : t.daemonLists) {
                    if (applies[id]) {
                        out.add(t);
                        break;
                    }
                }
            }
            return out.toArray(new AddressTable[0]);
        }

        Rule firstMatch(Request request) {
            int best = allFirst;
            int[] found = null;
            int n = 0;
            Request.Host client = request.client;
            int family = client.family();
            AddressTable[] tables = family == 4 ? v4 : family == 6 ? v6 : null;
            if (tables != null) {
                long high = client.high();
                long low = client.low();
                for (AddressTable t : tables) {
                    int slot = t.find(high & t.highMask, low & t.lowMask);
                    if (slot < 0) {
                        continue;
                    }
                    for (int k = t.from(slot), end = t.to(slot); k < end; k++) {
                        int i = t.rule(k);
                        if (i >= best) {
                            break;
                        }
                        if (!applies[daemonList[i]]) {
                            continue;
                        }
                        if (exact[i]) {
                            best = i;
                            break;
                        }
                        if (found == null) {
                            found = new int[4];
                        } else if (n == found.length) {
                            found = Arrays.copyOf(found, n * 2);
                        }
                        found[n++] = i;
                    }
                }
            }
            if (n > 1) {
                Arrays.sort(found, 0, n);
            }
            // The rules to try, in file order, before the best exact match.
            int s = 0;
            int c = 0;
            while (true) {
                int nextScan = s < scan.length ? scan[s] : Integer.MAX_VALUE;
                int nextFound = c < n ? found[c] : Integer.MAX_VALUE;
                int i = Math.min(nextScan, nextFound);
                if (i >= best) {
                    break;
                }
                boolean whole = false;
                if (i == nextScan) {
                    whole = scanWhole[s];
                    s++;
                }
                while (c < n && found[c] == i) {
                    c++;
                }
                Rule rule = rules[i];
                if (whole ? rule.matches(request) : rule.clients.matches(request)) {
                    return rule;
                }
            }
            return best == Integer.MAX_VALUE ? null : rules[best];
        }
    }

    /** A growing list of ints. */
    private static final class IntList {
        private int[] values = new int[16];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
