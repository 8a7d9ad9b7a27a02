package org.superserver.core.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ServiceDefinition;

/**
 * The first handler of a bound datagram socket: counts datagrams and, when the definition names
 * access policies, lets a datagram through to the handler only when its sender is allowed.
 *
 * <p>Bounded: a verdict is remembered per sender for {@value #VERDICT_TTL_MILLIS} ms, for at most
 * {@value #MAX_VERDICTS} senders; while a sender's verdict is pending, one datagram of it is held
 * and later ones are dropped, for at most {@value #MAX_PENDING} senders at a time. Runs on the
 * socket's event loop only.
 *
 * <p>A datagram over the definition's {@code cps} or {@code max_load} is dropped and logged (FAIL,
 * within the per-service budget of {@link ConnectionLog}).
 */
final class DatagramDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(DatagramDispatcher.class);

    static final long VERDICT_TTL_MILLIS = 10_000;
    static final int MAX_VERDICTS = 1024;
    static final int MAX_PENDING = 64;

    private record Remembered(boolean allowed, long expiresNanos) {
    }

    private final Binding binding;
    private final PolicyChain policies;
    private final Map<InetSocketAddress, DatagramPacket> pending = new HashMap<>();
    private final Map<InetSocketAddress, Remembered> verdicts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Remembered> eldest) {
            return size() > MAX_VERDICTS;
        }
    };
    private ServiceDefinition verdictsFor;

    DatagramDispatcher(Binding binding, PolicyChain policies) {
        this.binding = binding;
        this.policies = policies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket)) {
            ctx.fireChannelRead(msg);
            return;
        }
        binding.countAccepted();
        DatagramPacket packet = (DatagramPacket) msg;
        if (!binding.admit()) {
            packet.release();
            return;
        }
        ServiceDefinition definition = binding.definition();
        String refusal = refusal(definition);
        if (refusal != null) {
            binding.occupancy().refused(refusal);
            binding.services().log().failed(definition, refusal, (InetSocketAddress) ctx.channel().localAddress(),
                    packet.sender());
            packet.release();
            return;
        }
        if (!PolicyChain.guards(definition)) {
            ctx.fireChannelRead(packet);
            return;
        }
        if (verdictsFor != definition) {
            verdicts.clear();
            verdictsFor = definition;
        }
        InetSocketAddress sender = packet.sender();
        Remembered known = verdicts.get(sender);
        if (known != null && known.expiresNanos - System.nanoTime() > 0) {
            if (known.allowed) {
                ctx.fireChannelRead(packet);
            } else {
                packet.release();
            }
            return;
        }
        if (pending.containsKey(sender) || pending.size() >= MAX_PENDING) {
            packet.release();
            return;
        }
        pending.put(sender, packet);
        ConnectionInfo connection = Peers.info(definition, (InetSocketAddress) ctx.channel().localAddress(), sender,
                Instant.now());
        policies.check(connection, definition, ctx.executor()).thenAccept(verdict -> {
            DatagramPacket held = pending.remove(sender);
            if (verdictsFor == definition) {
                verdicts.put(sender, new Remembered(verdict.allowed(),
                        System.nanoTime() + VERDICT_TTL_MILLIS * 1_000_000L));
            }
            if (held == null) {
                return;
            }
            if (verdict.allowed() && ctx.channel().isActive() && !ctx.isRemoved()) {
                ctx.fireChannelRead(held);
                // the handlers flush once per read; a verdict that came after the read needs its own
                ctx.fireChannelReadComplete();
            } else {
                if (verdict.twist() != null) {
                    LOG.warn("DENY service={} protocol={} from={} reason={} (twist is carried out for stream"
                                    + " services only)", definition.name(), definition.protocol().configName(),
                            Addresses.format(sender), verdict.reason());
                } else if (!verdict.allowed()) {
                    binding.occupancy().denied(verdict.policy());
                    LOG.debug("DENY service={} protocol={} from={} reason={}", definition.name(),
                            definition.protocol().configName(), Addresses.format(sender), verdict.reason());
                }
                held.release();
            }
        });
    }

    /**
     * Whether this dispatcher has something to decide before a datagram to {@code definition} reaches
     * its handler: an access policy applies, or a {@code cps} or {@code max_load} limit. A {@link
     * DatagramAnswerThread} hands such datagrams to the pipeline and answers the others itself.
     */
    static boolean decidesFirst(ServiceDefinition definition) {
        return PolicyChain.guards(definition) || definition.cps() != 0 || definition.maxLoad() != 0;
    }

    /**
     * The limit that drops this datagram ({@code cps}: datagrams per second; {@code max_load}), or
     * {@code null}. {@code instances} and {@code per_source} count connections, which datagrams
     * are not.
     */
    private String refusal(ServiceDefinition definition) {
        DispatchServices services = binding.services();
        if (services == null || (definition.cps() == 0 && definition.maxLoad() == 0)) {
            return null;
        }
        if (!binding.admitCps()) {
            return Admission.CPS;
        }
        if (definition.maxLoad() > 0 && services.load().oneMinute() >= definition.maxLoad()) {
            return Admission.LOAD;
        }
        return null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pending.values().forEach(DatagramPacket::release);
        pending.clear();
        ctx.fireChannelInactive();
    }
}
