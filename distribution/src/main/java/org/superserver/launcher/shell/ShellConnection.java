package org.superserver.launcher.shell;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The client's side of the remote shell's protocol (the superserver-shell-remote bundle's README
 * describes it): each command is sent as one line; the answer is tagged lines, {@code O}/{@code o}
 * for output (with and without a newline), {@code E}/{@code e} for error output, and {@code =OK}
 * or {@code =FAIL} at its end. The server first greets with {@code +...}, or refuses with
 * {@code -REASON}.
 */
final class ShellConnection implements Closeable {

    /** The server is not there, refused us, or broke the protocol: the message says which. */
    static final class Unavailable extends IOException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    private ShellConnection(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel));
    }

    /** Connects and waits for the server's greeting. */
    static ShellConnection open(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        ShellConnection connection = new ShellConnection(channel);
        try {
            byte[] greeting = connection.readLine();
            if (greeting == null) {
                throw new Unavailable("the server at " + socket + " closed the connection without a greeting: it"
                        + " serves only its own user (and root); run this as the user that runs the server");
            }
            String text = new String(greeting, StandardCharsets.UTF_8);
            if (text.startsWith("-")) {
                throw new Unavailable("the server at " + socket + " refused the session: " + text.substring(1));
            }
            if (!text.startsWith("+superserver-shell ")) {
                throw new Unavailable("what answers at " + socket + " is not a Superserver shell (it said '"
                        + text + "')");
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Runs one command line: its output goes to {@code stdout}, its error output to
     * {@code stderr}, as it arrives.
     *
     * @return whether the command succeeded
     */
    boolean run(String command, OutputStream stdout, OutputStream stderr) throws IOException {
        out.write(command.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.flush();
        while (true) {
            byte[] line = readLine();
            if (line == null) {
                throw new Unavailable("the server closed the connection before it answered '" + command + "'");
            }
            if (line.length == 0) {
                throw new Unavailable("the server sent an empty line");
            }
            switch (line[0]) {
                case 'O' -> print(stdout, line, true);
                case 'o' -> print(stdout, line, false);
                case 'E' -> print(stderr, line, true);
                case 'e' -> print(stderr, line, false);
                case '=' -> {
                    stdout.flush();
                    stderr.flush();
                    return "=OK".equals(new String(line, StandardCharsets.UTF_8));
                }
                default -> throw new Unavailable("the server sent a line the protocol does not know: "
                        + new String(line, StandardCharsets.UTF_8));
            }
        }
    }

    private static void print(OutputStream target, byte[] line, boolean newline) throws IOException {
        target.write(line, 1, line.length - 1);
        if (newline) {
            target.write('\n');
        }
    }

    /** One line without its newline, or null at the end of the stream. */
    private byte[] readLine() throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b == -1) {
                return line.size() == 0 ? null : line.toByteArray();
            }
            if (b == '\n') {
                return line.toByteArray();
            }
            line.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
