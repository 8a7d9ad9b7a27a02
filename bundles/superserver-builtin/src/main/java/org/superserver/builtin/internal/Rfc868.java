package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import java.time.Instant;

/**
 * The time protocol's answer (RFC 868): seconds since 1900-01-01T00:00Z as a 32-bit unsigned
 * number, big-endian. The count wraps to 0 on 2036-02-07T06:28:16Z and goes on from there, as
 * every implementation's does.
 */
final class Rfc868 {

    /** Seconds from 1900-01-01T00:00Z to the Unix epoch, 1970-01-01T00:00Z. */
    static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

    private final Clock clock;

    Rfc868(Clock clock) {
        this.clock = clock;
    }

    /** The 32-bit count for {@code instant}, as an unsigned value in a {@code long}. */
    static long secondsSince1900(Instant instant) {
        return (instant.getEpochSecond() + SECONDS_1900_TO_1970) & 0xFFFF_FFFFL;
    }

    /** The four bytes for this moment, in a new buffer from {@code alloc}. */
    ByteBuf now(ByteBufAllocator alloc) {
        return alloc.buffer(4).writeInt((int) secondsSince1900(clock.instant()));
    }
}
