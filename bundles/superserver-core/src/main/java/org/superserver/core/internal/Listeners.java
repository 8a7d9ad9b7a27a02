package org.superserver.core.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.DatagramAnswer;
import org.superserver.api.Handler;
import org.superserver.api.ImmediateAnswer;
import org.superserver.api.ListenAddresses;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.StreamAnswer;

/**
 * Binds and closes listening sockets. A stream listener accepts on the shared accept thread and
 * serves each connection on a worker; a datagram listener is one socket on a worker. Closing a
 * listener never closes the connections it accepted, nor the children serving them.
 *
 * <p>Exec'd services (epoll only, as they need raw descriptors): a {@code nowait} stream listener
 * accepts with auto-read off and hands each connection to an {@link ExecDispatcher}, its {@link
 * AcceptGate} holding back accepts at the service's or the core's limit on children; a {@code wait}
 * listener, and a {@code dgram nowait} one, never reads or accepts on the event loop: its {@link
 * WaitService} hands the socket to the server.
 */
final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    /** The handler serving an accepted connection, so a departing handler's connections can be found. */
    static final AttributeKey<Handler> HANDLER = AttributeKey.valueOf(Listeners.class, "handler");
    /** The service id an accepted connection belongs to, so a reload can find its clients. */
    static final AttributeKey<String> SERVICE_ID = AttributeKey.valueOf(Listeners.class, "service");
    /** An in-process (or relayed) connection's number, accept time and byte counts. */
    static final AttributeKey<LiveConnection> CONNECTION = AttributeKey.valueOf(Listeners.class, "connection");

    private static final long BIND_TIMEOUT_SECONDS = 10;
    /** The name of the TLS handler in the pipeline of a {@code tls = yes} service's connection. */
    static final String TLS = "tls";

    private final Transport transport;
    private final ChildSlots slots;
    private volatile Settings settings;
    /** Where a service asking for port 0 was bound before its listener moved here; by service id. */
    private final java.util.Map<String, InetSocketAddress> previous = new java.util.concurrent.ConcurrentHashMap<>();
    private final PolicyChain policies;
    private final ChannelGroup everyConnection;
    private final Supplier<Launcher> launcher;
    private final Consumer<Binding> onOverload;
    private final DispatchServices services;
    private final java.util.function.Function<String, Occupancy> occupancies;
    private final RedirectRelay redirect;
    private final ConnectionNumbers ids;
    private final java.util.Set<HeldStreams> everyHeld;
    private PassedSockets sockets = PassedSockets.none();
    /** The water marks of the accepted connections, from {@link #settings}: one object for them all. */
    private volatile WriteBufferWaterMark waterMark;
    /**
     * How much the accepted connections read at once, adapting to what they get: one allocator for
     * them all (Netty makes one per connection otherwise); each connection keeps its own handle.
     */
    private static final RecvByteBufAllocator RECEIVE_BUFFERS = new AdaptiveRecvByteBufAllocator();

    /**
     * @param everyConnection receives every accepted connection, across all listeners
     * @param launcher starts exec'd servers (asked for only when an exec'd service is bound)
     * @param onOverload told when a binding's rate limit trips
     * @param slots the core's count of running children
     */
    Listeners(Transport transport, Settings settings, PolicyChain policies, ChannelGroup everyConnection,
              Supplier<Launcher> launcher, Consumer<Binding> onOverload, ChildSlots slots) {
        this(transport, settings, policies, everyConnection, launcher, onOverload, slots, null, id -> new Occupancy(),
                new ConnectionNumbers(), java.util.concurrent.ConcurrentHashMap.newKeySet());
    }

    /**
     * @param services the connection log, banners and load average every binding shares
     * @param occupancies the counts of a service id, kept across its listeners
     * @param ids numbers each in-process connection
     * @param everyHeld receives the threads of every listener whose connections are held as bare
     *                  descriptors, until their last connection ends
     */
    Listeners(Transport transport, Settings settings, PolicyChain policies, ChannelGroup everyConnection,
              Supplier<Launcher> launcher, Consumer<Binding> onOverload, ChildSlots slots, DispatchServices services,
              java.util.function.Function<String, Occupancy> occupancies, ConnectionNumbers ids,
              java.util.Set<HeldStreams> everyHeld) {
        this.ids = ids;
        this.everyHeld = everyHeld;
        this.services = services;
        this.occupancies = occupancies;
        this.transport = transport;
        this.slots = slots;
        this.settings = settings;
        this.waterMark = new WriteBufferWaterMark(settings.writeBufferLow(), settings.writeBufferHigh());
        this.policies = policies;
        this.everyConnection = everyConnection;
        this.launcher = launcher;
        this.onOverload = onOverload;
        this.redirect = new RedirectRelay(transport, RedirectRelay.spliceWanted());
    }

    /**
     * Binds the next socket of {@code id} at {@code address} when its definition asks for port 0:
     * a listener moved to new event loops keeps the port its clients know.
     */
    void keepAddress(String id, InetSocketAddress address) {
        previous.put(id, address);
    }

    /** The event loops these listeners bind on. */
    Transport transport() {
        return transport;
    }

    /**
     * Applies changed settings that need no new event loops: the backlog of later binds, the
     * write buffer water marks of later connections.
     */
    void settings(Settings next) {
        this.waterMark = new WriteBufferWaterMark(next.writeBufferLow(), next.writeBufferHigh());
        this.settings = next;
    }

    /**
     * Binds a socket for {@code definition}, served by {@code handler}. Waits for the bind (a local
     * operation); never called on an event loop.
     *
     * @throws Exception naming the cause when the socket cannot be bound or the handler refuses it
     */
    Binding bind(ServiceDefinition definition, Handler handler) throws Exception {
        if (!handler.supports(definition.socketType())) {
            throw new IllegalArgumentException("handler " + definition.handler() + " does not serve "
                    + definition.socketType().configName() + " sockets");
        }
        return bind(newBinding(definition, handler, null));
    }

    /**
     * Binds a socket for an exec'd service: {@code nowait} stream services spawn {@code program}
     * per connection, {@code wait} services hand it the bound socket.
     *
     * @throws Exception naming the cause when the service cannot be served or bound
     */
    Binding bind(ServiceDefinition definition, Program program) throws Exception {
        if (!transport.name().equals("epoll")) {
            throw new IllegalStateException("exec'd services need the epoll transport (this core runs "
                    + transport.name() + "; set transport=auto or epoll where epoll is available)");
        }
        Binding binding = bind(newBinding(definition, null, program));
        if (definition.isWait() || definition.socketType() == SocketType.DGRAM) {
            WaitService wait = new WaitService(binding, launcher.get(), policies,
                    ((UnixChannel) binding.channel()).fd().intValue(), binding.boundAddress());
            binding.waitService(wait);
            wait.start();
        }
        return binding;
    }

    /** A binding that counts against its service's {@link Occupancy} and shares the dispatch services. */
    private Binding newBinding(ServiceDefinition definition, Handler handler, Program program) {
        return new Binding(definition, handler, program, onOverload, slots, occupancies.apply(definition.id()),
                services);
    }

    /**
     * Binds a socket for a {@code redirect} service: each allowed client is relayed to the target
     * ({@link RedirectRelay}).
     *
     * @throws Exception naming the cause when the socket cannot be bound
     */
    Binding bindRedirect(ServiceDefinition definition) throws Exception {
        return bind(newBinding(definition, null, null));
    }

    private Binding bind(Binding binding) throws Exception {
        ServiceDefinition definition = binding.definition();
        if (definition.tls()) {
            binding.tls(TlsContext.load(definition)); // a file that cannot be used fails the service
        }
        if (definition.protocol().isUnix()) {
            refuseUnguardedDatagrams(binding);
        }
        PassedSockets.Passed passed = sockets.take(definition);
        if (passed != null && passed.early() && !adoptsEarly()) {
            Libc.close(passed.fd());
            LOG.info("ADOPT {} closed: service {} binds its own socket ({})", passed.describe(), definition.name(),
                    transport.name().equals("epoll") ? "answer threads on SO_REUSEPORT sockets of their own"
                            : "the " + transport.name() + " transport cannot serve a descriptor it did not open");
            passed = null;
        }
        if (passed != null) {
            return adopt(binding, passed);
        }
        if (definition.protocol().isUnix()) {
            return bindUnix(binding);
        }
        InetSocketAddress before = previous.remove(definition.id());
        List<InetSocketAddress> candidates = before != null && definition.port() == 0 ? List.of(before)
                : ListenAddresses.candidates(definition, Addresses.ipv6Usable());
        Exception failure = null;
        for (InetSocketAddress address : candidates) {
            try {
                Channel channel = definition.socketType() == SocketType.STREAM
                        ? bindStream(binding, address, null) : bindDatagram(binding, address, null);
                binding.bound(channel);
                return binding;
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure instanceof java.io.IOException ? new BindFailure(failure) : failure;
    }

    /**
     * Binds a Unix-domain socket and publishes its file ({@link SocketFile}): the socket is bound
     * at a private temporary path and renamed into place with its mode and owners.
     */
    private Binding bindUnix(Binding binding) throws Exception {
        ServiceDefinition definition = binding.definition();
        Channel[] bound = new Channel[1];
        SocketFile file;
        try {
            file = SocketFile.create(definition, path -> {
                io.netty.channel.unix.DomainSocketAddress address = new io.netty.channel.unix.DomainSocketAddress(
                        path.toString());
                bound[0] = definition.socketType() == SocketType.STREAM
                        ? bindUnixStream(binding, address, null) : bindUnixDatagram(binding, address, null);
                return () -> bound[0].close().awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            });
        } catch (SocketFile.Refused refused) {
            // a live socket or a missing directory may go by itself, as a port in use does: try again later
            throw refused.mayPass() ? new BindFailure(refused) : refused;
        }
        binding.bound(bound[0]);
        binding.socketFile(file);
        LOG.info("SOCKET service={} protocol=unix type={} path={} mode={} owner={} group={}{}", definition.name(),
                definition.socketType().configName(), definition.socketPath(),
                String.format("%04o", definition.socketMode()),
                definition.socketOwner() == null ? "-" : definition.socketOwner(),
                definition.socketGroup() == null ? "-" : definition.socketGroup(),
                file.replacedStale() ? " replaced=stale socket" : "");
        return binding;
    }

    /**
     * A built-in on a Unix-domain datagram socket cannot be guarded by access policies: a datagram
     * carries no SO_PEERCRED, so no policy could tell who sent it.
     */
    private static void refuseUnguardedDatagrams(Binding binding) {
        ServiceDefinition definition = binding.definition();
        if (binding.handler() != null && definition.socketType() == SocketType.DGRAM
                && !definition.policies().isEmpty()) {
            throw new IllegalArgumentException("the unix dgram socket " + definition.socketPath() + " of handler "
                    + definition.handler() + " cannot be guarded by the policies " + definition.policies()
                    + ": a Unix-domain datagram does not say who sent it; use stream, or the socket file's"
                    + " socket_mode and socket_group");
        }
    }

    /** Binds at {@code address}, or, with {@code passed}, serves the passed socket. */
    private Channel bindUnixStream(Binding binding, java.net.SocketAddress address, PassedSockets.Passed passed)
            throws Exception {
        boolean exec = binding.program() != null;
        String path = binding.definition().socketPath();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.boss(), transport.workers())
                .channelFactory(() -> passed != null ? transport.adoptDomainServerChannel(passed.fd())
                        : transport.newDomainServerChannel(path))
                .option(ChannelOption.SO_BACKLOG, settings.backlog())
                .option(ChannelOption.AUTO_READ, !(exec && binding.definition().isWait()))
                .childOption(ChannelOption.AUTO_READ, !exec)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_BUFFERS)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        accepted(binding, channel);
                    }
                });
        if (exec && !binding.definition().isWait()) {
            bootstrap.handler(new AcceptGate(binding, null, policies));
        }
        return await(passed != null ? bootstrap.register() : bootstrap.bind(address));
    }

    /**
     * A Unix-domain datagram socket: read by a {@code wait} server, never by the event loop; or
     * answered in-process by a built-in through {@link UnixDatagrams}.
     */
    private Channel bindUnixDatagram(Binding binding, java.net.SocketAddress address, PassedSockets.Passed passed)
            throws Exception {
        String path = binding.definition().socketPath();
        Bootstrap bootstrap = new Bootstrap()
                .group(transport.workers())
                .channelFactory(() -> passed != null ? transport.adoptDomainDatagramChannel(passed.fd())
                        : transport.newDomainDatagramChannel(path))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(settings.writeBufferLow(), settings.writeBufferHigh()))
                .handler(new io.netty.channel.ChannelInboundHandlerAdapter());
        Channel channel = await(passed != null ? bootstrap.register() : bootstrap.bind(address));
        if (binding.handler() == null) {
            return channel;
        }
        Future<?> init = channel.eventLoop().submit(() -> {
            channel.pipeline().addFirst(new DatagramTraffic(binding.occupancy()));
            channel.pipeline().addFirst(new UnixDatagrams());
            binding.handler().initDatagram(channel, binding.definition());
            channel.config().setAutoRead(true);
            return null;
        });
        if (!init.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || !init.isSuccess()) {
            channel.close().awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Throwable cause = init.cause();
            throw new IllegalStateException("handler " + binding.definition().handler()
                    + " failed to set up the unix datagram socket: " + (cause == null ? "timed out" : cause), cause);
        }
        return channel;
    }

    /**
     * Whether a socket the launcher bound early can be served as it is: on the epoll transport, and
     * unless answer threads want {@code SO_REUSEPORT} sockets of their own, which only a bind here
     * sets up.
     */
    private boolean adoptsEarly() {
        return transport.name().equals("epoll") && !DirectAnswer.reusePortWanted();
    }

    /**
     * Serves on a socket passed by the service manager instead of binding one: the channel wraps
     * its descriptor, and everything else is as for a bound socket. A Unix-domain socket's file is
     * the service manager's: it is not created, given a mode or owners, nor removed here.
     */
    private Binding adopt(Binding binding, PassedSockets.Passed passed) throws Exception {
        if (!transport.name().equals("epoll")) {
            Libc.close(passed.fd());
            throw new IllegalStateException("the socket passed by the service manager (" + passed.describe()
                    + ") cannot be adopted by the " + transport.name() + " transport, which cannot serve a descriptor"
                    + " it did not open; it is closed. Use transport=auto or epoll where epoll is available");
        }
        ServiceDefinition definition = binding.definition();
        boolean stream = definition.socketType() == SocketType.STREAM;
        binding.adopted(passed);
        Channel channel;
        if (definition.protocol().isUnix()) {
            channel = stream ? bindUnixStream(binding, null, passed) : bindUnixDatagram(binding, null, passed);
        } else {
            channel = stream ? bindStream(binding, passed.local(), passed)
                    : bindDatagram(binding, passed.local(), passed);
        }
        binding.bound(channel);
        String file = "";
        if (definition.protocol().isUnix()) {
            boolean elsewhere = !PassedSockets.matchesAddress(passed, definition); // taken by name
            file = " file=the service manager's (its mode and owners left as they are, never removed)"
                    + (elsewhere ? " instead_of=" + definition.socketPath() : "");
        }
        LOG.info("ADOPT service={} protocol={} {} socket=adopted from {}{}", definition.name(),
                definition.protocol().configName(), passed.describe(), passed.passedBy(), file);
        return binding;
    }

    /** The descriptors a service manager passed, which services adopt instead of binding. */
    void passedSockets(PassedSockets passed) {
        this.sockets = passed;
    }

    /**
     * The socket could not be bound (the address is in use or not there yet): a condition that
     * may pass, so the registry tries again.
     */
    static final class BindFailure extends Exception {

        private static final long serialVersionUID = 1L;

        BindFailure(Exception cause) {
            super(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
    }

    /**
     * Closes the listening socket, leaving its accepted connections (and running children) alone;
     * waits briefly for it.
     */
    void close(Binding binding) {
        close(binding, false);
    }

    /**
     * Closes the listener as {@link #close(Binding)} does; with {@code keepPassed}, a socket it
     * adopted from the service manager is held for its service id, to be adopted again by its
     * next listener.
     */
    void close(Binding binding, boolean keepPassed) {
        PassedSockets.Passed adopted = binding.adopted();
        if (keepPassed && adopted != null) {
            sockets.keep(binding.definition().id(), adopted);
        }
        WaitService wait = binding.waitService();
        if (wait != null) {
            wait.close();
        }
        DirectAnswer answer = binding.directAnswer();
        if (answer != null) {
            answer.close(); // its threads end before the socket is closed
        }
        HeldStreams held = binding.heldStreams();
        if (held != null) {
            held.stopAccepting(); // its threads let go of the socket before it is closed; its connections stay
        }
        DatagramAnswerThread datagrams = binding.datagramAnswer();
        if (datagrams != null) {
            datagrams.close(); // so does its thread
        }
        Channel channel = binding.channel();
        if (channel != null) {
            channel.close().awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        SocketFile file = binding.socketFile();
        if (file != null) {
            file.remove();
        }
    }

    /** Binds at {@code address}, or, with {@code passed}, serves the passed socket (at that address). */
    private Channel bindStream(Binding binding, InetSocketAddress address, PassedSockets.Passed passed)
            throws Exception {
        boolean exec = binding.handsOverSocket();
        // the passed socket was not bound with SO_REUSEPORT, so no thread can have a socket of its own beside it
        int answerThreads = passed != null && DirectAnswer.reusePortWanted()
                ? Math.min(1, DirectAnswer.threadsWanted()) : DirectAnswer.threadsWanted();
        // threads of the listener's own: they answer from the accepted descriptor, or hold the connections
        boolean ownThreads = answerThreads > 0 && transport.name().equals("epoll") && !binding.definition().tls();
        boolean direct = ownThreads && binding.handler() instanceof ImmediateAnswer;
        boolean holds = ownThreads && !direct && !exec && binding.handler() instanceof StreamAnswer
                && binding.definition().socketPath() == null;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.boss(), transport.workers())
                .channelFactory(() -> passed != null ? transport.adoptServerChannel(passed.fd())
                        : SocketOptions.listener(transport.newServerChannel(address), binding.definition(), address))
                .option(ChannelOption.SO_BACKLOG, settings.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                // A wait service's server accepts by itself, and so do the threads of a direct answer
                // and those that hold connections: the event loop never does.
                .option(ChannelOption.AUTO_READ, !(exec && binding.definition().isWait()) && !direct && !holds)
                // An exec'd connection is never read by the server: its bytes are the child's.
                .childOption(ChannelOption.AUTO_READ, !exec)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_BUFFERS)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        accepted(binding, channel);
                    }
                });
        if (direct && answerThreads > 1 && DirectAnswer.reusePortWanted()) {
            bootstrap.option(DirectAnswer.reusePortOption(), true);
        }
        if (binding.handler() instanceof ImmediateAnswer) {
            bootstrap.handler(new AnswerOnAccept(binding, (ImmediateAnswer) binding.handler()));
        } else if (exec && !binding.definition().isWait()) {
            bootstrap.handler(new AcceptGate(binding, launcher, policies));
        }
        Channel channel = await(passed != null ? bootstrap.register() : bootstrap.bind(address));
        if (direct && DirectAnswer.supports(channel)) {
            DirectAnswer answer;
            try {
                answer = new DirectAnswer(binding, (ImmediateAnswer) binding.handler(), channel, answerThreads,
                        settings.backlog(), policies, launcher);
                answer.start();
            } catch (java.io.IOException e) {
                channel.close().awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                throw e;
            }
            binding.directAnswer(answer);
        } else if (direct) {
            channel.config().setAutoRead(true);
        } else if (holds && HeldStreams.supports(channel)) {
            HeldStreams held;
            try {
                held = new HeldStreams(binding, (StreamAnswer) binding.handler(), policies, launcher, channel,
                        answerThreads, ids, everyHeld::remove);
            } catch (java.io.IOException e) {
                channel.close().awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                throw e;
            }
            everyHeld.add(held);
            binding.heldStreams(held);
            held.start();
        } else if (holds) {
            channel.config().setAutoRead(true);
        }
        return channel;
    }

    private void accepted(Binding binding, Channel channel) {
        channel.config().setWriteBufferWaterMark(waterMark);
        if (binding.definition().socketPath() == null) {
            SocketOptions.accepted(channel, binding.definition(), binding.handsOverSocket());
        }
        binding.countAccepted();
        binding.connections().add(channel);
        if (binding.definition().socketPath() != null) {
            channel.attr(Peers.SOCKET_PATH).set(binding.socketPath());
        }
        channel.attr(HANDLER).set(binding.handler());
        channel.attr(SERVICE_ID).set(binding.definition().id());
        if (!binding.handsOverSocket()) {
            LiveConnection live = new LiveConnection(ids.next(), binding.definition(), binding.occupancy());
            channel.attr(CONNECTION).set(live);
            channel.pipeline().addFirst(LiveConnection.NAME, live);
        }
        everyConnection.add(channel);
        if (logsConnections()) {
            logConnection(binding, channel);
        }
        TlsContext tls = binding.tls();
        if (tls != null) {
            channel.pipeline().addLast(TLS, tls.newHandler(channel.alloc()));
            if (binding.program() != null) {
                channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            }
        }
        if (binding.handsOverSocket()) {
            channel.pipeline().addLast(new ExecDispatcher(binding, policies, launcher.get()));
        } else {
            boolean relayed = binding.definition().isRedirect();
            channel.pipeline().addLast(new StreamDispatcher(binding, policies, launcher, relayed ? redirect : null));
            if (relayed) {
                redirect.accepted(channel);
            }
        }
    }

    /** Whether each connection's start and end are logged (at debug level). */
    static boolean logsConnections() {
        return LOG.isDebugEnabled();
    }

    private static void logConnection(Binding binding, Channel channel) {
        ServiceDefinition definition = binding.definition();
        String from = Addresses.format(Peers.remote(channel));
        long start = System.nanoTime();
        LiveConnection live = LiveConnection.of(channel);
        LOG.debug("CONNECT service={} protocol={} from={}", definition.name(), definition.protocol().configName(),
                from);
        channel.closeFuture().addListener(f -> LOG.debug(
                "DISCONNECT service={} protocol={} from={} duration={}ms in={} out={}", definition.name(),
                definition.protocol().configName(), from, (System.nanoTime() - start) / 1_000_000L,
                live == null ? -1 : live.in(), live == null ? -1 : live.out()));
    }

    private Channel bindDatagram(Binding binding, InetSocketAddress address, PassedSockets.Passed passed)
            throws Exception {
        Bootstrap bootstrap = new Bootstrap()
                .group(transport.workers())
                .channelFactory(() -> passed != null ? transport.adoptDatagramChannel(passed.fd())
                        : SocketOptions.listener(transport.newDatagramChannel(address), binding.definition(), address))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(settings.writeBufferLow(), settings.writeBufferHigh()))
                .handler(new DatagramDispatcher(binding, policies));
        Channel channel = await(passed != null ? bootstrap.register() : bootstrap.bind(address));
        if (binding.program() != null) {
            return channel; // a wait service's server reads the socket; the event loop never does
        }
        // A thread of its own reads and answers the socket when the handler can answer a datagram by itself.
        boolean direct = binding.handler() instanceof DatagramAnswer && DirectAnswer.threadsWanted() > 0
                && DatagramAnswerThread.supports(channel);
        Future<?> init = channel.eventLoop().submit(() -> {
            channel.pipeline().addFirst(new DatagramTraffic(binding.occupancy()));
            binding.handler().initDatagram(channel, binding.definition());
            channel.config().setAutoRead(!direct);
            return null;
        });
        if (!init.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || !init.isSuccess()) {
            channel.close().awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Throwable cause = init.cause();
            throw new IllegalStateException("handler " + binding.definition().handler()
                    + " failed to set up the datagram socket: " + (cause == null ? "timed out" : cause), cause);
        }
        if (direct) {
            DatagramAnswerThread answer;
            try {
                answer = new DatagramAnswerThread(binding, (DatagramAnswer) binding.handler(), channel);
            } catch (RuntimeException e) {
                channel.close().awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                throw e;
            }
            binding.datagramAnswer(answer);
            answer.start();
        }
        return channel;
    }

    private static Channel await(ChannelFuture future) throws Exception {
        if (!future.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            future.channel().close();
            throw new IllegalStateException("bind did not complete within " + BIND_TIMEOUT_SECONDS + " s");
        }
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw new IllegalStateException(cause);
        }
        return future.channel();
    }
}
