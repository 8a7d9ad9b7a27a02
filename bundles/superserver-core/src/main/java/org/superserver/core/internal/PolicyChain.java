package org.superserver.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;

/**
 * Asks the access policies a definition names, in order, until one denies or twists. Fails closed:
 * a policy that is not registered, that throws, that completes exceptionally or that does not
 * answer in time denies the client.
 *
 * <p>After them come the definition's {@code optionalPolicies()}: each is asked, in order, when a
 * policy of that name is registered at that moment, and skipped when none is (xinetd's use of
 * tcpd, which applies only where the tcpd bundle runs). Once asked, an optional policy counts like
 * any other: a denial, a failure or a timeout refuses the client.
 *
 * <p>A decision with a {@code twist} command ends the chain whether it allows or denies, as tcpd
 * replaces itself by the command wherever the option appears: the verdict carries the command, and
 * the server or handler never sees the client.
 */
final class PolicyChain {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyChain.class);

    /**
     * The chain's answer.
     *
     * @param allowed whether every policy allowed
     * @param reason the deciding rule: the denying policy's, or the last allowing one's
     * @param banners text to send the client first: the denying decision's banner, or the banners
     *                of every allowing decision, in order
     * @param env extra environment for an exec'd server: every allowing decision's, later ones winning
     * @param user the user an allowing decision asks the server to run as (the last one), or {@code null}
     * @param group the group an allowing decision asks for (the last one), or {@code null}
     * @param twist the command that replaces the server for this client, or {@code null}; with one,
     *              {@code allowed} is false (the server never sees the client) and banners, env,
     *              user, group and tuning are what the command gets
     * @param tuning what the allowing decisions ask of the client's socket and of a started server
     * @param policy the name of the policy that denied or twisted ({@code timeout} when the chain
     *               ran out of time), or {@code null} when every policy allowed
     */
    record Verdict(boolean allowed, String reason, List<String> banners, Map<String, String> env, String user,
                   String group, String twist, Tuning tuning, String policy) {

        Verdict(boolean allowed, String reason, List<String> banners, Map<String, String> env, String user,
                String group, String twist, Tuning tuning) {
            this(allowed, reason, banners, env, user, group, twist, tuning, null);
        }

        Verdict(boolean allowed, String reason, List<String> banners) {
            this(allowed, reason, banners, Map.of(), null, null, null, Tuning.NONE);
        }

        /** A denial by {@code policy}. */
        static Verdict deniedBy(String policy, String reason, List<String> banners) {
            return new Verdict(false, reason, banners, Map.of(), null, null, null, Tuning.NONE, policy);
        }

        /** Everyone allowed: no policy was asked. */
        static final Verdict OPEN = new Verdict(true, "", List.of());
    }

    /**
     * Socket options for the client's connection and the umask and niceness of a started server,
     * gathered from the allowing decisions: keepalive if any asks, the last linger and umask given,
     * the nice increments added up (as tcpd applies each {@code nice} option in turn).
     *
     * @param lingerSeconds {@code SO_LINGER} seconds, or -1 for the socket's default
     * @param umask the server's umask, or -1 for the superserver's own
     * @param nice added to the server's nice value
     */
    record Tuning(boolean keepAlive, int lingerSeconds, int umask, int nice) {

        static final Tuning NONE = new Tuning(false, -1, -1, 0);

        Tuning and(Decision decision) {
            return new Tuning(keepAlive || decision.keepAlive(),
                    decision.lingerSeconds() >= 0 ? decision.lingerSeconds() : lingerSeconds,
                    decision.umask() >= 0 ? decision.umask() : umask, nice + decision.nice());
        }

        /** Whether the client's socket gets an option set. */
        boolean setsSocketOptions() {
            return keepAlive || lingerSeconds >= 0;
        }

        /** Whether a started server needs its umask or nice value changed. */
        boolean changesProcess() {
            return umask >= 0 || nice != 0;
        }
    }

    /** What the allowing decisions so far have added. */
    private static final class Allowed {
        final List<String> banners = new ArrayList<>();
        final Map<String, String> env = new LinkedHashMap<>();
        String user;
        String group;
        Tuning tuning = Tuning.NONE;

        void add(Decision decision) {
            tuning = tuning.and(decision);
            if (decision.banner() != null) {
                banners.add(decision.banner());
            }
            env.putAll(decision.env());
            if (decision.user() != null) {
                user = decision.user();
            }
            if (decision.group() != null) {
                group = decision.group();
            }
        }
    }

    private final Function<String, AccessPolicy> policies;
    private volatile long timeoutMillis;

    /**
     * @param policies the registered policy of a name, or {@code null}
     * @param timeoutMillis how long the whole chain may take
     */
    PolicyChain(Function<String, AccessPolicy> policies, long timeoutMillis) {
        this.policies = policies;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Runs the chain; every policy is called on {@code executor} (the connection's event loop), and
     * this must be called there too. A chain whose policies all answer at once (a completed stage,
     * as the tcpd policy gives when no lookup is needed) is decided right here: the returned stage
     * is already complete, with no timer and no hand-over between tasks. Otherwise the returned
     * stage completes on {@code executor}, or, once that has stopped taking tasks (the core
     * stopped), on the thread that completes it: it always completes, so that whoever waits for it
     * can close the connection. It never completes exceptionally.
     */
    CompletionStage<Verdict> check(ConnectionInfo connection, ServiceDefinition definition, Executor executor) {
        CompletableFuture<Verdict> result = new CompletableFuture<>();
        step(0, new Allowed(), "", connection, definition, executor, result);
        if (result.isDone()) {
            return result;
        }
        return result.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .exceptionally(e -> timedOut(e, connection, definition))
                .thenApplyAsync(v -> v, orHere(executor));
    }

    /** {@code executor}, or the calling thread once {@code executor} refuses tasks (it has stopped). */
    private static Executor orHere(Executor executor) {
        return task -> {
            try {
                executor.execute(task);
            } catch (RejectedExecutionException stopped) {
                task.run();
            }
        };
    }

    private Verdict timedOut(Throwable e, ConnectionInfo connection, ServiceDefinition definition) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException) {
            LOG.error("POLICY service={} from={} origin={} error=no decision within {} ms, denied",
                    definition.name(), Addresses.format(connection.remote()), definition.origin(), timeoutMillis);
            return Verdict.deniedBy("timeout", "no decision within " + timeoutMillis + " ms", List.of());
        }
        LOG.error("POLICY service={} from={} origin={} error={}, denied",
                definition.name(), Addresses.format(connection.remote()), definition.origin(), cause.toString());
        return Verdict.deniedBy("failed", cause.toString(), List.of());
    }

    private void step(int index, Allowed allowed, String lastReason, ConnectionInfo connection,
                      ServiceDefinition definition, Executor executor, CompletableFuture<Verdict> result) {
        if (result.isDone()) {
            return;
        }
        List<String> names = definition.policies();
        List<String> optional = definition.optionalPolicies();
        AccessPolicy policy = null;
        String name = null;
        while (index >= names.size() && index < names.size() + optional.size()) {
            name = optional.get(index - names.size());
            policy = policies.apply(name);
            if (policy != null) {
                break;
            }
            index++; // not registered here: skipped
        }
        if (index == names.size() + optional.size()) {
            result.complete(new Verdict(true, lastReason, List.copyOf(allowed.banners), Map.copyOf(allowed.env),
                    allowed.user, allowed.group, null, allowed.tuning));
            return;
        }
        if (index < names.size()) {
            name = names.get(index);
            policy = policies.apply(name);
        }
        if (policy == null) {
            LOG.error("POLICY service={} from={} origin={} policy={} error=no access policy of this name is"
                            + " registered, denied", definition.name(), Addresses.format(connection.remote()),
                    definition.origin(), name);
            result.complete(Verdict.deniedBy(name, "access policy " + name + " is not registered", List.of()));
            return;
        }
        int asked = index;
        String askedName = name;
        CompletionStage<Decision> stage;
        try {
            stage = policy.check(connection, definition);
            if (stage == null) {
                throw new IllegalStateException("check returned null instead of a CompletionStage");
            }
        } catch (RuntimeException | LinkageError e) {
            failed(name, e, connection, definition, result);
            return;
        }
        if (stage instanceof CompletableFuture<Decision> done && done.isDone()) {
            Decision decision = null;
            Throwable error = null;
            try {
                decision = done.join();
            } catch (CompletionException | CancellationException e) {
                error = e.getCause() == null ? e : e.getCause();
            }
            decided(asked, askedName, decision, error, allowed, connection, definition, executor, result);
            return;
        }
        stage.whenCompleteAsync((decision, error) -> decided(asked, askedName, decision, error, allowed, connection,
                definition, executor, result), orHere(executor));
    }

    /** Goes on with the chain after policy {@code index} ({@code name}) answered. */
    private void decided(int index, String name, Decision decision, Throwable error, Allowed allowed,
                         ConnectionInfo connection, ServiceDefinition definition, Executor executor,
                         CompletableFuture<Verdict> result) {
        if (error != null || decision == null) {
            failed(name, error == null ? new IllegalStateException("completed with no decision") : error,
                    connection, definition, result);
        } else if (decision.twist() != null) {
            allowed.add(decision);
            result.complete(new Verdict(false, name + ": " + decision.reason(), List.copyOf(allowed.banners),
                    Map.copyOf(allowed.env), allowed.user, allowed.group, decision.twist(), allowed.tuning, name));
        } else if (!decision.isAllowed()) {
            result.complete(Verdict.deniedBy(name, name + ": " + decision.reason(),
                    decision.banner() == null ? List.of() : List.of(decision.banner())));
        } else {
            allowed.add(decision);
            step(index + 1, allowed, name + ": " + decision.reason(), connection, definition, executor, result);
        }
    }

    private static void failed(String name, Throwable error, ConnectionInfo connection, ServiceDefinition definition,
                               CompletableFuture<Verdict> result) {
        LOG.error("POLICY service={} from={} origin={} policy={} error={}, denied", definition.name(),
                Addresses.format(connection.remote()), definition.origin(), name, error.toString());
        result.complete(Verdict.deniedBy(name, "access policy " + name + " failed: " + error, List.of()));
    }

    /** Whether {@code definition} has any policy to ask, required or optional. */
    static boolean guards(ServiceDefinition definition) {
        return !definition.policies().isEmpty() || !definition.optionalPolicies().isEmpty();
    }

    /** Changes how long the whole chain may take, for decisions asked from now on. */
    void timeoutMillis(long value) {
        this.timeoutMillis = value;
    }
}
