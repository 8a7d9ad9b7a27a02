package org.superserver.builtin.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.superserver.api.Handler;

/**
 * The character generator (RFC 864) over TCP and UDP, registered as handler {@code chargen}. Every
 * connection shares one precomputed pattern; each bound datagram socket counts its own lines.
 */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=chargen")
public final class ChargenHandler extends TcpAndUdpHandler {

    @Activate
    public ChargenHandler(@Reference DatagramGuard guard) {
        this(guard, ChargenPattern.create());
    }

    private ChargenHandler(DatagramGuard guard, ChargenPattern pattern) {
        super(guard, new ChargenStreamHandler(pattern), () -> new ChargenDatagramHandler(guard, pattern));
    }
}
