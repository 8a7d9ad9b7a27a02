package org.superserver.examples.qotd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.superserver.api.Diagnostic;

/**
 * A list of quotes, each held as the bytes sent on the wire: its lines ended by CR LF, UTF-8, at
 * most {@value #MAX_QUOTE_BYTES} bytes (RFC 865: "the quote ... should be limited to ASCII
 * printing characters, space, carriage return, and line feed" and "less than 512 characters").
 * Read from text in fortune(6) format: quotes separated by lines holding only {@code %}.
 * Immutable; never empty.
 */
final class Quotes {

    /** The longest quote sent, in bytes with its CR LF line ends. */
    static final int MAX_QUOTE_BYTES = 511;
    /** The largest quotes file read; a larger one is refused as a whole. */
    static final int MAX_FILE_BYTES = 1 << 20;
    /** The list inside the bundle, used when no file is configured. */
    static final String BUILT_IN = "default-quotes.txt";

    private final List<byte[]> quotes;

    private Quotes(List<byte[]> quotes) {
        this.quotes = List.copyOf(quotes);
    }

    /** What reading one text found: the quotes, or none, and every problem with file and line. */
    record Parsed(Quotes quotes, List<Diagnostic> problems) {
        Parsed {
            problems = List.copyOf(problems);
        }
    }

    /** The list that ships inside the bundle. */
    static Quotes builtIn() {
        try (InputStream in = Quotes.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the bundle");
            }
            Parsed parsed = parse(BUILT_IN, in.readNBytes(MAX_FILE_BYTES + 1));
            if (parsed.quotes() == null || !parsed.problems().isEmpty()) {
                throw new IllegalStateException("the built-in quotes are not valid: " + parsed.problems());
            }
            return parsed.quotes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads quotes in fortune(6) format. A quote that is too long or holds a control character is
     * reported with the line it starts on and left out; the others are kept.
     *
     * @param file what to call the text in problems
     * @param bytes the whole text, UTF-8
     * @return the quotes, or {@code null} quotes when none is usable (then {@code problems} says why)
     */
    static Parsed parse(String file, byte[] bytes) {
        List<Diagnostic> problems = new ArrayList<>();
        if (bytes.length > MAX_FILE_BYTES) {
            problems.add(Diagnostic.error(file, 0, null, "is larger than " + MAX_FILE_BYTES + " bytes; not read"));
            return new Parsed(null, problems);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            problems.add(Diagnostic.error(file, 0, null, "is not UTF-8 text; not read"));
            return new Parsed(null, problems);
        }
        List<byte[]> quotes = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        StringBuilder quote = new StringBuilder();
        int start = 0;
        for (int i = 0; i <= lines.length; i++) {
            boolean end = i == lines.length || lines[i].equals("%");
            if (end) {
                if (start > 0) {
                    add(file, start, quote, quotes, problems);
                }
                quote.setLength(0);
                start = 0;
                continue;
            }
            if (start == 0 && lines[i].isBlank()) {
                continue;  // blank lines before a quote are not part of it
            }
            if (start == 0) {
                start = i + 1;
            }
            quote.append(lines[i]).append("\r\n");
        }
        if (quotes.isEmpty()) {
            problems.add(Diagnostic.error(file, 0, null, "holds no usable quote"));
            return new Parsed(null, problems);
        }
        return new Parsed(new Quotes(quotes), problems);
    }

    private static void add(String file, int line, StringBuilder quote, List<byte[]> quotes,
                            List<Diagnostic> problems) {
        String text = quote.toString();
        while (text.endsWith("\r\n\r\n")) {  // blank lines after a quote are not part of it either
            text = text.substring(0, text.length() - 2);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\r' && c != '\n' && c != '\t') {
                problems.add(Diagnostic.error(file, line, "quote", String.format(
                        "holds the control character U+%04X; only printable text may be sent; left out", (int) c)));
                return;
            }
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_QUOTE_BYTES) {
            problems.add(Diagnostic.error(file, line, "quote", "is " + bytes.length + " bytes with CR LF line ends;"
                    + " RFC 865 allows under 512 (at most " + MAX_QUOTE_BYTES + "); left out"));
            return;
        }
        quotes.add(bytes);
    }

    /** How many quotes the list holds (at least one). */
    int size() {
        return quotes.size();
    }

    /** Quote {@code index} as sent on the wire (a copy). */
    byte[] get(int index) {
        return quotes.get(index).clone();
    }

    /** A quote picked by {@code random}, as sent on the wire (the caller must not change it). */
    byte[] pick(Random random) {
        return quotes.get(random.nextInt(quotes.size()));
    }
}
