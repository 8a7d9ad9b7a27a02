package org.superserver.access.tcpd.internal;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The C library's name service, through JNA, as tcpd uses it: {@code getnameinfo} with
 * {@code NI_NAMEREQD} for the reverse lookup alone (the JDK's always adds its own forward check and
 * hides the difference between no name and a false one), and {@code innetgr} for netgroups.
 * Loading this class fails with a {@link LinkageError} where JNA or Linux is missing; callers fall
 * back to {@link Resolver#SYSTEM} and no netgroups. Blocking: called only on lookup threads and the
 * netgroup thread, never on an event loop.
 */
final class NativeNames {

    private static final int NI_NAMEREQD = 8;
    private static final short AF_INET = 2;
    private static final short AF_INET6 = 10;

    static {
        if (!Platform.isLinux()) {
            throw new UnsatisfiedLinkError("the C library's name service is used on Linux only, not "
                    + System.getProperty("os.name"));
        }
        Native.register(NativeNames.class, Platform.C_LIBRARY_NAME);
    }

    private NativeNames() {
    }

    static native int getnameinfo(byte[] sockaddr, int length, byte[] host, int hostLength, Pointer serv,
                                  int servLength, int flags);

    static native int innetgr(String netgroup, String host, String user, String domain);

    /** Loads the library (or throws a {@link LinkageError}). */
    static void load() {
        // the static initializer did the work
    }

    /** Reverse lookup through getnameinfo: the name, or {@code null} when the address has none. */
    static String nameOf(InetAddress address) {
        byte[] sa = sockaddr(address);
        byte[] host = new byte[1025];
        if (getnameinfo(sa, sa.length, host, host.length, null, 0, NI_NAMEREQD) != 0) {
            return null;
        }
        int end = 0;
        while (end < host.length && host[end] != 0) {
            end++;
        }
        return end == 0 ? null : new String(host, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** Serialises innetgr: glibc keeps the netgroup it walks in static state. */
    private static final Object INNETGR = new Object();

    /**
     * Whether {@code host} is a host member of {@code netgroup} (any user, any domain). One call at a
     * time in the whole JVM (innetgr is not thread-safe); blocking, so through {@link Netgroups} only.
     */
    static boolean inNetgroup(String netgroup, String host) {
        synchronized (INNETGR) {
            return innetgr(netgroup, host, null, null) == 1;
        }
    }

    /** Linux's struct sockaddr_in / sockaddr_in6, port 0. */
    static byte[] sockaddr(InetAddress address) {
        byte[] a = address.getAddress();
        boolean v4 = address instanceof Inet4Address;
        ByteBuffer b = ByteBuffer.allocate(v4 ? 16 : 28);
        b.order(ByteOrder.nativeOrder()).putShort(v4 ? AF_INET : AF_INET6);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) 0);
        if (!v4) {
            b.putInt(0);
        }
        b.put(a);
        if (!v4) {
            int scope = address instanceof java.net.Inet6Address ? ((java.net.Inet6Address) address).getScopeId() : 0;
            b.order(ByteOrder.nativeOrder()).putInt(scope);
        }
        return b.array();
    }

    /** A resolver that asks the C library for reverse names and the JDK for forward addresses. */
    static final Resolver RESOLVER = new Resolver() {
        @Override
        public String nameOf(InetAddress address) {
            return NativeNames.nameOf(address);
        }

        @Override
        public List<InetAddress> addressesOf(String name) throws Exception {
            return Arrays.asList(InetAddress.getAllByName(name));
        }
    };
}
