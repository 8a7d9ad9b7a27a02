package org.superserver.examples.qotd;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.Test;
import org.superserver.api.Diagnostic;

public class QuotesTest {

    private static Quotes.Parsed parse(String text) {
        return Quotes.parse("/etc/quotes", text.getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(Quotes quotes, int index) {
        return new String(quotes.get(index), StandardCharsets.UTF_8);
    }

    private static List<String> problems(Quotes.Parsed parsed) {
        return parsed.problems().stream().map(Diagnostic::toString).collect(Collectors.toList());
    }

    @Test
    public void quotesAreSeparatedByPercentLinesAndSentWithCrLfLineEnds() {
        Quotes.Parsed parsed = parse("First line\nsecond line\n%\n\nAnother.\n\n%\nLast.\n");
        assertEquals(List.of(), problems(parsed));
        assertEquals(3, parsed.quotes().size());
        assertEquals("First line\r\nsecond line\r\n", quote(parsed.quotes(), 0));
        assertEquals("blank lines around a quote are left out", "Another.\r\n", quote(parsed.quotes(), 1));
        assertEquals("Last.\r\n", quote(parsed.quotes(), 2));
    }

    @Test
    public void aQuoteOfMoreThan511BytesIsReportedWithTheLineItStartsOnAndLeftOut() {
        String longQuote = "x".repeat(510);  // 512 bytes with CR LF
        Quotes.Parsed parsed = parse("Short.\n%\n" + longQuote + "\n%\n" + "y".repeat(509) + "\n");
        assertEquals(List.of("/etc/quotes:3: error: quote: is 512 bytes with CR LF line ends;"
                + " RFC 865 allows under 512 (at most 511); left out"), problems(parsed));
        assertEquals("the short quote and the one of exactly 511 bytes are kept", 2, parsed.quotes().size());
        assertEquals(511, parsed.quotes().get(1).length);
    }

    @Test
    public void aQuoteWithAControlCharacterIsReportedAndLeftOut() {
        Quotes.Parsed parsed = parse("Fine.\n%\nring \u0007 the bell\n");
        assertEquals(List.of("/etc/quotes:3: error: quote: holds the control character U+0007;"
                + " only printable text may be sent; left out"), problems(parsed));
        assertEquals(1, parsed.quotes().size());
    }

    @Test
    public void aFileWithoutAnyUsableQuoteGivesNoQuotesAndSaysWhy() {
        Quotes.Parsed parsed = parse("\n%\n\n%\n");
        assertNull(parsed.quotes());
        assertEquals(List.of("/etc/quotes: error: holds no usable quote"), problems(parsed));
    }

    @Test
    public void textThatIsNotUtf8IsRefusedAsAWhole() {
        Quotes.Parsed parsed = Quotes.parse("/etc/quotes", new byte[] {'a', (byte) 0xC3, '\n'});
        assertNull(parsed.quotes());
        assertEquals(List.of("/etc/quotes: error: is not UTF-8 text; not read"), problems(parsed));
    }

    @Test
    public void aFileLargerThanOneMebibyteIsNotRead() {
        Quotes.Parsed parsed = Quotes.parse("/etc/quotes", new byte[Quotes.MAX_FILE_BYTES + 1]);
        assertNull(parsed.quotes());
        assertEquals(List.of("/etc/quotes: error: is larger than 1048576 bytes; not read"), problems(parsed));
    }

    @Test
    public void theBuiltInQuotesAreValidAndEachFitsTheRfcBound() {
        Quotes builtIn = Quotes.builtIn();
        assertTrue("several built-in quotes", builtIn.size() > 3);
        for (int i = 0; i < builtIn.size(); i++) {
            byte[] q = builtIn.get(i);
            assertTrue("quote " + i + " is at most 511 bytes", q.length <= Quotes.MAX_QUOTE_BYTES);
            assertTrue("quote " + i + " ends its last line with CR LF", quote(builtIn, i).endsWith("\r\n"));
        }
    }
}
