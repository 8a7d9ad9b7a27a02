package org.superserver.builtin.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.superserver.api.Handler;

/** The echo service (RFC 862) over TCP and UDP, registered as handler {@code echo}. */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=echo")
public final class EchoHandler extends TcpAndUdpHandler {

    @Activate
    public EchoHandler(@Reference DatagramGuard guard) {
        super(guard, new EchoStreamHandler(), shared(new EchoDatagramHandler(guard)));
    }
}
