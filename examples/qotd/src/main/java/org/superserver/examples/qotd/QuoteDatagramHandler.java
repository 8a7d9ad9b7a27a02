package org.superserver.examples.qotd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Quote of the Day over UDP (RFC 865): each datagram, whatever it holds, is answered with one
 * quote, unless its sender cannot be a real client or the {@link ReplyBudget} is spent. A datagram
 * gets no answer when it comes from a multicast, broadcast or unspecified address, from a
 * privileged port (below 1024: the other small services and the system's daemons live there, and
 * answering them could start an endless exchange), or from this socket's own address and port.
 * A reply that finds the socket not writable is dropped, as UDP allows. Shared by every socket.
 */
@Sharable
final class QuoteDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    /** Ports below this are privileged; a datagram from one gets no answer. */
    static final int FIRST_UNPRIVILEGED_PORT = 1024;

    private final Function<ByteBufAllocator, ByteBuf> quote;
    private final Supplier<ReplyBudget> budget;

    /**
     * @param quote gives a quote for each datagram answered
     * @param budget the budget in force (it changes with the configuration)
     */
    QuoteDatagramHandler(Function<ByteBufAllocator, ByteBuf> quote, Supplier<ReplyBudget> budget) {
        this.quote = quote;
        this.budget = budget;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress sender = packet.sender();
        if (!answers(sender, ctx.channel().localAddress()) || !ctx.channel().isWritable() || !budget.get().take()) {
            return;
        }
        ctx.write(new DatagramPacket(quote.apply(ctx.alloc()), sender), ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    /** Whether a datagram from {@code sender} to a socket bound to {@code local} may be answered. A pure function. */
    static boolean answers(InetSocketAddress sender, SocketAddress local) {
        InetAddress address = sender.getAddress();
        if (address == null || address.isMulticastAddress() || address.isAnyLocalAddress() || isBroadcast(address)) {
            return false;
        }
        if (sender.getPort() < FIRST_UNPRIVILEGED_PORT) {
            return false;
        }
        return !(local instanceof InetSocketAddress && ((InetSocketAddress) local).getPort() == sender.getPort()
                && (((InetSocketAddress) local).getAddress().isAnyLocalAddress()
                        || ((InetSocketAddress) local).getAddress().equals(address)));
    }

    private static boolean isBroadcast(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 && b[0] == (byte) 255 && b[1] == (byte) 255 && b[2] == (byte) 255 && b[3] == (byte) 255;
    }
}
