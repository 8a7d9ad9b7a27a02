package org.superserver.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * The character generator's output (RFC 864) as openbsd-inetd sends it: lines of 72 characters
 * plus CR LF, drawn from the 95 printable ASCII characters from space to {@code ~}, line
 * {@code n} starting at the character {@code n mod 95}. After 95 lines the pattern repeats.
 *
 * <p>The pattern is computed once into a direct buffer holding whole cycles, so that a stream can
 * send it over and over with large writes and a datagram line is a slice of it. The buffer is
 * shared by every connection and cannot be released; its memory belongs to the JVM's direct
 * buffer, freed when nothing refers to it any more.
 */
final class ChargenPattern {

    /** The first character of the ring: space. */
    static final char FIRST = ' ';
    /** How many characters the ring holds: space to {@code ~}. */
    static final int RING = 95;
    /** Characters per line, without the line end. */
    static final int LINE_CHARS = 72;
    /** Bytes per line: 72 characters, CR, LF. */
    static final int LINE_BYTES = LINE_CHARS + 2;
    /** Bytes per cycle of 95 lines. */
    static final int CYCLE_BYTES = RING * LINE_BYTES;
    /** Cycles in the shared buffer: 9 cycles, 63,270 bytes, just below 64 KiB. */
    static final int DEFAULT_CYCLES = 9;

    private final ByteBuf cycles;

    private ChargenPattern(ByteBuf cycles) {
        this.cycles = cycles;
    }

    /** The pattern of {@link #DEFAULT_CYCLES} whole cycles. */
    static ChargenPattern create() {
        return create(DEFAULT_CYCLES);
    }

    /** The pattern of {@code cycleCount} whole cycles. */
    static ChargenPattern create(int cycleCount) {
        if (cycleCount < 1) {
            throw new IllegalArgumentException("cycle count " + cycleCount + " is below 1");
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect(cycleCount * CYCLE_BYTES);
        for (int line = 0; line < cycleCount * RING; line++) {
            int start = line % RING;
            for (int i = 0; i < LINE_CHARS; i++) {
                bytes.put((byte) (FIRST + (start + i) % RING));
            }
            bytes.put((byte) '\r').put((byte) '\n');
        }
        bytes.flip();
        return new ChargenPattern(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes)));
    }

    /**
     * A view of all the cycles, with its own indexes: write it as often as needed; it is never
     * released, so writing it costs no reference counting and no copy.
     */
    ByteBuf cycles() {
        return cycles.duplicate();
    }

    /** Line {@code n} (counting from 0) with its CR LF, as a view of the shared buffer. */
    ByteBuf line(long n) {
        return cycles.slice((int) (n % RING) * LINE_BYTES, LINE_BYTES);
    }

    /** How many bytes {@link #cycles()} holds. */
    int size() {
        return cycles.readableBytes();
    }
}
