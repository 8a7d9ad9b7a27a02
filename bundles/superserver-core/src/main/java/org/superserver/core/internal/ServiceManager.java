package org.superserver.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the service manager (systemd's {@code sd_notify} protocol) what the server is doing, when
 * it was started with {@code NOTIFY_SOCKET} (a path, or {@code @} for an abstract name): one
 * datagram of {@code NAME=value} lines per change. Without {@code NOTIFY_SOCKET} nothing is sent.
 * A message that cannot be sent is logged once and dropped; the server never waits for the
 * manager.
 */
final class ServiceManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceManager.class);

    /** The environment variable naming the manager's socket, never given to a child. */
    static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";

    private final String socket;
    private UnixDatagram sender;
    private boolean failed;

    private ServiceManager(String socket) {
        this.socket = socket;
    }

    /** The manager {@code environment} names, or one that sends nothing. */
    static ServiceManager from(Function<String, String> environment) {
        String socket = environment.apply(NOTIFY_SOCKET);
        if (socket != null && !socket.isEmpty() && !socket.startsWith("/") && !socket.startsWith("@")) {
            LOG.warn("NOTIFY error=NOTIFY_SOCKET={} is neither a path nor an abstract name (@...); nothing is sent",
                    socket);
            socket = null;
        }
        return new ServiceManager(socket == null || socket.isEmpty() ? null : socket);
    }

    /** Whether messages are sent. */
    boolean enabled() {
        return socket != null;
    }

    /** The services listen: {@code READY=1} with a status line. */
    void ready(String status) {
        send("READY=1\nSTATUS=" + status + "\n");
    }

    /**
     * A reload starts: {@code RELOADING=1} with the time of {@code CLOCK_MONOTONIC} in microseconds
     * (the JVM's {@link System#nanoTime} on Linux), as systemd's {@code Type=notify-reload} asks.
     */
    void reloading(String status) {
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=" + status + "\n");
    }

    /** The server stops. */
    void stopping() {
        send("STOPPING=1\nSTATUS=stopping\n");
    }

    private synchronized void send(String message) {
        if (socket == null) {
            return;
        }
        try {
            if (sender == null) {
                sender = UnixDatagram.open();
            }
            int errno = sender.send(socket, message.getBytes(StandardCharsets.UTF_8));
            if (errno != 0) {
                throw new IllegalStateException("errno " + errno + " (" + Libc.describe(errno) + ")");
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("NOTIFY socket={} message={}", socket, message.replace('\n', ' ').trim());
            }
        } catch (RuntimeException | LinkageError e) {
            if (!failed) {
                failed = true;
                LOG.warn("NOTIFY socket={} error=cannot tell the service manager ({}): {}", socket,
                        message.substring(0, message.indexOf('\n')), e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (sender != null) {
            sender.close();
            sender = null;
        }
    }
}
