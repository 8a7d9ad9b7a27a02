package org.superserver.core.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;

/**
 * Adds the bytes of every datagram an in-process datagram service receives and sends to its
 * service's totals ({@link Occupancy}): one atomic add per datagram. Sits first in the pipeline of
 * the service's one socket, so it sees what crosses it.
 */
final class DatagramTraffic extends ChannelDuplexHandler {

    private final Occupancy occupancy;

    DatagramTraffic(Occupancy occupancy) {
        this.occupancy = occupancy;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            occupancy.bytesIn.addAndGet(packet.content().readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof DatagramPacket packet) {
            occupancy.bytesOut.addAndGet(packet.content().readableBytes());
        }
        ctx.write(msg, promise);
    }
}
