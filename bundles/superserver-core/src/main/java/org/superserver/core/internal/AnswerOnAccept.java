package org.superserver.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ImmediateAnswer;
import org.superserver.api.ServiceDefinition;

/**
 * Serves a service whose handler is an {@link ImmediateAnswer} (daytime, time) on the accepting
 * thread: writes the answer to the accepted socket and closes it, before the connection is
 * registered with a worker. That is accept, write and close, where a pipeline costs an epoll
 * registration and removal, a wake-up of the worker and socket options it never needs.
 *
 * <p>Sits in the listening channel's pipeline in front of the acceptor, and passes a connection on
 * to the ordinary path whenever something must happen before the answer: an access policy applies
 * (it may wait for a name lookup, and may send a banner), a refusal by a limit of the definition
 * would send a {@code banner_fail} file, or connections are logged one by one at debug level. The
 * limits themselves ({@link Admission}: cps, max_load, instances, per_source) are checked here, and
 * a refused client gets its FAIL line and is closed. The START and EXIT
 * lines of the connection log are written here too.
 */
@Sharable
final class AnswerOnAccept extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerOnAccept.class);

    private final Binding binding;
    private final ImmediateAnswer answers;

    AnswerOnAccept(Binding binding, ImmediateAnswer answers) {
        this.binding = binding;
        this.answers = answers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof UnixChannel) || needsPipeline(binding.definition())) {
            ctx.fireChannelRead(msg);
            return;
        }
        Channel connection = (Channel) msg;
        try {
            // not guarded (needsPipeline above), so served at once and closed here
            serve(binding, answers, null, null, null, ((UnixChannel) connection).fd(),
                    (InetSocketAddress) connection.localAddress(), (InetSocketAddress) connection.remoteAddress(),
                    ctx.alloc());
        } finally {
            connection.unsafe().closeForcibly();
        }
    }

    /**
     * Whether a connection to {@code definition} must go through a pipeline: an access policy
     * applies (it may wait for a name lookup, and may send a banner), a refusal by a limit would
     * send a {@code banner_fail} file, or connections are logged one by one at debug level.
     */
    static boolean needsPipeline(ServiceDefinition definition) {
        return PolicyChain.guards(definition) || needsPipelineBesidesPolicies(definition);
    }

    /**
     * Whether a connection to {@code definition} must go through a pipeline whether or not access
     * policies guard it: TLS, a {@code banner_fail} file to send on a refusal by a limit, or
     * connections logged one by one at debug level. A guarded service's connection without these
     * is served by {@link #serve} on the accepting thread.
     */
    static boolean needsPipelineBesidesPolicies(ServiceDefinition definition) {
        return Listeners.logsConnections() || definition.tls()
                || (definition.bannerFail() != null && Admission.applies(definition));
    }

    /** Acts on the policies' completed {@code verdict}, as {@link StreamDispatcher} does; the caller closes {@code fd}. */
    private static void decided(Binding binding, ImmediateAnswer answers, Supplier<Launcher> launcher,
                                FileDescriptor fd, ConnectionInfo connection, ServiceDefinition definition,
                                CompletableFuture<PolicyChain.Verdict> completed, ByteBufAllocator alloc) {
        if (ServedClients.allowedBy(completed, binding, launcher, fd.intValue(), connection, definition)) {
            answer(binding, answers, fd, connection, definition, alloc);
        }
    }

    /** Closes a connection's descriptor; a failure is logged at debug level. */
    static void close(FileDescriptor fd, ServiceDefinition definition) {
        try {
            fd.close();
        } catch (IOException e) {
            LOG.debug("CLOSE service={} error={}", definition.name(), e.toString());
        }
    }

    /**
     * Serves one accepted connection that {@link #needsPipelineBesidesPolicies needs no pipeline}, as
     * the ordinary path would: counts it, checks the limits, asks the access policies when they
     * guard the service, and acts on their verdict (the socket options it asks for; a twist command;
     * a denial, with its DENY and FAIL lines and banners; or the banners and the answer), then logs
     * it. A verdict that is ready at once (tcpd's, when no rule needs a name or a user looked up) is
     * acted on here; a later one in {@code executor}, which then closes {@code fd}.
     *
     * @param policies asked when they guard the service; {@code null} only where {@link
     *                 #needsPipeline} sent every guarded connection to the pipeline
     * @return whether the caller closes {@code fd} now ({@code false}: the verdict closes it)
     */
    static boolean serve(Binding binding, ImmediateAnswer answers, PolicyChain policies, Supplier<Launcher> launcher,
                         Executor executor, FileDescriptor fd, InetSocketAddress local, InetSocketAddress remote,
                         ByteBufAllocator alloc) {
        ServiceDefinition definition = binding.definition();
        binding.countAccepted();
        if (binding.isHandlerGone() || !binding.admit()) {
            return true;
        }
        if (!(admit(binding, definition, local, remote) instanceof Admission.Admitted held)) {
            return true;
        }
        long startedNanos = System.nanoTime();
        CompletableFuture<PolicyChain.Verdict> verdict = OPEN;
        ConnectionInfo connection = Peers.info(definition, local, remote, Instant.now());
        try {
            if (PolicyChain.guards(definition)) {
                verdict = policies.check(connection, definition, executor).toCompletableFuture();
            }
        } catch (RuntimeException e) {
            held.release();
            throw e;
        }
        if (verdict.isDone()) {
            try {
                decided(binding, answers, launcher, fd, connection, definition, verdict, alloc);
            } finally {
                held.release();
                binding.occupancy().durations.record(System.nanoTime() - startedNanos);
            }
            return true;
        }
        CompletableFuture<PolicyChain.Verdict> later = verdict;
        later.whenComplete((v, e) -> {
            try {
                if (!stopped(executor)) { // the core stopped while the verdict was awaited: closed unanswered
                    decided(binding, answers, launcher, fd, connection, definition, later, alloc);
                }
            } finally {
                held.release();
                binding.occupancy().durations.record(System.nanoTime() - startedNanos);
                close(fd, definition);
            }
        });
        return false;
    }

    /** Whether {@code executor} is an event loop of a core that has stopped. */
    private static boolean stopped(Executor executor) {
        return executor instanceof io.netty.util.concurrent.EventExecutor loop && loop.isShuttingDown();
    }

    /** The verdict for a service no access policy guards. */
    private static final CompletableFuture<PolicyChain.Verdict> OPEN =
            CompletableFuture.completedFuture(PolicyChain.Verdict.OPEN);

    /**
     * The definition's limits ({@link Admission}) for this client: what it holds, or the refusal
     * reason after its FAIL line is logged (a refusal with a {@code banner_fail} to send takes the
     * ordinary path instead).
     */
    private static Object admit(Binding binding, ServiceDefinition definition, InetSocketAddress local,
                                InetSocketAddress remote) {
        DispatchServices services = binding.services();
        if (services == null || !Admission.applies(definition)) {
            return Admission.FREE;
        }
        Object result = Admission.check(binding, remote, true, services.load());
        if (result instanceof String reason) {
            Refusal.record(binding, definition, reason, local, remote, services);
        }
        return result;
    }

    private static void answer(Binding binding, ImmediateAnswer answers, FileDescriptor fd, ConnectionInfo connection,
                               ServiceDefinition definition, ByteBufAllocator alloc) {
        InetSocketAddress local = connection.local();
        InetSocketAddress remote = connection.remote();
        ByteBuf answer;
        try {
            answer = Objects.requireNonNull(answers.answer(alloc, connection), "the handler gave no answer");
        } catch (RuntimeException | LinkageError e) {
            StreamDispatcher.handlerFailed(definition, remote, e);
            return;
        }
        try {
            int length = answer.readableBytes();
            int written = write(fd, answer);
            binding.occupancy().bytesOut.addAndGet(written);
            logServed(binding, definition, local, remote, written);
            if (written < length) {
                // A fresh socket's send buffer takes a few hundred bytes whole; this is not expected.
                LOG.warn("SHORT service={} protocol={} from={} sent={} of={}", definition.name(),
                        definition.protocol().configName(), Addresses.format(remote), written, length);
            }
        } catch (IOException e) {
            LOG.debug("WRITE service={} protocol={} from={} error={}", definition.name(),
                    definition.protocol().configName(), Addresses.format(remote), e.toString());
        } finally {
            answer.release();
        }
    }

    private static void logServed(Binding binding, ServiceDefinition definition, InetSocketAddress local,
                                  InetSocketAddress remote, int written) {
        DispatchServices services = binding.services();
        if (services != null && !definition.logOnSuccess().isEmpty()) {
            services.log().served(definition, local, remote, 0).ended(null, 0, written);
        }
    }

    /** One write(2) of the whole answer, from native memory. */
    private static int write(FileDescriptor fd, ByteBuf answer) throws IOException {
        if (answer.hasMemoryAddress()) {
            return fd.writeAddress(answer.memoryAddress(), answer.readerIndex(), answer.writerIndex());
        }
        ByteBuf direct = answer.isDirect() ? answer.retain()
                : answer.alloc().directBuffer(answer.readableBytes()).writeBytes(answer, answer.readerIndex(),
                        answer.readableBytes());
        try {
            ByteBuffer bytes = direct.nioBuffer(direct.readerIndex(), direct.readableBytes());
            return fd.write(bytes, bytes.position(), bytes.limit());
        } finally {
            direct.release();
        }
    }
}
