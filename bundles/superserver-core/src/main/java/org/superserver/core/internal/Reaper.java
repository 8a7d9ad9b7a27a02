package org.superserver.core.internal;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaps the children the core started, and only those. Each child gets a pidfd ({@code
 * pidfd_open(2)}, Linux 5.3); one thread {@code poll(2)}s them all, plus an eventfd that wakes it
 * for a new child or for closing, and calls {@code waitpid(pid, WNOHANG)} for a child whose pidfd
 * became readable. Where a pidfd cannot be had, that child is checked with {@code waitpid(pid,
 * WNOHANG)} every {@value #TICK_MILLIS} ms instead. It never waits for "any child", so processes
 * the JVM starts by itself (ProcessBuilder) keep their statuses. Closing it stops the thread;
 * children still running are left alone, as inetd leaves them.
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

    private final Map<Integer, Child> children = new LinkedHashMap<>();
    private final int wakeup;
    private final Thread thread;
    private boolean closed;

    Reaper() {
        wakeup = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        thread = new Thread(this::run, "superserver-reaper");
        thread.setDaemon(true);
        thread.start();
    }

    /** Completes when the child {@code pid} has ended and been reaped (on the reaper's thread). */
    CompletableFuture<Exit> watch(int pid) {
        CompletableFuture<Exit> exit = new CompletableFuture<>();
        int pidfd = (int) Libc.syscall(Libc.SYS_PIDFD_OPEN, pid, 0);
        synchronized (children) {
            if (closed) {
                closeQuietly(pidfd);
                return exit;
            }
            children.put(pid, new Child(pid, pidfd, exit));
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

    @Override
    public void close() {
        synchronized (children) {
            closed = true;
            if (!children.isEmpty()) {
                LOG.info("REAPER stopped with {} child(ren) still running, left alone: pids {}", children.size(),
                        children.keySet());
            }
        }
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (children) {
            children.values().forEach(c -> closeQuietly(c.pidfd()));
            children.clear();
        }
        closeQuietly(wakeup);
    }

    private void wake() {
        if (wakeup >= 0) {
            byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
            Libc.write(wakeup, one, 8);
        }
    }

    private void run() {
        IntByReference status = new IntByReference();
        byte[] drain = new byte[8];
        Memory fds = new Memory(8L * 64);
        List<Child> watched = new ArrayList<>();
        while (true) {
            boolean polled = false;
            watched.clear();
            synchronized (children) {
                if (closed) {
                    return;
                }
                watched.addAll(children.values());
            }
            if (fds.size() < 8L * (watched.size() + 1)) {
                fds = new Memory(8L * (watched.size() + 1) * 2);
            }
            int n = 0;
            fds.setInt(0, wakeup);
            fds.setShort(4, Libc.POLLIN);
            fds.setShort(6, (short) 0);
            n++;
            for (Child child : watched) {
                if (child.pidfd() < 0) {
                    polled = true;
                    continue;
                }
                fds.setInt(8L * n, child.pidfd());
                fds.setShort(8L * n + 4, Libc.POLLIN);
                fds.setShort(8L * n + 6, (short) 0);
                n++;
            }
            if (wakeup < 0) {
                polled = true;
            }
            int ready = wakeup < 0 ? 0 : Libc.poll(fds, n, polled ? TICK_MILLIS : -1);
            if (wakeup < 0) {
                sleep();
            }
            if (ready > 0 && (fds.getShort(6) & Libc.POLLIN) != 0) {
                Libc.read(wakeup, drain, 8);
            }
            int slot = 1;
            for (Child child : watched) {
                boolean check = child.pidfd() < 0 || wakeup < 0;
                if (!check) {
                    check = ready > 0 && fds.getShort(8L * slot + 6) != 0;
                    slot++;
                }
                if (check) {
                    reap(child, status);
                }
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
            return;
        }
        synchronized (children) {
            children.remove(child.pid());
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
