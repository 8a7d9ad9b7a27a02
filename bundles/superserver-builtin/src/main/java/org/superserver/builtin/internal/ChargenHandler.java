package org.superserver.builtin.internal;

import org.osgi.service.component.annotations.Component;
import org.superserver.api.Handler;

/**
 * The character generator (RFC 864) over TCP and UDP, registered as handler {@code chargen}. Every
 * connection shares one precomputed pattern; each bound datagram socket counts its own lines.
 */
@Component(service = Handler.class, property = Handler.NAME_PROPERTY + "=chargen")
public final class ChargenHandler extends TcpAndUdpHandler {

    public ChargenHandler() {
        this(ChargenPattern.create());
    }

    private ChargenHandler(ChargenPattern pattern) {
        super(new ChargenStreamHandler(pattern), () -> new ChargenDatagramHandler(pattern));
    }
}
