package org.superserver.core.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Account look-ups for connections: a short-lived cache of the system's answers and the one thread
 * that asks the system, so that an event loop never waits for {@code getpwnam} (an NSS source
 * such as LDAP may take seconds). An answer is kept {@value #POSITIVE_SECONDS} s when an entry
 * was found and {@value #NEGATIVE_SECONDS} s when none was, so a user added or removed on the
 * host counts within seconds; at most {@value #MAX_ENTRIES} answers are kept.
 *
 * <p>{@link #cachedOnly()} answers from the cache alone and throws {@link NotCached} otherwise: an
 * event loop prepares with it and, on a miss, hands the preparation to {@link #async}.
 */
final class AccountCache implements Accounts.Directory, AutoCloseable {

    static final long POSITIVE_SECONDS = 30;
    static final long NEGATIVE_SECONDS = 5;
    static final int MAX_ENTRIES = 1024;
    /** Preparations waiting for the look-up thread; beyond this a connection is refused. */
    static final int MAX_QUEUED = 256;

    /** Thrown by the {@link #cachedOnly()} view when an answer is not cached (or has expired). */
    static final class NotCached extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotCached() {
            super("not cached", null, false, false);
        }
    }

    private record Answer(Object value, long expiresNanos) {
    }

    private final Accounts.Directory system;
    private final LongSupplier clock;
    private final Map<String, Answer> answers = new LinkedHashMap<>(64, 0.75f, true);
    private final ThreadPoolExecutor thread;
    private volatile boolean closed;

    AccountCache() {
        this(Accounts.SYSTEM, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()} */
    AccountCache(Accounts.Directory system, LongSupplier clock) {
        this.system = system;
        this.clock = clock;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, "superserver-accounts");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Optional<Accounts.Account> user(String name) {
        return lookup("u:" + name, () -> system.user(name), Optional::isPresent, true);
    }

    @Override
    public Optional<Integer> group(String name) {
        return lookup("g:" + name, () -> system.group(name), Optional::isPresent, true);
    }

    @Override
    public List<Integer> groupList(String user, int gid) {
        return lookup("l:" + gid + ":" + user, () -> system.groupList(user, gid), l -> true, true);
    }

    /** A view that answers from the cache only and throws {@link NotCached} on a miss. */
    Accounts.Directory cachedOnly() {
        return new Accounts.Directory() {
            @Override
            public Optional<Accounts.Account> user(String name) {
                return lookup("u:" + name, null, Optional::isPresent, false);
            }

            @Override
            public Optional<Integer> group(String name) {
                return lookup("g:" + name, null, Optional::isPresent, false);
            }

            @Override
            public List<Integer> groupList(String user, int gid) {
                return lookup("l:" + gid + ":" + user, null, l -> true, false);
            }
        };
    }

    /**
     * Runs {@code work} (which may look accounts up through this cache) on the look-up thread.
     * Fails with {@link RejectedExecutionException} when too many are waiting or the cache is closed.
     */
    <T> CompletableFuture<T> async(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                if (closed) {
                    result.completeExceptionally(new RejectedExecutionException("the core is stopping"));
                    return;
                }
                try {
                    result.complete(work.get());
                } catch (RuntimeException | LinkageError e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new RejectedExecutionException(
                    "account look-ups are backed up (" + MAX_QUEUED + " waiting) or stopped"));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private <T> T lookup(String key, Supplier<T> ask, java.util.function.Predicate<T> found, boolean mayAsk) {
        long now = clock.getAsLong();
        synchronized (answers) {
            Answer cached = answers.get(key);
            if (cached != null && cached.expiresNanos - now > 0) {
                return (T) cached.value;
            }
        }
        if (!mayAsk) {
            throw new NotCached();
        }
        T value = ask.get();
        long ttl = TimeUnit.SECONDS.toNanos(found.test(value) ? POSITIVE_SECONDS : NEGATIVE_SECONDS);
        synchronized (answers) {
            answers.put(key, new Answer(value, clock.getAsLong() + ttl));
            if (answers.size() > MAX_ENTRIES) {
                answers.remove(answers.keySet().iterator().next());
            }
        }
        return value;
    }

    /** Stops the look-up thread; preparations still waiting fail (their connections are closed). */
    @Override
    public void close() {
        closed = true;
        thread.shutdown();
    }
}
