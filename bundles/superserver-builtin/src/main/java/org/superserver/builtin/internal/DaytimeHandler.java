package org.superserver.builtin.internal;

import java.time.Clock;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.superserver.api.Handler;

/** The daytime service (RFC 867) over TCP and UDP, registered as handler {@code daytime}. */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=daytime")
public final class DaytimeHandler extends SingleAnswerHandler {

    /** Answers with the system clock in the server's local time zone, as inetd does. */
    @Activate
    public DaytimeHandler(@Reference DatagramGuard guard) {
        this(guard, Clock.systemDefaultZone());
    }

    DaytimeHandler(DatagramGuard guard, Clock clock) {
        super(guard, new DaytimeText(clock)::now);
    }
}
