package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** What every built-in datagram service does alike: whom it answers, and how a reply is queued. */
final class Datagrams {

    /** Ports below this are privileged; a datagram from one is not answered. */
    static final int FIRST_UNPRIVILEGED_PORT = 1024;
    /** NFS, which inetd also refuses to answer. */
    static final int NFS_PORT = 2049;
    /** The well-known UDP ports of the built-ins: echo, discard, daytime, chargen, time. */
    private static final int[] BUILTIN_PORTS = {7, 9, 13, 19, 37};

    private Datagrams() {
    }

    /**
     * Why a datagram from {@code sender} gets no answer, or {@code null} when it may get one. Refused:
     * a broadcast, multicast or unspecified source address ({@link #isGroupOrUnspecified}); a
     * source port that is a built-in's well-known port or the port of one of {@code ownPorts} (the
     * sender may be a small service itself, and answering it could start an endless exchange); a
     * privileged source port and the NFS port, as openbsd-inetd decides. A pure function.
     */
    static Refusal refusal(InetSocketAddress sender, OwnPorts ownPorts) {
        InetAddress address = sender.getAddress();
        if (address == null || isGroupOrUnspecified(address)) {
            return Refusal.GROUP_ADDRESS;
        }
        int port = sender.getPort();
        if (Arrays.binarySearch(BUILTIN_PORTS, port) >= 0) {
            return Refusal.BUILTIN_PORT;
        }
        if (ownPorts.contains(port)) {
            return Refusal.OWN_PORT;
        }
        if (port < FIRST_UNPRIVILEGED_PORT) {
            return Refusal.PRIVILEGED_PORT;
        }
        return port == NFS_PORT ? Refusal.NFS_PORT : null;
    }

    /**
     * Whether {@code address} cannot be the source of a datagram worth answering: IPv4 broadcast
     * 255.255.255.255, multicast 224.0.0.0/4 and "this network" 0.0.0.0/8 (0.0.0.0 included); IPv6
     * multicast ff00::/8 and the unspecified address {@code ::}; and the IPv4-mapped IPv6 forms
     * ({@code ::ffff:a.b.c.d}) of the IPv4 ones. A subnet's directed broadcast address cannot be told
     * from a host's without the interfaces' netmasks, so it is not among them.
     */
    static boolean isGroupOrUnspecified(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        if (bytes.length == 4) {
            int first = bytes[0] & 0xFF;
            return (first & 0xF0) == 0xE0 || first == 0 || every(bytes, (byte) 0xFF);
        }
        return bytes[0] == (byte) 0xFF || every(bytes, (byte) 0);
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }

    private static boolean every(byte[] bytes, byte value) {
        for (byte b : bytes) {
            if (b != value) {
                return false;
            }
        }
        return true;
    }

    /**
     * Queues {@code content} for {@code recipient}, to go out on the next flush. When the channel
     * is not writable the reply is dropped (and released): a datagram service never queues without
     * bound.
     *
     * @return whether the reply was queued
     */
    static boolean reply(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress recipient) {
        if (!ctx.channel().isWritable()) {
            content.release();
            return false;
        }
        ctx.write(new DatagramPacket(content, recipient), ctx.voidPromise());
        return true;
    }
}
