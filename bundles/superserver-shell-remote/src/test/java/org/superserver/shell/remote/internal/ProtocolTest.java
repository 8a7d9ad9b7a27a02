package org.superserver.shell.remote.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

/** The frames of {@link AnswerWriter} and the bounded lines of {@link LineReader}. */
public class ProtocolTest {

    private final ByteArrayOutputStream socket = new ByteArrayOutputStream();
    private final AnswerWriter answer = new AnswerWriter(socket);

    private String sent() {
        return socket.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void outputLinesAreTaggedOAndAnUnfinishedLineIsTaggedLowercaseBeforeTheEnd() throws IOException {
        answer.ready();
        answer.out().write("first\nsecond\nno newline".getBytes(StandardCharsets.UTF_8));
        answer.end(true);
        assertEquals("+superserver-shell 1\nOfirst\nOsecond\nono newline\n=OK\n", sent());
    }

    @Test
    public void errorOutputIsTaggedEAndAFailureEndsWithFail() throws IOException {
        answer.errPrinter().println("CommandNotFoundException: Command not found: nosuch");
        answer.end(false);
        assertEquals("ECommandNotFoundException: Command not found: nosuch\n=FAIL\n", sent());
    }

    @Test
    public void anEmptyLineIsAnEmptyFrame() throws IOException {
        answer.out().write("\n\n".getBytes(StandardCharsets.US_ASCII));
        answer.end(true);
        assertEquals("O\nO\n=OK\n", sent());
    }

    @Test
    public void aLongLineIsCutIntoPiecesThatJoinToTheOriginal() throws IOException {
        String line = "x".repeat(AnswerWriter.PIECE_BYTES * 2 + 5);
        answer.out().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        answer.end(true);
        String[] frames = sent().split("\n");
        assertEquals(4, frames.length);
        assertEquals('o', frames[0].charAt(0));
        assertEquals(AnswerWriter.PIECE_BYTES + 1, frames[0].length());
        assertEquals('o', frames[1].charAt(0));
        assertEquals("O" + "x".repeat(5), frames[2]);
        assertEquals("=OK", frames[3]);
        assertEquals(line, frames[0].substring(1) + frames[1].substring(1) + frames[2].substring(1));
    }

    @Test
    public void bytesPassUnchanged() throws IOException {
        byte[] bytes = {(byte) 0xc3, (byte) 0xa9, '\r', 0x1b, '[', 'm'};
        answer.out().write(bytes);
        answer.end(true);
        byte[] expected = {'o', (byte) 0xc3, (byte) 0xa9, '\r', 0x1b, '[', 'm', '\n', '=', 'O', 'K', '\n'};
        assertEquals(new String(expected, StandardCharsets.ISO_8859_1), socket.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    public void closingTheCommandsStreamsKeepsTheConnection() throws IOException {
        answer.out().close();
        answer.outPrinter().println("after");
        answer.end(true);
        assertEquals("Oafter\n=OK\n", sent());
    }

    @Test
    public void linesAreReadWithoutTheirNewlineOrCarriageReturnAndNullAtTheEnd() throws IOException {
        LineReader lines = reader("inetd:list\r\nx = 1\n\nlast", 64);
        assertEquals("inetd:list", lines.next());
        assertEquals("x = 1", lines.next());
        assertEquals("", lines.next());
        assertEquals("last", lines.next());
        assertNull(lines.next());
    }

    @Test
    public void aLineOfTheLimitWithItsNewlinePassesAndOneByteMoreIsRefused() throws IOException {
        assertEquals("abc", reader("abc\n", 4).next());
        LineReader tooLong = reader("abcd\n", 4);
        IOException refused = assertThrows(LineReader.TooLongException.class, tooLong::next);
        assertEquals("the command line is longer than 4 bytes (property line.max.bytes of org.superserver.shell.remote)",
                refused.getMessage());
    }

    @Test
    public void aLineIsUtf8() throws IOException {
        assertEquals("echo é", reader("echo é\n", 64).next());
    }

    private static LineReader reader(String text, int limit) {
        return new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), limit);
    }
}
