package org.superserver.builtin.internal;

import java.time.Clock;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.Handler;

/** The daytime service (RFC 867) over TCP and UDP, registered as handler {@code daytime}. */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=daytime")
public final class DaytimeHandler extends SingleAnswerHandler {

    /** Answers with the system clock in the server's local time zone, as inetd does. */
    public DaytimeHandler() {
        this(Clock.systemDefaultZone());
    }

    DaytimeHandler(Clock clock) {
        super(new DaytimeText(clock)::now);
    }
}
