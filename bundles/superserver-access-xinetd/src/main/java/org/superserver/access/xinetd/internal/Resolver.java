package org.superserver.access.xinetd.internal;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Name service lookups, blocking; injectable so tests need no DNS. Called only on the policy's
 * lookup threads, never on an event loop.
 */
interface Resolver {

    /**
     * The verified name of an address: its reverse name, when that name's forward lookup gives the
     * address back; {@code null} when there is none.
     */
    String nameOf(InetAddress address) throws Exception;

    /** The addresses a host name maps to; empty or an exception when it has none. */
    List<InetAddress> addressesOf(String name) throws Exception;

    /**
     * The IPv4 network a network name stands for (getnetbyname(3), /etc/networks), as
     * {@code {network, prefix length}}, or {@code null} when the name is none.
     */
    default long[] networkOf(String name) throws Exception {
        return null;
    }

    /**
     * The JVM's resolver (/etc/hosts, then DNS, as nsswitch.conf says). The JDK checks a reverse
     * name against its forward addresses itself and answers the literal address when they disagree.
     */
    Resolver SYSTEM = new Resolver() {
        @Override
        public String nameOf(InetAddress address) throws Exception {
            String name = InetAddress.getByAddress(address.getAddress()).getCanonicalHostName();
            return name == null || name.equals(address.getHostAddress()) || name.indexOf(':') >= 0
                    || AddressParser.inetAton(name) >= 0 ? null : name;
        }

        @Override
        public List<InetAddress> addressesOf(String name) throws Exception {
            return Arrays.asList(InetAddress.getAllByName(name));
        }

        @Override
        public long[] networkOf(String name) throws Exception {
            return NetworkNames.lookUp(java.nio.file.Path.of("/etc/networks"), name);
        }
    };
}
