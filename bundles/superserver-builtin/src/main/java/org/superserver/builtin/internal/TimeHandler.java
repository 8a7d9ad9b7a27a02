package org.superserver.builtin.internal;

import io.netty.channel.Channel;
import java.time.Clock;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** The time service (RFC 868) over TCP and UDP, registered as handler {@code time}. */
@Component(property = Handler.NAME_PROPERTY + "=time")
public final class TimeHandler implements Handler {

    private final AnswerOnceStreamHandler stream;
    private final TimeDatagramHandler datagram;

    /** Answers with the system clock. */
    public TimeHandler() {
        this(Clock.systemUTC());
    }

    TimeHandler(Clock clock) {
        Rfc868 time = new Rfc868(clock);
        this.stream = new AnswerOnceStreamHandler(time::now);
        this.datagram = new TimeDatagramHandler(time);
    }

    @Override
    public boolean supports(SocketType socketType) {
        return socketType == SocketType.STREAM || socketType == SocketType.DGRAM;
    }

    @Override
    public void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
        channel.pipeline().addLast(stream);
    }

    @Override
    public void initDatagram(Channel channel, ServiceDefinition definition) {
        channel.pipeline().addLast(datagram);
    }
}
