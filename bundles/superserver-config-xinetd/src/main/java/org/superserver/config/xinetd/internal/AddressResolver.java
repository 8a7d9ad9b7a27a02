package org.superserver.config.xinetd.internal;

import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name from an xinetd.conf {@code bind} or {@code interface} attribute into literal
 * addresses, as xinetd does with getaddrinfo(3). The parser itself never resolves: it is
 * given a resolver, so that tests (and callers that forbid lookups) stay pure.
 */
@FunctionalInterface
interface AddressResolver {

    /** Accepts literal addresses only: every host name is reported as not resolvable. */
    AddressResolver LITERAL_ONLY = host -> {
        throw new UnknownHostException("host names are not resolved here; write a literal address");
    };

    /**
     * The literal addresses (IPv4 dotted quads, IPv6 without brackets) of {@code host}.
     *
     * @throws UnknownHostException when the name has no address
     */
    List<String> resolve(String host) throws UnknownHostException;
}
