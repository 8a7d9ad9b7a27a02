package org.superserver.shell.remote.internal;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.felix.service.command.CommandProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on a {@link ShellSocket}: a peer that is not the server's user (nor root,
 * if allowed) is logged and closed; beyond the session limit a client is told so and closed;
 * every other connection is a {@link ShellSession} on a thread of its own, ended when the client
 * disconnects or when the server closes.
 */
final class ShellServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ShellServer.class);
    private static final long JOIN_MILLIS = 5_000;

    private final ShellSocket socket;
    private final CommandProcessor processor;
    private final PeerCheck peers;
    private final int maxSessions;
    private final int maxLineBytes;
    private final Semaphore slots;
    private final AtomicInteger numbers = new AtomicInteger();
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    ShellServer(ShellSocket socket, CommandProcessor processor, PeerCheck peers, int maxSessions, int maxLineBytes) {
        this.socket = socket;
        this.processor = processor;
        this.peers = peers;
        this.maxSessions = maxSessions;
        this.maxLineBytes = maxLineBytes;
        this.slots = new Semaphore(maxSessions);
        this.acceptor = new Thread(this::acceptLoop, "superserver-shell-accept");
        this.acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel channel;
            try {
                channel = socket.channel().accept();
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                LOG.warn("SHELL socket={} error={}", socket.path(), e.toString());
                if (!socket.channel().isOpen()) {
                    return;
                }
                continue;
            }
            int number = numbers.incrementAndGet();
            try {
                admit(number, channel);
            } catch (IOException | RuntimeException e) {
                LOG.warn("SHELL session={} error={}", number, e.toString());
                closeQuietly(channel);
            }
        }
    }

    private void admit(int number, SocketChannel channel) throws IOException {
        PeerCheck.Verdict verdict = peers.check(channel);
        if (!verdict.allowed()) {
            LOG.warn("SHELL refused session={} user={} reason=not the server's user (uid {})", number, verdict.who(),
                    socket.uid());
            channel.close();
            return;
        }
        if (!slots.tryAcquire()) {
            LOG.warn("SHELL refused session={} uid={} reason=all {} sessions are in use (sessions.max)", number,
                    verdict.who(), maxSessions);
            new AnswerWriter(new BufferedOutputStream(Channels.newOutputStream(channel)))
                    .refuse("all " + maxSessions + " shell sessions of the server are in use; try again later");
            channel.close();
            return;
        }
        open.add(channel);
        if (closed) {
            // close() has already ended the sessions it saw
            open.remove(channel);
            slots.release();
            channel.close();
            return;
        }
        ShellSession session = new ShellSession(number, verdict.who(), processor, maxLineBytes);
        Thread thread = new Thread(() -> {
            try {
                session.serve(Channels.newInputStream(channel), Channels.newOutputStream(channel));
            } finally {
                closeQuietly(channel);
                open.remove(channel);
                threads.remove(Thread.currentThread());
                slots.release();
            }
        }, "superserver-shell-" + number);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** Stops accepting, removes the socket file, ends every session and waits briefly for their threads. */
    @Override
    public void close() throws IOException {
        closed = true;
        try {
            socket.close();
        } finally {
            for (SocketChannel channel : open) {
                closeQuietly(channel);
            }
            for (Thread thread : threads) {
                thread.interrupt();
            }
            join(acceptor);
            for (Thread thread : threads) {
                join(thread);
            }
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
