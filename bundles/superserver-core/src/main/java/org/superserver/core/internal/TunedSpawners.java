package org.superserver.core.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts children with the umask and nice value an access decision asked for, without running
 * any program (an interpreter) for it: each such child is spawned by a thread that carries that
 * umask and nice value itself, and a child inherits both from the thread that spawns it. Linux
 * keeps the nice value per thread ({@code setpriority(PRIO_PROCESS, gettid(), ...)}), and a thread
 * that has called {@code unshare(CLONE_FS)} has a umask of its own.
 *
 * <p>One thread per (umask, nice) pair, at most {@value #MAX_THREADS}; the least recently used
 * one ends when another pair is needed. The caller waits for the spawn (it takes as long as a
 * spawn on the caller's own thread, plus a hand-over). A nice value the server may not set (an
 * ordinary user lowering it) is left as the server's, as tcpd does.
 */
final class TunedSpawners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TunedSpawners.class);

    static final int MAX_THREADS = 8;

    /** Why this spawner thread cannot give its children the tuning, or {@code null}. */
    private static final ThreadLocal<String> BROKEN = new ThreadLocal<>();

    private final Map<Program.Tuning, ExecutorService> threads = new LinkedHashMap<>(16, 0.75f, true);
    private final Spawner.Method method;
    private boolean closed;

    /** Spawns by {@link Spawner#method()}. */
    TunedSpawners() {
        this(null);
    }

    /** Spawns by {@code method}, or by {@link Spawner#method()} when {@code null}. */
    TunedSpawners(Spawner.Method method) {
        this.method = method;
    }

    /** How this spawns: the method given, or {@link Spawner#method()}. */
    Spawner.Method method() {
        return method == null ? Spawner.method() : method;
    }

    /**
     * Spawns as {@link Spawner#spawn(Spawner.Method, int, String, List, List, ChildLimits)} does, on
     * the thread of {@code tuning} (on the calling thread when it asks
     * for nothing).
     */
    int spawn(Program.Tuning tuning, int fd, String path, List<String> argv, List<String> env, ChildLimits nofile)
            throws Spawner.SpawnException {
        if (!tuning.changesProcess()) {
            return Spawner.spawn(method(), fd, path, argv, env, nofile);
        }
        Future<Integer> pid;
        synchronized (this) {
            if (closed) {
                throw new Spawner.SpawnException("the core is stopping");
            }
            ExecutorService thread = threads.get(tuning);
            if (thread == null) {
                if (threads.size() >= MAX_THREADS) {
                    Iterator<ExecutorService> eldest = threads.values().iterator();
                    eldest.next().shutdown();
                    eldest.remove();
                }
                thread = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(() -> {
                        tune(tuning);
                        r.run();
                    }, "superserver-spawn-umask" + (tuning.umask() < 0 ? "-" : Integer.toOctalString(tuning.umask()))
                            + "-nice" + tuning.nice());
                    t.setDaemon(true);
                    return t;
                });
                threads.put(tuning, thread);
            }
            pid = thread.submit(() -> {
                String broken = BROKEN.get();
                if (broken != null) {
                    throw new Spawner.SpawnException(broken);
                }
                return Spawner.spawn(method(), fd, path, argv, env, nofile);
            });
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return pid.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the spawn is under way: wait for its pid, or the child would be lost
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Spawner.SpawnException spawn) {
                        throw spawn;
                    }
                    throw new Spawner.SpawnException("cannot start " + path + ": " + e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Gives the calling (new) thread the umask and nice value of {@code tuning}. */
    private static void tune(Program.Tuning tuning) {
        if (tuning.umask() >= 0) {
            if (Libc.unshare(Libc.CLONE_FS) != 0) {
                BROKEN.set("cannot give a child umask " + Integer.toOctalString(tuning.umask())
                        + ": unshare(CLONE_FS): " + Libc.describe(Libc.errno()));
                return;
            }
            Libc.umask(tuning.umask());
        }
        if (tuning.nice() != 0) {
            Libc.clearErrno();
            int now = Libc.getpriority(Libc.PRIO_PROCESS, 0);
            if (now == -1 && Libc.errno() != 0) {
                BROKEN.set("cannot read the nice value: " + Libc.describe(Libc.errno()));
                return;
            }
            int wanted = Math.max(-20, Math.min(19, now + tuning.nice()));
            if (Libc.setpriority(Libc.PRIO_PROCESS, Libc.gettid(), wanted) != 0) {
                LOG.debug("NICE value={} error={}; children keep {}", wanted, Libc.describe(Libc.errno()), now);
            }
        }
    }

    /** Ends every spawner thread once the spawns already asked for are done. */
    @Override
    public synchronized void close() {
        closed = true;
        threads.values().forEach(ExecutorService::shutdown);
        threads.clear();
    }
}
