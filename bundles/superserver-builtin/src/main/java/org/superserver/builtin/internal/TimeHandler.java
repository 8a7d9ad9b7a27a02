package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ImmediateAnswer;

/** The time service (RFC 868) over TCP and UDP, registered as handler {@code time}. */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=time")
public final class TimeHandler extends TcpAndUdpHandler implements ImmediateAnswer {

    private final Rfc868 time;

    /** Answers with the system clock. */
    public TimeHandler() {
        this(Clock.systemUTC());
    }

    TimeHandler(Clock clock) {
        this(new Rfc868(clock));
    }

    private TimeHandler(Rfc868 time) {
        super(new AnswerOnceStreamHandler(time::now), shared(new AnswerEachDatagramHandler(time::now)));
        this.time = time;
    }

    @Override
    public ByteBuf answer(ByteBufAllocator alloc, ConnectionInfo connection) {
        return time.now(alloc);
    }
}
