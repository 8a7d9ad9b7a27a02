package org.superserver.access.tcpd.internal;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Name service lookups, blocking; injectable so tests need no DNS. Called only on the lookup
 * threads of a {@link NameCache}, never on an event loop.
 */
interface Resolver {

    /** The name an address maps to (reverse lookup), or {@code null} when it has none. */
    String nameOf(InetAddress address) throws Exception;

    /** The addresses a name maps to (forward lookup); empty or an exception when it has none. */
    List<InetAddress> addressesOf(String name) throws Exception;

    /**
     * The JVM's resolver (/etc/hosts, then DNS, as nsswitch.conf says). The JDK checks a reverse
     * name against its forward addresses itself and answers the address when they disagree, so
     * through it a host whose name does not map back reads as UNKNOWN rather than PARANOID.
     */
    Resolver SYSTEM = new Resolver() {
        @Override
        public String nameOf(InetAddress address) {
            String literal = address.getHostAddress();
            String name = canonical(address);
            return name == null || name.equals(literal) || name.equals(Request.format(address)) ? null : name;
        }

        @Override
        public List<InetAddress> addressesOf(String name) throws Exception {
            return Arrays.asList(InetAddress.getAllByName(name));
        }

        private String canonical(InetAddress address) {
            try {
                return InetAddress.getByAddress(address.getAddress()).getCanonicalHostName();
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }
    };
}
