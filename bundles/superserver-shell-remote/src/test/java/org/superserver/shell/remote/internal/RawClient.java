package org.superserver.shell.remote.internal;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The protocol spoken by hand, line by line, for tests. */
final class RawClient implements Closeable {

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    RawClient(Path socket) throws IOException {
        channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        out = Channels.newOutputStream(channel);
    }

    /** The next line the server sent, or null at the end of the stream. */
    String line() throws IOException {
        return in.readLine();
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends one command line and returns the answer's lines, its =OK or =FAIL included. */
    List<String> run(String command) throws IOException {
        send(command + "\n");
        List<String> answer = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                answer.add("<end of stream>");
                return answer;
            }
            answer.add(line);
            if (line.startsWith("=")) {
                return answer;
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
