package org.superserver.core.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;
import org.superserver.core.internal.Accounts.Account;

/**
 * Starts exec'd servers on a socket and has them reaped: one per core. Logs one line per child's
 * end, {@code EXIT service=… pid=… from=addr:port status=exit N|signal N duration=…ms}, at INFO,
 * and a failed start as {@code EXEC service=… from=… origin=… error=…} at ERROR.
 */
final class Launcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    private final Reaper reaper = new Reaper();
    private final Account server = Accounts.current();
    private final Map<String, String> serverEnv = System.getenv();

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
        return Program.prepare(definition, server, serverEnv);
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
        int pid;
        try {
            if (program.wrapped()) {
                String problem = program.problem();
                if (problem != null) {
                    throw new Spawner.SpawnException(problem, 2);
                }
            }
            List<String> env = ChildEnvironment.of(program.baseEnv(), definition.env(), definition.socketType(), local,
                    remote, decisionEnv);
            Spawner.blocking(fd);
            pid = Spawner.spawn(fd, program.command().path(), program.command().argv(), env);
        } catch (Spawner.SpawnException e) {
            LOG.error("EXEC service={} protocol={} from={} origin={} error={}", definition.name(),
                    definition.protocol().configName(), from, definition.origin(), e.getMessage());
            throw e;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("START service={} protocol={} pid={} from={} server={} user={}", definition.name(),
                    definition.protocol().configName(), pid, from, definition.server(),
                    program.identity().account().name());
        }
        CompletableFuture<Reaper.Exit> exit = reaper.watch(pid);
        exit.thenAccept(e -> LOG.info("EXIT service={} pid={} from={} status={} duration={}ms", definition.name(), pid,
                from, e.describe(), (e.endNanos() - start) / 1_000_000L));
        return exit;
    }

    /** Stops reaping; children still running are left alone. */
    @Override
    public void close() {
        reaper.close();
    }
}
