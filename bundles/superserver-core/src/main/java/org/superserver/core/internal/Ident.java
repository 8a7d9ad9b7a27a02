package org.superserver.core.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * RFC 1413 ident queries, for the {@code USERID} log field: asks the client's ident server (port
 * 113 of the client's address, from the address the client connected to) who owns the connection.
 * Asynchronous (the JDK's asynchronous channels; no event loop ever waits) and bounded: at most
 * {@value #TIMEOUT_MILLIS} ms per query (xinetd waits 30 s), at most {@value #MAX_IN_FLIGHT}
 * queries at once, one reply line of at most {@value #MAX_REPLY} bytes. The answer is the user id
 * with anything but printable ASCII replaced, so a client cannot forge log lines; {@code -} when
 * there is none (refused, timed out, an {@code ERROR} reply, too many queries).
 */
final class Ident {

    static final int PORT = 113;
    static final long TIMEOUT_MILLIS = 5_000;
    static final int MAX_IN_FLIGHT = 256;
    static final int MAX_REPLY = 1_000;
    static final int MAX_USERID = 64;
    static final String UNKNOWN = "-";

    private final int port;
    private final long timeoutMillis;
    private final AtomicInteger inFlight = new AtomicInteger();

    Ident() {
        this(PORT, TIMEOUT_MILLIS);
    }

    /** @param port the ident port (113; another in tests) */
    Ident(int port, long timeoutMillis) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Who owns the connection from {@code remote} to {@code local}, as the client's ident server says.
     * Never completes exceptionally.
     */
    CompletableFuture<String> query(InetSocketAddress local, InetSocketAddress remote) {
        if (local == null || remote == null || inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            if (local != null && remote != null) {
                inFlight.decrementAndGet();
            }
            return CompletableFuture.completedFuture(UNKNOWN);
        }
        CompletableFuture<String> result = new CompletableFuture<>();
        AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open();
            channel.bind(new InetSocketAddress(local.getAddress(), 0));
        } catch (IOException | RuntimeException e) {
            inFlight.decrementAndGet();
            return CompletableFuture.completedFuture(UNKNOWN);
        }
        result.completeOnTimeout(UNKNOWN, timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
            inFlight.decrementAndGet();
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed
            }
        });
        byte[] question = (remote.getPort() + " , " + local.getPort() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer reply = ByteBuffer.allocate(MAX_REPLY);
        channel.connect(new InetSocketAddress(remote.getAddress(), port), null, new Step<Void>(result) {
            @Override
            public void completed(Void v, Object a) {
                channel.write(ByteBuffer.wrap(question), null, new Step<Integer>(result) {
                    @Override
                    public void completed(Integer n, Object a) {
                        read(channel, reply, result);
                    }
                });
            }
        });
        return result;
    }

    private void read(AsynchronousSocketChannel channel, ByteBuffer reply, CompletableFuture<String> result) {
        channel.read(reply, null, new Step<Integer>(result) {
            @Override
            public void completed(Integer n, Object a) {
                String text = new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII);
                int end = text.indexOf('\n');
                if (end >= 0 || n < 0 || !reply.hasRemaining()) {
                    result.complete(parse(end >= 0 ? text.substring(0, end) : text));
                } else {
                    read(channel, reply, result);
                }
            }
        });
    }

    /** The user id of a reply line {@code ports : USERID : os : id}, or {@code -}. */
    static String parse(String line) {
        String[] parts = line.split(":", 4);
        if (parts.length < 4 || !parts[1].trim().equalsIgnoreCase("USERID")) {
            return UNKNOWN;
        }
        String id = parts[3].trim();
        if (id.isEmpty()) {
            return UNKNOWN;
        }
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < id.length() && clean.length() < MAX_USERID; i++) {
            char c = id.charAt(i);
            clean.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return clean.toString();
    }

    /** A step that ends the query with {@code -} when it fails. */
    private abstract static class Step<V> implements CompletionHandler<V, Object> {

        private final CompletableFuture<String> result;

        Step(CompletableFuture<String> result) {
            this.result = result;
        }

        @Override
        public void failed(Throwable error, Object attachment) {
            result.complete(UNKNOWN);
        }
    }
}
