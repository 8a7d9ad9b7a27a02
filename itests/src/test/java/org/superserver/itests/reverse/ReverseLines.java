package org.superserver.itests.reverse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;

/** One connection's state: the line read so far; answers each LF-terminated line reversed. */
public final class ReverseLines extends ChannelInboundHandlerAdapter {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        try {
            while (bytes.isReadable()) {
                byte b = bytes.readByte();
                if (b == '\n') {
                    byte[] text = line.toByteArray();
                    line.reset();
                    byte[] reversed = new byte[text.length + 1];
                    for (int i = 0; i < text.length; i++) {
                        reversed[i] = text[text.length - 1 - i];
                    }
                    reversed[text.length] = '\n';
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(reversed));
                } else if (line.size() < 4096) {
                    line.write(b);
                }
            }
        } finally {
            bytes.release();
        }
    }
}
