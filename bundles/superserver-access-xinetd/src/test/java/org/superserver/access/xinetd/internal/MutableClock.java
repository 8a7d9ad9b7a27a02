package org.superserver.access.xinetd.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that tests set and move. */
final class MutableClock extends Clock {

    private volatile Instant now;

    MutableClock(String utc) {
        this.now = Instant.parse(utc);
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    void set(String utc) {
        now = Instant.parse(utc);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
        return now;
    }
}
