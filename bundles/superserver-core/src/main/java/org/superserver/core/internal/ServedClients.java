package org.superserver.core.internal;

import io.netty.channel.Channel;
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
 * ExecDispatcher} and {@link AnswerOnAccept}.
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
