package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.DatagramAnswer;
import org.superserver.api.ImmediateAnswer;

/**
 * A built-in whose whole exchange is one answer (daytime, time): sent as a TCP connection opens,
 * then the connection is closed, and sent back to each datagram. Being an {@link ImmediateAnswer}
 * and a {@link DatagramAnswer}, the core may send it from the accepting thread and from its thread
 * for a datagram socket; otherwise the pipeline sends the same answer.
 */
abstract class SingleAnswerHandler extends TcpAndUdpHandler implements ImmediateAnswer, DatagramAnswer {

    /** Where a datagram's answer is made before it is copied out: a small heap buffer, not a direct one per datagram. */
    private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

    private final Function<ByteBufAllocator, ByteBuf> answer;

    /**
     * @param guard the bundle's one guard of datagram replies
     * @param answer makes the answer, fresh for each connection or datagram
     */
    SingleAnswerHandler(DatagramGuard guard, Function<ByteBufAllocator, ByteBuf> answer) {
        super(guard, new AnswerOnceStreamHandler(answer), shared(new AnswerEachDatagramHandler(guard, answer)));
        this.answer = answer;
    }

    @Override
    public final ByteBuf answer(ByteBufAllocator alloc, ConnectionInfo connection) {
        return answer.apply(alloc);
    }

    @Override
    public final boolean answer(ByteBuffer request, InetSocketAddress sender, InetSocketAddress local,
                                ByteBuffer reply) {
        if (!guard().admits(local, sender)) {
            return false;
        }
        ByteBuf made = answer.apply(HEAP);
        try {
            if (!guard().charge(local, sender, request.remaining(), made.readableBytes())) {
                return false;
            }
            reply.put(made.nioBuffer(made.readerIndex(), made.readableBytes()));
            return true;
        } finally {
            made.release();
        }
    }
}
