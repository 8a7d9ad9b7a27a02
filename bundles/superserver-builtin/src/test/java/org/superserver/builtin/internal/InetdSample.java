package org.superserver.builtin.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The first 14,504 bytes (196 lines: two full cycles and six lines more) that openbsd-inetd's
 * internal chargen sent over TCP on this project's reference machine, captured by connecting to a
 * foreground {@code /usr/sbin/inetd} serving {@code 127.0.0.1:chargen stream tcp nowait root
 * internal} and reading from the first byte.
 */
final class InetdSample {

    static final String RESOURCE = "openbsd-inetd-chargen.bin";

    private InetdSample() {
    }

    static byte[] chargen() {
        try (InputStream in = InetdSample.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the test resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Line {@code n} of the sample, with its CR LF. */
    static byte[] line(byte[] sample, int n) {
        byte[] line = new byte[ChargenPattern.LINE_BYTES];
        System.arraycopy(sample, n * ChargenPattern.LINE_BYTES, line, 0, line.length);
        return line;
    }
}
