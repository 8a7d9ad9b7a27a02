package org.superserver.access.xinetd.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A client's address as the rules compare it: IPv4 as a 32-bit number, IPv6 as two 64-bit halves.
 * An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is the IPv4 address it maps, so IPv4 rules
 * match it, as in xinetd.
 */
final class Client {

    final InetAddress address;
    final boolean v4;
    /** The IPv4 address, when {@link #v4}. */
    final long v4Address;
    /** The first and last 64 bits of the IPv6 address, when not {@link #v4}. */
    final long high;
    final long low;

    private Client(InetAddress address, boolean v4, long v4Address, long high, long low) {
        this.address = address;
        this.v4 = v4;
        this.v4Address = v4Address;
        this.high = high;
        this.low = low;
    }

    static Client of(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return new Client(address, true, v4(b, 0), 0, 0);
        }
        if (isV4Mapped(b)) {
            long v4 = v4(b, 12);
            return new Client(v4Address(v4), true, v4, 0, 0);
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (b[i] & 0xffL);
            low = (low << 8) | (b[i + 8] & 0xffL);
        }
        return new Client(address, false, 0, high, low);
    }

    static boolean isV4Mapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static long v4(byte[] b, int off) {
        return ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8) | (b[off + 3] & 0xffL);
    }

    static Inet4Address v4Address(long v) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {
                (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress();
    }
}
