package org.superserver.core.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;
import org.superserver.core.internal.Accounts.Account;

/**
 * Starts exec'd servers on a socket and has them reaped: one per core. Prepares programs with
 * account look-ups through its {@link AccountCache} (never blocking an event loop), starts tuned
 * children on {@link TunedSpawners} threads, and gives every child the {@link ChildLimits} (the open-file
 * limit the server started with, unless the definition sets its own {@code rlimit_files}) and the
 * definition's resource limits that its command line does not set ({@link Program}). Logs one line per child's
 * end, {@code EXIT service=… pid=… from=addr:port status=exit N|signal N duration=…ms}, at INFO,
 * and a failed start as {@code EXEC service=… from=… origin=… error=…} at ERROR.
 */
final class Launcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    private final Reaper reaper = new Reaper();
    private final Account server = Accounts.current();
    private final Map<String, String> serverEnv = System.getenv();
    private final boolean serverHasGroups = Accounts.currentHasSupplementaryGroups();
    private final AccountCache accounts;
    private final TunedSpawners spawners;
    private final ChildLimits limits;
    private final boolean setLimits;

    Launcher() {
        this(ChildLimits.original(), new AccountCache());
    }

    /**
     * @param limits the open-file limits every child gets
     * @param accounts where children's accounts are looked up; closed with this launcher
     */
    Launcher(ChildLimits limits, AccountCache accounts) {
        this(limits, accounts, null);
    }

    /**
     * @param method how children are started, or {@code null} for {@link Spawner#method()}
     */
    Launcher(ChildLimits limits, AccountCache accounts, Spawner.Method method) {
        this.limits = limits;
        this.setLimits = limits.differFrom(ChildLimits.current());
        this.accounts = accounts;
        this.spawners = new TunedSpawners(method);
    }

    /** Told of every child started: the core's connection log (START and EXIT lines) and its table of children. */
    interface Watch {
        void started(ServiceDefinition definition, int pid, InetSocketAddress local, InetSocketAddress remote,
                     CompletableFuture<Reaper.Exit> exit);
    }

    private volatile Watch watch;

    /**
     * Has {@code watcher} told of every child from now on; it then logs the children's ends (without
     * one, this launcher logs an {@code EXIT} line itself).
     */
    void watch(Watch watcher) {
        this.watch = watcher;
    }

    /** The server's own account, which decides whether children switch identity. */
    Account server() {
        return server;
    }

    /**
     * Prepares a definition for spawning.
     *
     * @throws IllegalArgumentException when it must not be served
     */
    Program prepare(ServiceDefinition definition) {
        return Program.prepare(definition, server, serverHasGroups, serverEnv, accounts);
    }

    /**
     * Prepares a definition without blocking the caller on an account look-up: at once when the
     * account cache answers, else on the look-up thread. Completes with a {@link Program#resolved()
     * resolved} program, or fails with an {@link IllegalArgumentException} saying why the service
     * must not be served (a user that does not exist included) or with a rejection when look-ups
     * are backed up.
     */
    CompletableFuture<Program> prepareAsync(ServiceDefinition definition) {
        try {
            return CompletableFuture.completedFuture(resolvedOrThrow(Program.prepare(definition, server, serverHasGroups, serverEnv,
                    accounts.cachedOnly())));
        } catch (AccountCache.NotCached e) {
            return accounts.async(() -> resolvedOrThrow(prepare(definition)));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@code program} as a child of it runs: itself when resolved, or prepared again (account
     * look-ups as in {@link #prepareAsync}) when its user was unknown or an access policy names
     * another {@code user} or {@code group}.
     */
    CompletableFuture<Program> resolve(Program program, String user, String group) {
        if (user == null && group == null && program.resolved()) {
            return CompletableFuture.completedFuture(program);
        }
        ServiceDefinition d = program.definition();
        return prepareAsync(d.toBuilder().user(user == null ? d.user() : user)
                .group(group == null ? d.group() : group).build());
    }

    private static Program resolvedOrThrow(Program program) {
        if (!program.resolved()) {
            throw new IllegalArgumentException(program.unresolved());
        }
        return program;
    }

    /**
     * Starts {@code program} with {@code fd} as its fd 0, 1 and 2. The caller closes its own copy of
     * {@code fd} afterwards.
     *
     * @param local the socket's local address
     * @param remote the client, or {@code null} when none is known
     * @param decisionEnv variables the access policies added
     * @return the child's exit, completed on the reaper thread once it has been reaped
     * @throws Spawner.SpawnException when the child could not be started (already logged)
     */
    CompletableFuture<Reaper.Exit> launch(Program program, int fd, InetSocketAddress local, InetSocketAddress remote,
                                          Map<String, String> decisionEnv) throws Spawner.SpawnException {
        ServiceDefinition definition = program.definition();
        String from = remote == null ? "-" : Addresses.format(remote);
        long start = System.nanoTime();
        // the server's raised open-file limit is not the child's, unless the definition sets its own
        ChildLimits nofile = setLimits && !definition.resourceLimits().containsKey(ResourceLimit.NOFILE) ? limits : null;
        int pid;
        try {
            if (!program.resolved()) {
                // a wait service's thread: it may wait for the look-up
                Program again = prepare(definition);
                if (!again.resolved()) {
                    throw new Spawner.SpawnException(again.unresolved() + "; not started");
                }
                program = again.tuned(program.tuning());
            }
            if (program.wrapped()) {
                String problem = program.problem();
                if (problem != null) {
                    throw new Spawner.SpawnException(problem, 2);
                }
            }
            List<String> env = ChildEnvironment.of(program.baseEnv(), definition.env(), definition.socketType(), local,
                    remote, decisionEnv);
            Spawner.blocking(fd);
            pid = spawners.spawn(program.tuning(), fd, program.command().path(), program.command().argv(), env,
                    nofile);
        } catch (IllegalArgumentException e) {
            LOG.error("EXEC service={} protocol={} from={} origin={} error={}", definition.name(),
                    definition.protocol().configName(), from, definition.origin(), e.getMessage());
            throw new Spawner.SpawnException(e.getMessage());
        } catch (Spawner.SpawnException e) {
            LOG.error("EXEC service={} protocol={} from={} origin={} error={}", definition.name(),
                    definition.protocol().configName(), from, definition.origin(), e.getMessage());
            throw e;
        }
        if (!program.limitsAfterSpawn().isEmpty()) {
            String failed = ChildLimits.applyTo(pid, program.limitsAfterSpawn());
            if (failed != null) {
                LOG.warn("EXEC service={} pid={} error=cannot give the child its resource limits: {}",
                        definition.name(), pid, failed);
            }
        }
        if (nofile != null && spawners.method() != Spawner.Method.CLONE) {
            int errno = limits.applyTo(pid);
            if (errno != 0 && errno != Libc.ESRCH) {
                LOG.warn("EXEC service={} pid={} error=cannot give the child the open-file limit {}: {}",
                        definition.name(), pid, limits, Libc.describe(errno));
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("START service={} protocol={} pid={} from={} server={} user={}", definition.name(),
                    definition.protocol().configName(), pid, from, definition.server(),
                    program.identity().account().name());
        }
        CompletableFuture<Reaper.Exit> exit = reaper.watch(pid);
        Watch w = watch;
        if (w != null) {
            w.started(definition, pid, local, remote, exit);
        } else {
            exit.thenAccept(e -> LOG.info("EXIT service={} pid={} from={} status={} duration={}ms", definition.name(),
                    pid, from, e.describe(), (e.endNanos() - start) / 1_000_000L));
        }
        return exit;
    }

    /** Stops reaping; children still running are left alone. */
    @Override
    public void close() {
        accounts.close();
        spawners.close();
        reaper.close();
    }
}
