package org.superserver.builtin.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.superserver.api.Handler;

/** The discard service (RFC 863) over TCP and UDP, registered as handler {@code discard}. */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=discard")
public final class DiscardHandler extends TcpAndUdpHandler {

    @Activate
    public DiscardHandler(@Reference DatagramGuard guard) {
        super(guard, new DiscardStreamHandler(), shared(new DiscardDatagramHandler()));
    }
}
