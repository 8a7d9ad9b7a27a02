package org.superserver.builtin.internal;

import org.osgi.service.component.annotations.Component;
import org.superserver.api.Handler;

/** The discard service (RFC 863) over TCP and UDP, registered as handler {@code discard}. */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=discard")
public final class DiscardHandler extends TcpAndUdpHandler {

    public DiscardHandler() {
        super(new DiscardStreamHandler(), shared(new DiscardDatagramHandler()));
    }
}
