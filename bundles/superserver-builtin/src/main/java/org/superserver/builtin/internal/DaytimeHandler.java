package org.superserver.builtin.internal;

import io.netty.channel.Channel;
import java.time.Clock;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/** The daytime service (RFC 867) over TCP and UDP, registered as handler {@code daytime}. */
@Component(property = Handler.NAME_PROPERTY + "=daytime")
public final class DaytimeHandler implements Handler {

    private final AnswerOnceStreamHandler stream;
    private final DaytimeDatagramHandler datagram;

    /** Answers with the system clock in the server's local time zone, as inetd does. */
    public DaytimeHandler() {
        this(Clock.systemDefaultZone());
    }

    DaytimeHandler(Clock clock) {
        DaytimeText text = new DaytimeText(clock);
        this.stream = new AnswerOnceStreamHandler(text::now);
        this.datagram = new DaytimeDatagramHandler(text);
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
