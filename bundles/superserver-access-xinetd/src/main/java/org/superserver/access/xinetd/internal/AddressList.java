package org.superserver.access.xinetd.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * One {@code only_from} or {@code no_access} list, read once and indexed: its addresses and
 * networks in an {@link AddressIndex}, its host names in {@link HostNames}, its {@code .domain}s in
 * a set of suffixes. Whether a client's address is in the list costs a few hash look-ups whatever
 * its length; a {@code .domain} needs the client's name, which the caller looks up first.
 */
final class AddressList {

    private final AddressIndex literal;
    private final HostNames hosts;
    private final Set<String> domains;
    /** What was wrong with entries, one line each ({@code entry: reason}). */
    final List<String> problems;
    final int entries;

    private AddressList(AddressIndex literal, HostNames hosts, Set<String> domains, List<String> problems,
                        int entries) {
        this.literal = literal;
        this.hosts = hosts;
        this.domains = domains;
        this.problems = List.copyOf(problems);
        this.entries = entries;
    }

    /**
     * Reads a list; host names are not resolved yet ({@link #resolveHosts()}).
     *
     * @param where the service and attribute, for log lines
     */
    static AddressList parse(List<String> tokens, String where, Resolver resolver, long refreshMillis,
                             LongSupplier nanoClock) {
        AddressIndex.Builder index = new AddressIndex.Builder();
        List<String> names = new ArrayList<>();
        Set<String> domains = new HashSet<>();
        List<String> problems = new ArrayList<>();
        AddressParser.Sink sink = new AddressParser.Sink() {
            @Override
            public void network4(long address, int length) {
                index.v4(address, length);
            }

            @Override
            public void network6(long high, long low, int length) {
                index.v6(high, low, length);
            }

            @Override
            public void host(String name) {
                names.add(name);
            }

            @Override
            public void domain(String suffix) {
                domains.add(suffix);
            }
        };
        for (String t : tokens) {
            String problem = AddressParser.parse(t, sink);
            if (problem != null) {
                problems.add(t + ": " + problem + "; the entry matches nobody");
            }
        }
        HostNames hosts = names.isEmpty() ? null : new HostNames(names, where, resolver, refreshMillis, nanoClock);
        return new AddressList(index.build(), hosts, Set.copyOf(domains), problems, tokens.size());
    }

    /** Resolves the host names now (blocks: a lookup thread only). */
    void resolveHosts() {
        if (hosts != null) {
            hosts.resolve();
        }
    }

    /** Whether the client's address is one of the list's addresses, networks or host names' addresses. */
    boolean matchesAddress(Client c, Executor refresher) {
        return literal.matches(c) || (hosts != null && hosts.current(refresher).matches(c));
    }

    /** Whether the list has {@code .domain} entries, which need the client's name. */
    boolean hasDomains() {
        return !domains.isEmpty();
    }

    /** Whether a client name (lower case, no trailing dot) is in one of the list's domains. */
    boolean matchesName(String name) {
        if (name == null || name.isEmpty() || domains.isEmpty()) {
            return false;
        }
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            if (domains.contains(name.substring(dot))) {
                return true;
            }
        }
        return false;
    }

    /** The host names of the list. */
    List<String> hostNames() {
        return hosts == null ? List.of() : hosts.names;
    }

    @Override
    public String toString() {
        return entries + " entries (" + literal.size() + " networks, " + hostNames().size() + " host names, "
                + domains.size() + " domains)";
    }
}
