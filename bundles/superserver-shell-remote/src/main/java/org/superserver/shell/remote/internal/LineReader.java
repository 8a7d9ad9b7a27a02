package org.superserver.shell.remote.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads the client's command lines (UTF-8, ending in a newline), each at most a given number of bytes. */
final class LineReader {

    /** A line longer than the limit: the session ends, since the rest of the stream is not trusted. */
    static final class TooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLongException(int limit) {
            super("the command line is longer than " + limit + " bytes (property line.max.bytes of "
                    + RemoteShell.PID + ")");
        }
    }

    private final InputStream in;
    private final byte[] line;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.line = new byte[maxBytes];
    }

    /** The next line without its newline (and a CR before it), or null at the end of the stream. */
    String next() throws IOException {
        int count = 0;
        while (true) {
            int b = in.read();
            if (b == -1) {
                return count == 0 ? null : text(count);
            }
            if (count == line.length) {
                throw new TooLongException(line.length);
            }
            if (b == '\n') {
                return text(count);
            }
            line[count++] = (byte) b;
        }
    }

    private String text(int count) {
        int end = count > 0 && line[count - 1] == '\r' ? count - 1 : count;
        return new String(line, 0, end, StandardCharsets.UTF_8);
    }
}
