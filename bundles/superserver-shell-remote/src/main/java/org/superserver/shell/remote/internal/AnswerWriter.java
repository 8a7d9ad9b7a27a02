package org.superserver.shell.remote.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The server's side of the protocol: every line it sends starts with a tag byte.
 *
 * <pre>
 * +superserver-shell 1   ready: send command lines (first line of a served connection)
 * -REASON                refused (e.g. too many sessions); the server closes the connection
 * OTEXT                  a line of the command's output: TEXT, then a newline
 * oTEXT                  output without a newline (the rest of a longer line follows)
 * ETEXT, eTEXT           the same for error output
 * =OK, =FAIL             end of the answer to one command line: it succeeded, or it failed
 * </pre>
 *
 * TEXT is the bytes the command wrote, unchanged (a line is cut into pieces of at most
 * {@value #PIECE_BYTES} bytes); so a client prints O lines with a newline and o lines without.
 * Output and error output are framed as they are written, so a long answer streams in bounded
 * memory. Writes from several threads (the parts of a Gogo pipeline) are serialized here.
 */
final class AnswerWriter {

    static final String GREETING = "+superserver-shell 1";
    static final int PIECE_BYTES = 8192;

    private final OutputStream socket;
    private final FramingStream out = new FramingStream('O', 'o');
    private final FramingStream err = new FramingStream('E', 'e');
    private final PrintStream outPrinter = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream errPrinter = new PrintStream(err, true, StandardCharsets.UTF_8);

    AnswerWriter(OutputStream socket) {
        this.socket = socket;
    }

    void ready() throws IOException {
        line('+', GREETING.substring(1));
    }

    void refuse(String reason) throws IOException {
        line('-', reason);
    }

    /** The command's output, framed. Closing it does nothing. */
    OutputStream out() {
        return out;
    }

    /** The command's error output, framed. Closing it does nothing. */
    OutputStream err() {
        return err;
    }

    PrintStream outPrinter() {
        return outPrinter;
    }

    PrintStream errPrinter() {
        return errPrinter;
    }

    /** Ends the answer to one command line: what is left of an unfinished line, then =OK or =FAIL. */
    synchronized void end(boolean ok) throws IOException {
        outPrinter.flush();
        errPrinter.flush();
        out.finish();
        err.finish();
        line('=', ok ? "OK" : "FAIL");
    }

    private synchronized void line(char tag, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        frame((byte) tag, bytes, 0, bytes.length);
    }

    private synchronized void frame(byte tag, byte[] bytes, int offset, int length) throws IOException {
        socket.write(tag);
        socket.write(bytes, offset, length);
        socket.write('\n');
        socket.flush();
    }

    /** Cuts what is written into O/o (or E/e) lines. */
    private final class FramingStream extends OutputStream {
        private final byte whole;
        private final byte piece;
        private final byte[] pending = new byte[PIECE_BYTES];
        private int count;

        FramingStream(char whole, char piece) {
            this.whole = (byte) whole;
            this.piece = (byte) piece;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (AnswerWriter.this) {
                if (b == '\n') {
                    frame(whole, pending, 0, count);
                    count = 0;
                    return;
                }
                if (count == pending.length) {
                    frame(piece, pending, 0, count);
                    count = 0;
                }
                pending[count++] = (byte) b;
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            synchronized (AnswerWriter.this) {
                for (int i = offset; i < offset + length; i++) {
                    write(bytes[i]);
                }
            }
        }

        void finish() throws IOException {
            if (count > 0) {
                frame(piece, pending, 0, count);
                count = 0;
            }
        }

        @Override
        public void close() {
            // the connection outlives every command
        }
    }
}
