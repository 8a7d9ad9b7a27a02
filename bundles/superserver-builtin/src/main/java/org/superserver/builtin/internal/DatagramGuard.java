package org.superserver.builtin.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which datagrams the UDP built-ins answer, for all of them together: none from a source
 * that {@link Datagrams#refusal refuses} (our own built-in ports among them, hence the one
 * {@link OwnPorts} every handler shares), and none beyond a source address's {@link ReplyBudget}.
 * Unanswered datagrams are counted and logged by {@link DropLog}.
 *
 * <p>A component of its own (PID {@value #PID}, optional) that the handler components reference,
 * so that they share one set of ports and one budget without a static. A configuration change
 * applies in place: handlers and their sockets stay; budgets start afresh. A configuration with a
 * bad value is reported with the property's name and the previous values stay in force.
 */
@Component(service = DatagramGuard.class, configurationPid = DatagramGuard.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = BuiltinConfig.class)
public final class DatagramGuard {

    /** The configuration PID of the built-ins. */
    static final String PID = "org.superserver.builtin";

    private static final Logger LOG = LoggerFactory.getLogger(DatagramGuard.class);

    private final OwnPorts ownPorts = new OwnPorts();
    private final LongSupplier nanos;
    private final Map<Refusal, LongAdder> dropped = new EnumMap<>(Refusal.class);
    private final LongAdder replies = new LongAdder();
    private final LongAdder replyBytes = new LongAdder();
    private final LongAdder requestBytes = new LongAdder();
    private volatile BudgetSettings settings = BudgetSettings.DEFAULTS;
    private volatile ReplyBudget budget;
    private volatile DropLog dropLog;

    /** The component, configured by {@code config}. */
    @Activate
    public DatagramGuard(BuiltinConfig config, Map<String, Object> properties) {
        this(BudgetSettings.DEFAULTS, System::nanoTime);
        modified(config, properties);
    }

    /** A guard with {@code settings} and the clock {@code nanos} (monotonic nanoseconds). */
    DatagramGuard(BudgetSettings settings, LongSupplier nanos) {
        this.nanos = nanos;
        for (Refusal refusal : Refusal.values()) {
            dropped.put(refusal, new LongAdder());
        }
        apply(settings);
    }

    @Modified
    void modified(BuiltinConfig config, Map<String, Object> properties) {
        try {
            apply(BudgetSettings.from(config));
        } catch (IllegalArgumentException e) {
            Object file = properties.get("felix.fileinstall.filename");
            LOG.error("CONFIG pid={}{} error=\"{}\" keeping {}", PID, file == null ? "" : " file=" + file,
                    e.getMessage().replace('"', '\''), settings);
        }
    }

    private void apply(BudgetSettings next) {
        settings = next;
        budget = new ReplyBudget(next, nanos);
        dropLog = new DropLog(next, nanos);
    }

    /** Counts the local port of {@code socket}, a datagram socket a built-in serves, while it is open. */
    void serve(Channel socket) {
        ownPorts.track(socket);
    }

    /**
     * Whether a datagram from {@code sender} may be answered at all; if not, the drop is counted
     * and logged.
     */
    boolean admits(ChannelHandlerContext ctx, InetSocketAddress sender) {
        return admits(ctx.channel().localAddress(), sender);
    }

    /** {@link #admits(ChannelHandlerContext, InetSocketAddress)} for a datagram that came to {@code local}. */
    boolean admits(SocketAddress local, InetSocketAddress sender) {
        Refusal refusal = Datagrams.refusal(sender, ownPorts);
        if (refusal == null) {
            return true;
        }
        drop(local, sender, refusal);
        return false;
    }

    /**
     * Charges a reply of {@code replyBytes} to a request of {@code requestBytes} from {@code sender}
     * (already {@link #admits admitted}) to its budget.
     *
     * @return whether the reply may be sent; if not, the drop is counted and logged
     */
    boolean charge(ChannelHandlerContext ctx, InetSocketAddress sender, int requestBytes, int replyBytes) {
        return charge(ctx.channel().localAddress(), sender, requestBytes, replyBytes);
    }

    /** {@link #charge(ChannelHandlerContext, InetSocketAddress, int, int)} for a datagram that came to {@code local}. */
    boolean charge(SocketAddress local, InetSocketAddress sender, int requestBytes, int replyBytes) {
        if (!budget.charge(sender.getAddress(), replyBytes)) {
            drop(local, sender, Refusal.OVER_BUDGET);
            return false;
        }
        replies.increment();
        this.replyBytes.add(replyBytes);
        this.requestBytes.add(requestBytes);
        return true;
    }

    private void drop(SocketAddress local, InetSocketAddress sender, Refusal refusal) {
        dropped.get(refusal).increment();
        dropLog.dropped(sender, local, refusal);
    }

    /** Datagrams left unanswered for {@code refusal} since the component started. */
    long dropped(Refusal refusal) {
        return dropped.get(refusal).sum();
    }

    /** Replies charged since the component started. */
    long replies() {
        return replies.sum();
    }

    /** Payload bytes of the replies charged since the component started. */
    long replyBytes() {
        return replyBytes.sum();
    }

    /** Payload bytes of the requests those replies answered. */
    long requestBytes() {
        return requestBytes.sum();
    }

    /** The settings in force. */
    BudgetSettings settings() {
        return settings;
    }
}
