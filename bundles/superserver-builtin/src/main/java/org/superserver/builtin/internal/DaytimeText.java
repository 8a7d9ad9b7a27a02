package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;

/**
 * The daytime answer (RFC 867) as inetd sends it: the first 24 characters of ctime(3) for the
 * clock's time in the clock's zone (the server's local zone in service), then CR LF.
 */
final class DaytimeText {

    private final Clock clock;

    DaytimeText(Clock clock) {
        this.clock = clock;
    }

    /** The answer for this moment. */
    String now() {
        String ctime = Ctime.format(ZonedDateTime.now(clock));
        return (ctime.length() > 24 ? ctime.substring(0, 24) : ctime) + "\r\n";
    }

    /** The answer for this moment, in a new buffer from {@code alloc}. */
    ByteBuf now(ByteBufAllocator alloc) {
        byte[] bytes = now().getBytes(StandardCharsets.US_ASCII);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }
}
