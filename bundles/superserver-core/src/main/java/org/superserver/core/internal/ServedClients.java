package org.superserver.core.internal;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.LogField;
import org.superserver.api.ServiceDefinition;

/**
 * What happens to a client of an in-process stream service besides its handler: the definition's
 * limits when it is accepted ({@link Admission}, {@link Refusal}), its DENY and FAIL lines when a
 * policy denies it, its START and EXIT lines when it is served ({@link ConnectionLog}). Called by
 * {@link StreamDispatcher} on the connection's event loop; the DENY line also by {@link
 * ExecDispatcher}, and the whole verdict ({@link #allowedBy}) by the threads that serve
 * connections from their bare descriptors ({@link AnswerOnAccept}, {@link HeldStreams}).
 */
final class ServedClients {

    private static final Logger LOG = LoggerFactory.getLogger(ServedClients.class);

    private ServedClients() {
    }

    /**
     * Checks the definition's limits for a new connection: false when it was refused (and is being
     * turned away); otherwise what it holds is given back when it closes.
     */
    static boolean admitted(Binding binding, Channel channel, ServiceDefinition definition) {
        DispatchServices services = binding.services();
        if (services == null) {
            return true;
        }
        Object result = Admission.check(binding, Peers.remote(channel), true, services.load());
        if (result instanceof String reason) {
            Refusal.refuse(channel, binding, definition, reason, services);
            return false;
        }
        Admission.Admitted admitted = (Admission.Admitted) result;
        if (admitted != Admission.FREE) {
            channel.closeFuture().addListener(f -> admitted.release());
        }
        return true;
    }

    /**
     * Acts on the access policies' {@code completed} verdict for a connection served from its bare
     * descriptor {@code fd}, as {@link StreamDispatcher} does for a channel (daytime's answer threads,
     * {@link AnswerOnAccept}, and echo's held threads, {@link HeldStreams}): applies the socket
     * options it asks for; hands the connection to its twist command; or logs and counts a denial.
     * Sends its banners to the client, allowed or denied.
     *
     * @return whether the client is allowed and is to be served now; if not, the caller closes
     *         {@code fd} (a twist command has its own copy)
     */
    static boolean allowedBy(CompletableFuture<PolicyChain.Verdict> completed, Binding binding,
                             Supplier<Launcher> launcher, int fd, ConnectionInfo connection,
                             ServiceDefinition definition) {
        InetSocketAddress remote = connection.remote();
        PolicyChain.Verdict verdict;
        try {
            verdict = completed.join();
        } catch (RuntimeException e) { // not expected: the chain turns a failure into a denial; closed unanswered
            LOG.error("POLICY service={} from={} origin={} error={}, denied", definition.name(),
                    Addresses.format(remote), definition.origin(), e.toString());
            return false;
        }
        if (binding.isHandlerGone()) {
            return false;
        }
        SocketOptions.apply(fd, verdict.tuning(), definition, remote);
        if (verdict.twist() != null) {
            Launcher starter = launcher == null ? null : launcher.get();
            if (starter == null) {
                LOG.error("TWIST service={} from={} origin={} error=no launcher to run the twist command",
                        definition.name(), Addresses.format(remote), definition.origin());
                return false;
            }
            Twist.run(starter, binding, definition, verdict, fd, connection.local(), remote);
            return false;
        }
        if (!verdict.allowed()) {
            ServedClients.deniedBy(verdict, binding, definition, connection);
        }
        if (!verdict.banners().isEmpty()) {
            ExecDispatcher.send(fd, String.join("", verdict.banners()));
        }
        return verdict.allowed();
    }

    /**
     * Logs the DENY line of a client that the access policies' {@code verdict} turns away, then counts
     * and logs it as {@link #denied} does.
     */
    static void deniedBy(PolicyChain.Verdict verdict, Binding binding, ServiceDefinition definition,
                         ConnectionInfo connection) {
        LOG.info("DENY service={} protocol={} from={} reason={} origin={}", definition.name(),
                definition.protocol().configName(), Addresses.format(connection.remote()), verdict.reason(),
                definition.origin());
        denied(binding, definition, connection, verdict.policy());
    }

    /** Counts and logs (FAIL, reason {@code access}) a client an access policy denied. */
    static void denied(Binding binding, ServiceDefinition definition, ConnectionInfo connection, String policy) {
        binding.occupancy().denied(policy);
        DispatchServices services = binding.services();
        if (services != null) {
            services.log().failed(definition, "access", connection.local(), connection.remote());
        }
    }

    /** Logs the START line of a client served in-process, and its EXIT line (with its bytes) once it closes. */
    static void logServed(Channel channel, Binding binding, ServiceDefinition definition,
                                  ConnectionInfo connection) {
        DispatchServices services = binding.services();
        if (services == null || definition.logOnSuccess().isEmpty()) {
            return;
        }
        LiveConnection counted = definition.logOnSuccess().contains(LogField.TRAFFIC) ? LiveConnection.of(channel)
                : null;
        ConnectionLog.Served served = services.log().served(definition, connection.local(), connection.remote(), 0);
        channel.closeFuture().addListener(f -> served.ended(null, counted == null ? -1 : counted.in(),
                counted == null ? -1 : counted.out()));
    }

}
