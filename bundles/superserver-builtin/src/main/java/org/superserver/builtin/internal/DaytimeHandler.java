package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ImmediateAnswer;

/** The daytime service (RFC 867) over TCP and UDP, registered as handler {@code daytime}. */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=daytime")
public final class DaytimeHandler extends TcpAndUdpHandler implements ImmediateAnswer {

    private final DaytimeText text;

    /** Answers with the system clock in the server's local time zone, as inetd does. */
    public DaytimeHandler() {
        this(Clock.systemDefaultZone());
    }

    DaytimeHandler(Clock clock) {
        this(new DaytimeText(clock));
    }

    private DaytimeHandler(DaytimeText text) {
        super(new AnswerOnceStreamHandler(text::now), shared(new AnswerEachDatagramHandler(text::now)));
        this.text = text;
    }

    @Override
    public ByteBuf answer(ByteBufAllocator alloc, ConnectionInfo connection) {
        return text.now(alloc);
    }
}
