package org.superserver.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.UnixChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ServiceDefinition;

/**
 * The only handler of a connection accepted for a {@code nowait} exec'd service: starts the
 * server with the connection as its fd 0, 1 and 2 and lets go of it. The connection is never read
 * (auto-read is off from the accept on), so every byte the client sent is the child's.
 *
 * <p>With no access policy the child is spawned at once, in {@code channelActive}, before the
 * event loop can see any event of the socket; the channel is then closed, which closes only the
 * server's descriptor (no {@code shutdown(2)}): the child keeps a working connection. With access
 * policies, the descriptor is first duplicated and the channel closed as soon as they are asked, so
 * Netty never reads from it; the duplicate goes to the child, to a {@link Twist} command, or gets
 * the denying banner.
 *
 * <p>The definition's limits ({@link Admission}: {@code cps}, {@code max_load}, {@code per_source})
 * are checked first; a refused client gets {@code banner_fail} and is closed ({@link Refusal}), and
 * an admitted one holds its {@code per_source} count until its server is reaped.
 *
 * <p>A connection that needs nothing of a pipeline ({@link #servesOnAccept}) is not registered with a
 * worker at all: {@link AcceptGate} hands it to {@link #serveOnAccept} on the accepting thread, which
 * asks the policies, spawns the child and closes the server's descriptor there. That saves the
 * worker's wake-up, the epoll registration and removal and the channel's pipeline for every
 * connection.
 */
final class ExecDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ExecDispatcher.class);

    private final Binding binding;
    private final PolicyChain policies;
    private final Launcher launcher;

    ExecDispatcher(Binding binding, PolicyChain policies, Launcher launcher) {
        this.binding = binding;
        this.policies = policies;
        this.launcher = launcher;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        Program program = binding.program();
        Binding.Slot slot = channel.attr(AcceptGate.SLOT).getAndSet(null);
        if (slot == null || !binding.admit() || program == null || !(channel instanceof UnixChannel)) {
            ctx.close();
            return;
        }
        ServiceDefinition definition = program.definition();
        InetSocketAddress local = Peers.local(channel);
        InetSocketAddress remote = Peers.remote(channel);
        int fd = ((UnixChannel) channel).fd().intValue();
        DispatchServices services = binding.services();
        if (services != null) {
            Object admitted = Admission.check(binding, remote, false, services.load());
            if (admitted instanceof String reason) {
                slot.release();
                Refusal.refuse(channel, binding, definition, reason, services);
                return;
            }
            slot.holding((Admission.Admitted) admitted); // per_source: until the server ends
        }
        try {
            serveAdmitted(program, channel, fd, local, remote, slot, ctx.executor());
        } finally {
            ctx.close(); // the server's descriptor; the child or the policies' verdict has its own
        }
    }

    /**
     * A client the limits admitted: its child at once on {@code fd}, or, when access policies guard
     * the service, their verdict first, acted on in {@code executor} on a duplicate of {@code fd}
     * (the policies may answer after the caller has closed {@code fd}). The caller closes {@code fd}.
     */
    private void serveAdmitted(Program program, Channel channel, int fd, InetSocketAddress local,
                               InetSocketAddress remote, Binding.Slot slot, Executor executor) {
        ServiceDefinition definition = program.definition();
        if (!PolicyChain.guards(definition)) {
            spawn(program, fd, local, remote, PolicyChain.Verdict.OPEN, slot);
            return;
        }
        int copy = Handover.duplicate(fd, definition, remote, "EXEC");
        if (copy < 0) {
            return;
        }
        Binding.Slot pending = slot.pass(); // outlives the caller's descriptor
        ConnectionInfo connection = Peers.info(definition, channel, Instant.now());
        policies.check(connection, definition, executor)
                .thenAccept(verdict -> decided(program, connection, verdict, copy, local, remote, pending));
    }

    /**
     * Acts on the access policies' {@code verdict} for a client whose descriptor {@code copy} is the
     * server's own duplicate: a twist command, the child (after the banners), or the denial (with its
     * banners). Closes {@code copy} and gives {@code pending} back (nothing once a child took it).
     */
    private void decided(Program program, ConnectionInfo connection, PolicyChain.Verdict verdict, int copy,
                         InetSocketAddress local, InetSocketAddress remote, Binding.Slot pending) {
        ServiceDefinition definition = program.definition();
        try {
            SocketOptions.apply(copy, verdict.tuning(), definition, remote);
            if (verdict.twist() != null) {
                Twist.run(launcher, binding, definition, verdict, copy, local, remote);
            } else if (verdict.allowed()) {
                if (!verdict.banners().isEmpty()) {
                    send(copy, String.join("", verdict.banners()));
                }
                spawn(program, copy, local, remote, verdict, pending);
            } else {
                ServedClients.deniedBy(verdict, binding, definition, connection);
                if (!verdict.banners().isEmpty()) {
                    send(copy, String.join("", verdict.banners()));
                }
            }
        } finally {
            pending.release();
            Libc.close(copy);
        }
    }

    /**
     * Whether a connection of {@code binding} can be served on the accepting thread: a {@code nowait}
     * exec'd TCP service over the native transport, without TLS, without a {@code banner_fail} file
     * to send on a refusal by its limits, and with connections not logged one by one at debug level.
     */
    static boolean servesOnAccept(Binding binding, Channel connection) {
        ServiceDefinition definition = binding.definition();
        return connection instanceof UnixChannel && binding.handsOverSocket() && !definition.isWait()
                && definition.socketPath() == null && !Listeners.logsConnections() && !definition.tls()
                && !(definition.bannerFail() != null && Admission.applies(definition));
    }

    /**
     * Serves a connection that {@link #servesOnAccept} allows, on the accepting thread, before it is
     * registered with a worker: the definition's socket options, its limits (a refused client gets
     * its FAIL line and is closed), the access policies when any guard the service (their verdict is
     * acted on in {@code executor} when it is not ready at once), then the child, which takes over
     * {@code slot}. The server's descriptor is closed on return; the child, or the policies' verdict,
     * keeps the connection.
     */
    static void serveOnAccept(Binding binding, PolicyChain policies, Launcher launcher, Channel connection,
                              Binding.Slot slot, Executor executor) {
        try {
            binding.countAccepted();
            Program program = binding.program();
            if (!binding.admit() || program == null) {
                return;
            }
            ServiceDefinition definition = program.definition();
            SocketOptions.accepted(connection, definition, true);
            InetSocketAddress local = Peers.local(connection);
            InetSocketAddress remote = Peers.remote(connection);
            DispatchServices services = binding.services();
            if (services != null) {
                Object admitted = Admission.check(binding, remote, false, services.load());
                if (admitted instanceof String reason) {
                    Refusal.record(binding, definition, reason, local, remote, services);
                    return;
                }
                slot.holding((Admission.Admitted) admitted);
            }
            binding.countServedOnAccept();
            new ExecDispatcher(binding, policies, launcher).serveAdmitted(program, connection,
                    ((UnixChannel) connection).fd().intValue(), local, remote, slot, executor);
        } finally {
            slot.release(); // nothing once the child or the policies' verdict has taken it over
            connection.unsafe().closeForcibly();
        }
    }

    /**
     * Starts the child once its identity is known: a definition's user that did not exist at load,
     * or the user or group an access policy asks for, is looked up through the account cache, off
     * the event loop when the cache does not know it ({@link WhenPrepared}).
     */
    private void spawn(Program program, int fd, InetSocketAddress local, InetSocketAddress remote,
                       PolicyChain.Verdict verdict, Binding.Slot slot) {
        boolean override = verdict.user() != null || verdict.group() != null;
        Binding.Slot held = slot.pass(); // outlives the caller, which may give its slot back before the look-up ends
        WhenPrepared.run(launcher.resolve(program, verdict.user(), verdict.group()), fd, (run, failure, socket) -> {
            if (run != null) {
                launch(launcher, binding, run.tuned(verdict.tuning()), socket, local, remote, verdict.env(), held);
                return;
            }
            held.release();
            binding.occupancy().childrenFailed.incrementAndGet();
            ServiceDefinition d = program.definition();
            String why = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            LOG.error("EXEC service={} protocol={} from={} origin={} error={}{}", d.name(), d.protocol().configName(),
                    Addresses.format(remote), d.origin(), override ? "the access policy's identity is refused: " : "",
                    why + "; connection refused");
        });
    }

    /**
     * Starts a child and counts it on {@code binding} until it is reaped, over the limits if need be
     * (a twist command: its client has been accepted already).
     *
     * @return its exit, or {@code null} when it did not start (already logged)
     */
    static CompletableFuture<Reaper.Exit> launch(Launcher launcher, Binding binding, Program program, int fd,
                                                 InetSocketAddress local, InetSocketAddress remote,
                                                 Map<String, String> env) {
        return launch(launcher, binding, program, fd, local, remote, env, null);
    }

    /**
     * Starts a child that takes over {@code slot} (a forced new one when {@code slot} is {@code null}
     * or already given back) until it is reaped.
     *
     * @return its exit, or {@code null} when it did not start (already logged; the slot is given back)
     */
    static CompletableFuture<Reaper.Exit> launch(Launcher launcher, Binding binding, Program program, int fd,
                                                 InetSocketAddress local, InetSocketAddress remote,
                                                 Map<String, String> env, Binding.Slot slot) {
        Binding.Slot mine = slot == null ? binding.acquire() : slot.pass();
        try {
            CompletableFuture<Reaper.Exit> exit = launcher.launch(program, fd, local, remote, env);
            exit.whenComplete((e, error) -> mine.release());
            return exit;
        } catch (Spawner.SpawnException | RuntimeException e) {
            mine.release();
            binding.occupancy().childrenFailed.incrementAndGet();
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            return null;
        }
    }

    /** Writes a short banner to a blocking or non-blocking socket; what does not fit at once is dropped. */
    static void send(int fd, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Libc.write(fd, bytes, bytes.length);
    }
}
