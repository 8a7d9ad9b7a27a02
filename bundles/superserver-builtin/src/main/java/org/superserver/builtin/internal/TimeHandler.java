package org.superserver.builtin.internal;

import java.time.Clock;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.superserver.api.Handler;

/** The time service (RFC 868) over TCP and UDP, registered as handler {@code time}. */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=time")
public final class TimeHandler extends SingleAnswerHandler {

    /** Answers with the system clock. */
    @Activate
    public TimeHandler(@Reference DatagramGuard guard) {
        this(guard, Clock.systemUTC());
    }

    TimeHandler(DatagramGuard guard, Clock clock) {
        super(guard, new Rfc868(clock)::now);
    }
}
