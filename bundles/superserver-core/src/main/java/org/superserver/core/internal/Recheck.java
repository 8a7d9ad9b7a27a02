package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ServiceDefinition;

/**
 * What a reload does to the clients a service already serves, as xinetd(8) describes its SIGHUP:
 * <ul>
 * <li>a definition replaced (same id) with other access rules (its {@code policies}, {@code
 *     optionalPolicies} or {@code attributes}): the policies are asked again about every open
 *     in-process connection and every running server that has a client; a client no longer
 *     allowed is ended (its connection closed; its server sent SIGTERM, then SIGKILL after {@value
 *     Terminator#GRACE_MILLIS} ms, see {@link Terminator}) and logged ({@code REVOKE}).
 * <li>a definition whose {@code instances} went down below what it runs: the servers (or
 *     in-process connections) started last are ended until it is within the bound.
 * <li>a definition removed: a service from an xinetd file (its policies name {@code xinetd}) has
 *     its servers killed (SIGKILL, as xinetd's {@code terminate_servers} does for servers it
 *     started) and its in-process connections closed; any other service's clients are left to
 *     finish, as inetd leaves them.
 * </ul>
 */
final class Recheck {

    private static final Logger LOG = LoggerFactory.getLogger(Recheck.class);

    /** The policy name that marks a definition read from an xinetd file. */
    static final String XINETD = "xinetd";

    private Recheck() {
    }

    /** Whether going from {@code before} to {@code after} changes who may connect. */
    static boolean accessChanged(ServiceDefinition before, ServiceDefinition after) {
        return !before.policies().equals(after.policies())
                || !before.optionalPolicies().equals(after.optionalPolicies())
                || !before.attributes().equals(after.attributes());
    }

    /** Whether removing {@code definition} ends its clients (xinetd's behaviour) rather than leaving them. */
    static boolean endsClientsWhenRemoved(ServiceDefinition definition) {
        return definition.policies().contains(XINETD);
    }

    /** Asks the policies of {@code definition} again about each of its clients; ends those denied. */
    static void askAgain(ServiceDefinition definition, ChannelGroup connections, LiveChildren children,
                         PolicyChain chain, ScheduledExecutorService timer, Occupancy occupancy) {
        if (!PolicyChain.guards(definition)) {
            return;
        }
        String id = definition.id();
        for (Channel channel : connections) {
            if (!id.equals(channel.attr(Listeners.SERVICE_ID).get()) || !channel.isActive()) {
                continue;
            }
            Instant accepted = accepted(channel);
            ConnectionInfo info = Peers.info(definition, channel, accepted == null ? Instant.now() : accepted);
            try {
                channel.eventLoop().execute(() -> chain.check(info, definition, channel.eventLoop())
                        .thenAccept(verdict -> {
                            if (!verdict.allowed() && channel.isActive()) {
                                occupancy.revoked.incrementAndGet();
                                LOG.warn("REVOKE service={} protocol={} from={} reason={} origin={} action=closed",
                                        definition.name(), definition.protocol().configName(),
                                        Addresses.format(info.remote()), verdict.reason(), definition.origin());
                                channel.close();
                            }
                        }));
            } catch (RejectedExecutionException stopping) {
                // its event loop is shutting down: the connection goes with it
            }
        }
        for (LiveChildren.Child child : children.of(id)) {
            askAgain(definition, child, children, chain, timer, occupancy);
        }
    }

    /**
     * Asks the policies of {@code definition} again about each connection of it held as a bare
     * descriptor ({@link HeldStreams}); ends those denied.
     */
    static void askAgain(ServiceDefinition definition, List<HeldStreams> held, PolicyChain chain,
                         ScheduledExecutorService timer, Occupancy occupancy) {
        if (!PolicyChain.guards(definition)) {
            return;
        }
        for (HeldStreams streams : held) {
            for (HeldStreams.Open open : streams.open()) {
                if (open.remote() == null) {
                    continue;
                }
                ConnectionInfo info = info(definition, open.local(), open.remote(), open.accepted());
                try {
                    timer.execute(() -> chain.check(info, definition, timer).thenAccept(verdict -> {
                        if (!verdict.allowed() && streams.end(open.id()) != null) {
                            occupancy.revoked.incrementAndGet();
                            LOG.warn("REVOKE service={} protocol={} from={} reason={} origin={} action=closed",
                                    definition.name(), definition.protocol().configName(),
                                    Addresses.format(open.remote()), verdict.reason(), definition.origin());
                        }
                    }));
                } catch (RejectedExecutionException stopping) {
                    return; // the core is stopping
                }
            }
        }
    }

    /**
     * Asks the policies of {@code definition} again about the client of one running server; ends
     * the server if denied. Also for a server that registers while a reload rechecks its service:
     * started under the definition before, it would otherwise escape the new rules.
     */
    static void askAgain(ServiceDefinition definition, LiveChildren.Child child, LiveChildren children,
                         PolicyChain chain, ScheduledExecutorService timer, Occupancy occupancy) {
        // a wait service's server has no client of its own; unguarded or already asked: nothing to do
        if (child.remote() == null || !PolicyChain.guards(definition) || !children.firstAskUnder(child, definition)) {
            return;
        }
        ConnectionInfo info = info(definition, child.local(), child.remote(), child.started());
        try {
            timer.execute(() -> chain.check(info, definition, timer).thenAccept(verdict -> {
                if (!verdict.allowed() && !child.exit().isDone()) {
                    occupancy.revoked.incrementAndGet();
                    LOG.warn("REVOKE service={} protocol={} from={} pid={} reason={} origin={} action=terminated",
                            definition.name(), definition.protocol().configName(),
                            Addresses.format(child.remote()), child.pid(), verdict.reason(), definition.origin());
                    Terminator.terminate(child, Terminator.GRACE_MILLIS, timer, "no longer allowed after a reload");
                }
            }));
        } catch (RejectedExecutionException stopping) {
            // the core is stopping
        }
    }

    /**
     * A definition whose {@code instances} went down below what it runs: as xinetd(8) says of
     * SIGHUP, servers over the new bound are ended (the most recently started first: SIGTERM, then
     * SIGKILL after the grace period), and so are in-process connections over it (the most recently
     * accepted first), after the access checks above.
     */
    static void trimToInstances(ServiceDefinition definition, ChannelGroup connections, List<HeldStreams> held,
                                LiveChildren children, ScheduledExecutorService timer, Occupancy occupancy) {
        int max = definition.instances();
        if (max <= 0) {
            return;
        }
        List<LiveChildren.Child> running = new ArrayList<>();
        for (LiveChildren.Child child : children.of(definition.id())) {
            if (!child.exit().isDone()) {
                running.add(child);
            }
        }
        running.sort(Comparator.comparing(LiveChildren.Child::started).thenComparingInt(LiveChildren.Child::pid));
        for (int i = max; i < running.size(); i++) {
            LiveChildren.Child child = running.get(i);
            occupancy.revoked.incrementAndGet();
            LOG.warn("REVOKE service={} protocol={} from={} pid={} reason=instances lowered to {} origin={}"
                            + " action=terminated", definition.name(), definition.protocol().configName(),
                    child.remote() == null ? "-" : Addresses.format(child.remote()), child.pid(), max,
                    definition.origin());
            Terminator.terminate(child, Terminator.GRACE_MILLIS, timer, "instances lowered to " + max);
        }
        if (!definition.isInternal()) {
            return;
        }
        // the channels and the held connections of the service, oldest first
        record Client(Instant accepted, long id, InetSocketAddress remote, Runnable close) {
        }
        List<Client> open = new ArrayList<>();
        for (Channel channel : connections) {
            if (definition.id().equals(channel.attr(Listeners.SERVICE_ID).get()) && channel.isActive()) {
                Instant accepted = accepted(channel);
                LiveConnection live = LiveConnection.of(channel);
                open.add(new Client(accepted == null ? Instant.EPOCH : accepted, live == null ? 0 : live.id(),
                        Peers.remote(channel), channel::close));
            }
        }
        for (HeldStreams streams : held) {
            for (HeldStreams.Open o : streams.open()) {
                open.add(new Client(o.accepted(), o.id(), o.remote(), () -> streams.end(o.id())));
            }
        }
        open.sort(Comparator.comparing(Client::accepted).thenComparingLong(Client::id));
        for (int i = max; i < open.size(); i++) {
            Client client = open.get(i);
            occupancy.revoked.incrementAndGet();
            LOG.warn("REVOKE service={} protocol={} from={} reason=instances lowered to {} origin={} action=closed",
                    definition.name(), definition.protocol().configName(),
                    Addresses.format(client.remote()), max, definition.origin());
            client.close().run();
        }
    }

    /** Ends every client of a removed xinetd service: connections closed, servers killed. */
    static void endAll(ServiceDefinition definition, ChannelGroup connections, List<HeldStreams> held,
                       LiveChildren children, ScheduledExecutorService timer) {
        String id = definition.id();
        int closed = 0;
        for (Channel channel : connections) {
            if (id.equals(channel.attr(Listeners.SERVICE_ID).get())) {
                channel.close();
                closed++;
            }
        }
        for (HeldStreams streams : held) {
            closed += streams.endAll();
        }
        int killed = 0;
        for (LiveChildren.Child child : children.of(id)) {
            Terminator.terminate(child, 0, timer, "service removed by a reload");
            killed++;
        }
        if (closed > 0 || killed > 0) {
            LOG.info("END service={} protocol={} origin={} closed_connections={} killed_servers={} reason=removed by a"
                            + " reload (xinetd ends a removed service's servers)", definition.name(),
                    definition.protocol().configName(), definition.origin(), closed, killed);
        }
    }

    /** Ends a server of a removed xinetd service that started while the service was being removed. */
    static void endLate(ServiceDefinition definition, LiveChildren.Child child, ScheduledExecutorService timer) {
        Terminator.terminate(child, 0, timer, "service removed by a reload");
        LOG.info("END service={} protocol={} origin={} closed_connections=0 killed_servers=1 pid={} reason=removed by"
                        + " a reload while its server was starting (xinetd ends a removed service's servers)",
                definition.name(), definition.protocol().configName(), definition.origin(), child.pid());
    }

    private static Instant accepted(Channel channel) {
        LiveConnection live = LiveConnection.of(channel);
        return live == null ? null : live.accepted();
    }

    private static ConnectionInfo info(ServiceDefinition definition, InetSocketAddress local, InetSocketAddress remote,
                                       Instant accepted) {
        return Peers.info(definition, local, remote, accepted == null ? Instant.now() : accepted);
    }
}
