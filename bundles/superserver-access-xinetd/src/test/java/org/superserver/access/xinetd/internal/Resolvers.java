package org.superserver.access.xinetd.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Resolvers for tests: no DNS. */
final class Resolvers {

    /** Knows no name and no address. */
    static final Resolver NONE = new Resolver() {
        @Override
        public String nameOf(InetAddress address) {
            return null;
        }

        @Override
        public List<InetAddress> addressesOf(String name) {
            return List.of();
        }
    };

    private Resolvers() {
    }

    /** A resolver from two tables that may change, counting the lookups. */
    static final class Table implements Resolver {
        final Map<String, String> names = new ConcurrentHashMap<>();
        final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
        final Map<String, long[]> networks = new ConcurrentHashMap<>();
        final AtomicInteger reverse = new AtomicInteger();
        final AtomicInteger forward = new AtomicInteger();

        Table name(String address, String name) {
            names.put(address, name);
            return this;
        }

        Table host(String name, String... literals) throws Exception {
            InetAddress[] a = new InetAddress[literals.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = InetAddress.getByName(literals[i]);
            }
            addresses.put(name, List.of(a));
            return this;
        }

        @Override
        public String nameOf(InetAddress address) {
            reverse.incrementAndGet();
            return names.get(address.getHostAddress());
        }

        @Override
        public List<InetAddress> addressesOf(String name) {
            forward.incrementAndGet();
            return addresses.getOrDefault(name, List.of());
        }

        @Override
        public long[] networkOf(String name) {
            return networks.get(name);
        }
    }
}
