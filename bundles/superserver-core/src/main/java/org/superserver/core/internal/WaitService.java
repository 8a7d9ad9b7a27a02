package org.superserver.core.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * Serves a {@code wait} exec'd service, as inetd does: one thread watches the bound socket
 * ({@code poll(2)}, the event loop never reads it); when a datagram (dgram) or a connection
 * (stream) is pending, the server is started with the socket itself as its fd 0, 1 and 2, and
 * the socket is not watched again until that child has exited. A datagram server reads the
 * datagram itself (tftpd-style); a stream server accepts by itself.
 *
 * <p>For dgram, the pending datagram's sender is peeked ({@code MSG_PEEK}) for the access
 * policies and the child's environment; a denied datagram is read and dropped. Access policies do
 * not apply to stream wait services: no client is known before the server accepts. When a child
 * cannot be started, the pending datagram or connection is taken and dropped, so a broken program
 * never makes the thread spin.
 */
final class WaitService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WaitService.class);

    private static final int POLL_MILLIS = 200;

    private final Binding binding;
    private final Launcher launcher;
    private final PolicyChain policies;
    private final int fd;
    private final InetSocketAddress local;
    private final Thread thread;
    private volatile boolean stopped;

    WaitService(Binding binding, Launcher launcher, PolicyChain policies, int fd, InetSocketAddress local) {
        this.binding = binding;
        this.launcher = launcher;
        this.policies = policies;
        this.fd = fd;
        this.local = local;
        this.thread = new Thread(this::run, "superserver-wait-" + binding.definition().name());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops watching (a running child keeps the socket); returns once the thread no longer uses the descriptor. */
    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Memory pollfd = new Memory(8);
        try {
            while (!stopped) {
                pollfd.setInt(0, fd);
                pollfd.setShort(4, Libc.POLLIN);
                pollfd.setShort(6, (short) 0);
                int ready = Libc.poll(pollfd, 1, POLL_MILLIS);
                if (ready <= 0 || stopped) {
                    continue;
                }
                if ((pollfd.getShort(6) & Libc.POLLIN) == 0) {
                    Thread.sleep(POLL_MILLIS); // an error condition: do not spin
                    continue;
                }
                serveOne();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            LOG.error("WAIT service={} origin={} error={}", binding.definition().name(), binding.definition().origin(),
                    e.toString(), e);
        }
    }

    private void serveOne() throws InterruptedException {
        Program program = binding.program();
        ServiceDefinition definition = program.definition();
        boolean dgram = definition.socketType() == SocketType.DGRAM;
        if (!binding.admit()) {
            drop(dgram);
            stopped = true; // the registry closes the socket and pauses the service
            return;
        }
        binding.countAccepted();
        InetSocketAddress remote = dgram ? peekSender() : null;
        Map<String, String> env = Map.of();
        if (!definition.policies().isEmpty()) {
            if (remote == null) {
                // Program.prepare refuses stream wait services with policies; this is a datagram
                // whose sender cannot be read, so no policy can judge it.
                LOG.info("DENY service={} protocol={} from=- reason=the sender of the datagram cannot be read"
                        + " origin={}", definition.name(), definition.protocol().configName(), definition.origin());
                drop(dgram);
                return;
            }
            PolicyChain.Verdict verdict = decide(definition, remote);
            if (!verdict.allowed()) {
                LOG.info("DENY service={} protocol={} from={} reason={}{} origin={}", definition.name(),
                        definition.protocol().configName(), Addresses.format(remote), verdict.reason(),
                        verdict.twist() == null ? "" : " (twist is carried out for stream services only)",
                        definition.origin());
                drop(true);
                return;
            }
            env = verdict.env();
            program = program.tuned(verdict.tuning());
        }
        CompletableFuture<Reaper.Exit> exit = ExecDispatcher.launch(launcher, binding, program, fd, local, remote, env);
        if (exit == null) {
            drop(dgram);
            return;
        }
        binding.busy("server of this wait service is running; the socket is its own until it exits");
        try {
            while (!stopped) {
                try {
                    exit.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    // keep waiting
                } catch (java.util.concurrent.ExecutionException e) {
                    break;
                }
            }
        } finally {
            binding.busy(null);
        }
    }

    private PolicyChain.Verdict decide(ServiceDefinition definition, InetSocketAddress remote)
            throws InterruptedException {
        ConnectionInfo connection = new ConnectionInfo(definition.id(), definition.name(), definition.protocol(),
                local, remote, Instant.now());
        try {
            return policies.check(connection, definition, Runnable::run).toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            return new PolicyChain.Verdict(false, e.getCause().toString(), java.util.List.of());
        }
    }

    /** The sender of the pending datagram, without taking it; {@code null} when it cannot be told. */
    private InetSocketAddress peekSender() {
        Memory buffer = new Memory(1);
        Memory address = new Memory(128);
        address.clear();
        IntByReference length = new IntByReference(128);
        long n = Libc.recvfrom(fd, buffer, 1, Libc.MSG_PEEK | Libc.MSG_DONTWAIT, address, length);
        if (n < 0) {
            return null;
        }
        return socketAddress(address);
    }

    /** Takes one pending datagram or connection and drops it. */
    private void drop(boolean dgram) {
        if (dgram) {
            Memory buffer = new Memory(65536);
            Libc.recvfrom(fd, buffer, buffer.size(), Libc.MSG_DONTWAIT, null, null);
        } else {
            int connection = Libc.accept(fd, null, null);
            if (connection >= 0) {
                Libc.close(connection);
            }
        }
    }

    /** A {@code struct sockaddr_in} or {@code sockaddr_in6} as an address and port. */
    static InetSocketAddress socketAddress(Pointer sockaddr) {
        int family = sockaddr.getShort(0) & 0xffff;
        int port = ((sockaddr.getByte(2) & 0xff) << 8) | (sockaddr.getByte(3) & 0xff);
        try {
            if (family == 2) {
                return new InetSocketAddress(InetAddress.getByAddress(sockaddr.getByteArray(4, 4)), port);
            }
            if (family == 10) {
                return new InetSocketAddress(InetAddress.getByAddress(sockaddr.getByteArray(8, 16)), port);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }
}
