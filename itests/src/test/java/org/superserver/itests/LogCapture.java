package org.superserver.itests;

import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The lines the server logs while a test runs. Inside the framework SLF4J logs through slf4j-simple,
 * which prints each event as one line on whatever {@code System.err} is at that moment; this puts a
 * tee there (everything still reaches the test's output) and keeps the lines until {@link #close()}.
 */
final class LogCapture implements AutoCloseable {

    private final PrintStream original;
    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    private LogCapture(PrintStream original) {
        this.original = original;
    }

    static LogCapture start() {
        LogCapture capture = new LogCapture(System.err);
        System.setErr(new PrintStream(capture.tee(), true, StandardCharsets.UTF_8));
        return capture;
    }

    private OutputStream tee() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                record(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                record(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
    }

    private synchronized void record(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                lines.add(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
            } else {
                partial.write(b[i]);
            }
        }
        notifyAll();
    }

    /** The lines logged so far that satisfy {@code condition}. */
    synchronized List<String> lines(Predicate<String> condition) {
        return lines.stream().filter(condition).collect(Collectors.toList());
    }

    /** The lines logged so far that contain every one of {@code parts}. */
    List<String> linesWith(String... parts) {
        return lines(line -> containsAll(line, parts));
    }

    /** Waits until a line containing every one of {@code parts} is logged; returns the first. */
    String await(Duration timeout, String... parts) throws InterruptedException {
        return await(timeout, 1, parts).get(0);
    }

    /** Waits until {@code count} lines containing every one of {@code parts} are logged; returns them. */
    List<String> await(Duration timeout, int count, String... parts) throws InterruptedException {
        return await(timeout, count, "containing " + List.of(parts), line -> containsAll(line, parts));
    }

    /** Waits until {@code count} lines satisfying {@code condition} ({@code what}) are logged; returns them. */
    synchronized List<String> await(Duration timeout, int count, String what, Predicate<String> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> found = lines(condition);
            if (found.size() >= count) {
                return found;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("the server did not log " + count + " line(s) " + what + " within " + timeout + "; found "
                        + found.size() + ": " + found);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private static boolean containsAll(String line, String... parts) {
        for (String part : parts) {
            if (!line.contains(part)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
