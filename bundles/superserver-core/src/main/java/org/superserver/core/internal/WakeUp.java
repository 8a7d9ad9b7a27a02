package org.superserver.core.internal;

/**
 * An {@code eventfd(2)} that a thread waits on beside its sockets ({@code poll(2)} or an epoll set),
 * so that another thread can make it look at its state again. Once closed it is never written:
 * the process may have given its number to another descriptor by then.
 */
final class WakeUp implements AutoCloseable {

    private static final byte[] ONE = {1, 0, 0, 0, 0, 0, 0, 0};

    private final int fd;
    /** Guarded by {@code this}. */
    private boolean closed;

    /** @throws IllegalStateException naming the error when the eventfd cannot be made */
    WakeUp() {
        int made = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        if (made < 0) {
            throw new IllegalStateException("eventfd: " + Libc.describe(Libc.errno()));
        }
        this.fd = made;
    }

    /** The descriptor to wait on (readable once woken, until {@link #drain}ed). */
    int fd() {
        return fd;
    }

    /** Makes the waiting thread's wait return; does nothing once closed. */
    synchronized void wake() {
        if (!closed) {
            Libc.write(fd, ONE, ONE.length);
        }
    }

    /** Makes the descriptor not readable again, after a wake-up (by the waiting thread). */
    void drain() {
        Libc.read(fd, new byte[8], 8);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
