package org.superserver.shell.remote.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ClosedChannelException;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: every command line it sends runs in the one Gogo session of the
 * connection (so variables and {@code $_} carry over from line to line, as at the console), and
 * is answered with what the command printed, its result formatted as the Gogo shell prints it,
 * and whether it succeeded ({@link AnswerWriter}). A command reads no input: its standard input
 * is empty. The session ends when the client closes its end, or at a line that is too long.
 */
final class ShellSession {

    private static final Logger LOG = LoggerFactory.getLogger(ShellSession.class);

    private final int number;
    private final String uid;
    private final CommandProcessor processor;
    private final int maxLineBytes;
    private int commands;

    ShellSession(int number, String uid, CommandProcessor processor, int maxLineBytes) {
        this.number = number;
        this.uid = uid;
        this.processor = processor;
        this.maxLineBytes = maxLineBytes;
    }

    /** Serves the connection until the client leaves; logs one line at the end. */
    void serve(InputStream socketIn, OutputStream socketOut) {
        String error = null;
        try {
            AnswerWriter answer = new AnswerWriter(new BufferedOutputStream(socketOut, AnswerWriter.PIECE_BYTES + 2));
            LineReader lines = new LineReader(new BufferedInputStream(socketIn), maxLineBytes);
            answer.ready();
            try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), answer.out(),
                    answer.err())) {
                String line;
                while (true) {
                    try {
                        line = lines.next();
                    } catch (LineReader.TooLongException e) {
                        answer.errPrinter().println(e.getMessage());
                        answer.end(false);
                        error = e.getMessage();
                        break;
                    }
                    if (line == null) {
                        break;
                    }
                    boolean ok = line.isBlank() || execute(session, line, answer);
                    answer.end(ok);
                }
            }
        } catch (ClosedChannelException e) {
            error = "the remote shell was stopped";
        } catch (IOException e) {
            error = e.toString();
        }
        if (error == null) {
            LOG.info("SHELL session={} uid={} commands={}", number, uid, commands);
        } else {
            LOG.info("SHELL session={} uid={} commands={} error={}", number, uid, commands, error);
        }
    }

    /** Runs one line as the Gogo shell's console does: the result is printed unless null; an exception fails. */
    private boolean execute(CommandSession session, String line, AnswerWriter answer) {
        commands++;
        try {
            Object result = session.execute(line);
            session.put("_", result);
            if (result != null && !Boolean.FALSE.equals(session.get(".Gogo.format"))) {
                answer.outPrinter().println(session.format(result, Converter.INSPECT));
            }
            return true;
        } catch (Exception | LinkageError | StackOverflowError e) {
            session.put("exception", e);
            String message = e.getMessage();
            answer.errPrinter().println(e.getClass().getSimpleName() + (message == null ? "" : ": " + message));
            return false;
        }
    }
}
