package org.superserver.core.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lets a built-in's datagram handler, which answers {@link DatagramPacket}s, serve a Unix-domain
 * datagram socket: each client's socket path stands for an address of its own in 127.255.0.0/16
 * with an unprivileged port (so the handler's per-source budget is per client socket), and a
 * reply to that address goes to the path. A datagram from an unbound client (no path to answer)
 * is dropped. At most {@value #CLIENTS} clients are remembered, the least recent forgotten first.
 * One per channel, used on its event loop only.
 */
final class UnixDatagrams extends ChannelDuplexHandler {

    static final int CLIENTS = 4096;
    private static final int FIRST_PORT = 20_000;

    private final Map<String, InetSocketAddress> byPath = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, InetSocketAddress> eldest) {
            if (size() > CLIENTS) {
                byAddress.remove(eldest.getValue());
                return true;
            }
            return false;
        }
    };
    private final Map<InetSocketAddress, String> byAddress = new HashMap<>();
    private int next;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DomainDatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        DomainSocketAddress sender = packet.sender();
        if (sender == null || sender.path() == null || sender.path().isEmpty()) {
            packet.release(); // an unbound client cannot be answered
            return;
        }
        ctx.fireChannelRead(new DatagramPacket(packet.content(), null, standIn(sender.path())));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof DatagramPacket packet) {
            String path = byAddress.get(packet.recipient());
            if (path == null) {
                ReferenceCountUtil.release(msg);
                promise.trySuccess(); // its client was forgotten: dropped, as a reply to a full socket is
                return;
            }
            ctx.write(new DomainDatagramPacket(packet.content(), new DomainSocketAddress(path)), promise);
            return;
        }
        ctx.write(msg, promise);
    }

    private InetSocketAddress standIn(String path) {
        InetSocketAddress known = byPath.get(path);
        if (known != null) {
            return known;
        }
        InetSocketAddress address;
        do {
            int n = next++ & 0x7fffffff;
            address = new InetSocketAddress(loopback(n % 65_536), FIRST_PORT + (n / 65_536) % 40_000);
        } while (byAddress.containsKey(address));
        byPath.put(path, address);
        byAddress.put(address, path);
        return address;
    }

    private static InetAddress loopback(int host) {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) 255, (byte) (host >> 8), (byte) host});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
