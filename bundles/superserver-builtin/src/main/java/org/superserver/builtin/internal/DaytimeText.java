package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;

/**
 * The daytime answer (RFC 867) as inetd sends it: the first 24 characters of ctime(3) for the
 * clock's time in the clock's zone (the server's local zone in service), then CR LF.
 */
final class DaytimeText {

    private final Clock clock;
    /** The answer for the second it was made in: every answer within that second is the same. */
    private volatile Answer last = new Answer(Long.MIN_VALUE, new byte[0]);

    private static final class Answer {
        final long second;
        final byte[] line;

        Answer(long second, byte[] line) {
            this.second = second;
            this.line = line;
        }
    }

    DaytimeText(Clock clock) {
        this.clock = clock;
    }

    /** The answer for this moment, in a new buffer from {@code alloc}. */
    ByteBuf now(ByteBufAllocator alloc) {
        byte[] bytes = bytesNow();
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    private byte[] bytesNow() {
        Instant now = clock.instant();
        Answer answer = last;
        if (answer.second != now.getEpochSecond()) {
            String ctime = Ctime.format(ZonedDateTime.ofInstant(now, clock.getZone()));
            answer = new Answer(now.getEpochSecond(),
                    ((ctime.length() > 24 ? ctime.substring(0, 24) : ctime) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            last = answer;
        }
        return answer.line;
    }
}
