package org.superserver.core.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaps the children the core started, and only those. Each child gets a pidfd ({@code
 * pidfd_open(2)}, Linux 5.3) registered in one epoll set, so starting a child costs two system
 * calls and no wake-up; the reaper's thread waits on that set and calls {@code waitpid(pid,
 * WNOHANG)} for a child whose pidfd became readable. Registrations are one-shot: a pidfd stays
 * readable after its child is reaped, and a copy of the descriptor table that a concurrent spawn
 * holds for a moment keeps it alive after it is closed, so a level-triggered registration would
 * report it again and again. Where a pidfd cannot be had, that child is
 * checked with {@code waitpid(pid, WNOHANG)} every {@value #TICK_MILLIS} ms instead. It never waits
 * for "any child", so processes the JVM starts by itself (ProcessBuilder) keep their statuses.
 * Closing it takes no more children; those still running are left to run, as inetd leaves them,
 * and are still reaped as they exit: the thread ends with the last of them, so a core that is
 * stopped or replaced leaves no zombie behind.
 */
final class Reaper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

    static final int TICK_MILLIS = 2;

    /** How a child ended: its raw {@code waitpid} status. */
    record Exit(int pid, int status, long endNanos) {

        boolean signalled() {
            return (status & 0x7f) != 0 && (status & 0x7f) != 0x7f;
        }

        /** The exit code, or -1 when killed by a signal. */
        int code() {
            return signalled() ? -1 : (status >> 8) & 0xff;
        }

        int signal() {
            return signalled() ? status & 0x7f : 0;
        }

        /** {@code exit N} or {@code signal N}. */
        String describe() {
            return signalled() ? "signal " + signal() : "exit " + code();
        }
    }

    /** A child being watched: its pidfd, or -1 when it is polled by waitpid alone. */
    private record Child(int pid, int pidfd, CompletableFuture<Exit> exit) {
    }

    /** The epoll data of the wake-up eventfd; a child's is its pid. */
    private static final long WAKE = -1;
    private static final int BATCH = 64;

    private final Map<Integer, Child> children = new HashMap<>();
    private final int epoll;
    private final int wakeup;
    private final Memory registration = new Memory(16);
    private final Thread thread;
    private int polled;
    private boolean closed;
    private boolean ended;

    Reaper() {
        int set = Libc.epoll_create1(Libc.EPOLL_CLOEXEC);
        int event = set < 0 ? -1 : Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (set >= 0 && (event < 0 || !register(set, Libc.EPOLL_CTL_ADD, event, WAKE))) {
            LOG.warn("REAPER cannot wait on pidfds ({}); children are polled every {} ms",
                    Libc.describe(Libc.errno()), TICK_MILLIS);
            closeQuietly(event);
            closeQuietly(set);
            set = -1;
            event = -1;
        }
        epoll = set;
        wakeup = event;
        thread = new Thread(this::run, "superserver-reaper");
        thread.setDaemon(true);
        thread.start();
    }

    /** Completes when the child {@code pid} has ended and been reaped (on the reaper's thread). */
    CompletableFuture<Exit> watch(int pid) {
        CompletableFuture<Exit> exit = new CompletableFuture<>();
        int pidfd = epoll < 0 ? -1 : (int) Libc.syscall(Libc.SYS_PIDFD_OPEN, pid, 0);
        synchronized (children) {
            if (ended) {
                closeQuietly(pidfd);
                LOG.warn("REAPER pid={} started after the reaper ended; it is not reaped here", pid);
                return exit;
            }
            children.put(pid, new Child(pid, pidfd, exit));
            if (pidfd >= 0 && register(epoll, Libc.EPOLL_CTL_ADD, pidfd, pid)) {
                return exit;
            }
            if (pidfd >= 0) {
                closeQuietly(pidfd);
                children.put(pid, new Child(pid, -1, exit));
            }
            polled++;
        }
        wake();
        return exit;
    }

    /** Children started and not yet reaped. */
    int running() {
        synchronized (children) {
            return children.size();
        }
    }

    /**
     * Takes no more children. Returns at once; those still running are reaped as they exit, and
     * the thread ends (closing its descriptors) after the last of them.
     */
    @Override
    public void close() {
        boolean idle;
        synchronized (children) {
            if (closed) {
                return;
            }
            closed = true;
            idle = children.isEmpty();
            if (!idle) {
                LOG.info("REAPER closing with {} child(ren) still running, left to run and reaped as they exit:"
                        + " pids {}", children.size(), children.keySet());
            }
            wake(); // under the lock: the thread closes the eventfd only after it has seen 'closed'
        }
        if (idle) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the reaper's thread has ended (closed, and every child reaped). */
    boolean finished() {
        return !thread.isAlive();
    }

    /**
     * Adds {@code fd} to the epoll set {@code set} or re-arms it ({@code operation}), for one readable
     * event reported with {@code data}; the wake-up eventfd ({@link #WAKE}) stays armed.
     */
    private boolean register(int set, int operation, int fd, long data) {
        synchronized (registration) {
            return Libc.epollControl(registration, set, operation, fd,
                    data == WAKE ? Libc.EPOLLIN : Libc.EPOLLIN | Libc.EPOLLONESHOT, data);
        }
    }

    private void wake() {
        if (wakeup >= 0) {
            byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
            Libc.write(wakeup, one, 8);
        }
    }

    private void run() {
        try {
            reapUntilClosedAndDone();
        } finally {
            closeQuietly(wakeup);
            closeQuietly(epoll);
        }
    }

    private void reapUntilClosedAndDone() {
        IntByReference status = new IntByReference();
        byte[] drain = new byte[8];
        Memory events = new Memory((long) Libc.EPOLL_EVENT_SIZE * BATCH);
        long address = Pointer.nativeValue(events);
        List<Child> ready = new ArrayList<>();
        while (true) {
            boolean polling;
            synchronized (children) {
                if (closed && children.isEmpty()) {
                    ended = true;
                    return;
                }
                polling = polled > 0;
            }
            int count = 0;
            if (epoll < 0) {
                sleep();
            } else {
                count = Libc.epoll_wait(epoll, address, BATCH, polling ? TICK_MILLIS : -1);
                if (count < 0 && Libc.errno() != Libc.EINTR) {
                    LOG.warn("REAPER epoll_wait failed: {}", Libc.describe(Libc.errno()));
                    sleep();
                }
            }
            ready.clear();
            synchronized (children) {
                for (int i = 0; i < count; i++) {
                    long data = events.getLong((long) i * Libc.EPOLL_EVENT_SIZE + Libc.EPOLL_DATA_OFFSET);
                    if (data == WAKE) {
                        Libc.read(wakeup, drain, 8);
                    } else {
                        Child child = children.get((int) data);
                        if (child != null) {
                            ready.add(child);
                        }
                    }
                }
                if (polled > 0) {
                    children.values().stream().filter(c -> c.pidfd() < 0).forEach(ready::add);
                }
            }
            for (Child child : ready) {
                reap(child, status);
            }
        }
    }

    private void reap(Child child, IntByReference status) {
        int rc = Libc.waitpid(child.pid(), status, Libc.WNOHANG);
        Exit exit;
        if (rc == child.pid()) {
            exit = new Exit(child.pid(), status.getValue(), System.nanoTime());
        } else if (rc == -1 && Libc.errno() != Libc.EINTR) {
            LOG.warn("REAPER pid={} waitpid failed: {}", child.pid(), Libc.describe(Libc.errno()));
            exit = new Exit(child.pid(), 0xff << 8, System.nanoTime());
        } else {
            if (child.pidfd() >= 0 && !register(epoll, Libc.EPOLL_CTL_MOD, child.pidfd(), child.pid())) {
                LOG.warn("REAPER pid={} cannot re-arm its pidfd ({}); polling it", child.pid(),
                        Libc.describe(Libc.errno()));
                closeQuietly(child.pidfd());
                synchronized (children) {
                    children.put(child.pid(), new Child(child.pid(), -1, child.exit()));
                    polled++;
                }
            }
            return;
        }
        synchronized (children) {
            children.remove(child.pid());
            if (child.pidfd() < 0) {
                polled--;
            }
        }
        closeQuietly(child.pidfd());
        try {
            child.exit().complete(exit);
        } catch (RuntimeException e) {
            LOG.warn("REAPER pid={} exit handler failed: {}", child.pid(), e.toString());
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(TICK_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            Libc.close(fd);
        }
    }
}
