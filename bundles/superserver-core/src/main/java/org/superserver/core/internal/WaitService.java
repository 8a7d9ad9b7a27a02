package org.superserver.core.internal;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.net.InetSocketAddress;
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
 * <p>A {@code dgram nowait} service is served as inetd serves it: one child per datagram, which
 * reads it from fd 0. The thread starts the child and watches the socket again as soon as that
 * datagram has been taken (the datagram at the head of the queue is told apart by its kernel
 * receive time, {@code SO_TIMESTAMPNS}), so the next datagram gets its own child while the first
 * still runs. A child that exits without reading its datagram has it dropped, so it is not served
 * twice.
 *
 * <p>For dgram, the pending datagram's sender is peeked ({@code MSG_PEEK}) for the access
 * policies and the child's environment; a denied datagram is read and dropped. Access policies do
 * not apply to stream wait services: no client is known before the server accepts. When a child
 * cannot be started, the pending datagram or connection is taken and dropped, so a broken program
 * never makes the thread spin.
 *
 * <p>Never blocked for good: the socket is put back in non-blocking mode whenever the thread takes
 * it back from a child (which gets it blocking, as inetd gives it), every read of its own is
 * {@code MSG_DONTWAIT}, an accept is tried only on a non-blocking socket, and every wait has a
 * timeout. While the service runs its {@code instances} or the core its {@code children.max}, the
 * socket is not watched: datagrams and connections wait in the kernel.
 */
final class WaitService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WaitService.class);

    private static final int POLL_MILLIS = 200;
    private static final long POLICY_BOUND_SECONDS = 3_600;
    /** The longest pause between two looks at whether a {@code dgram nowait} child took its datagram. */
    private static final int TAKEN_MILLIS = 20;
    private static final int MSG_TRUNC = 0x20;
    private static final int SO_TIMESTAMPNS = 35;
    private static final int MSGHDR_SIZE = 56;

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
        if (!binding.definition().isWait()) {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, SO_TIMESTAMPNS, new int[] {1}, 4);
        }
        try {
            while (!stopped) {
                nonBlocking();
                String limit = binding.full();
                if (limit != null) {
                    if (binding.limited() == null) {
                        binding.limited(limit);
                    }
                    Thread.sleep(POLL_MILLIS); // the kernel keeps what arrives meanwhile
                    continue;
                }
                if (binding.limited() != null && !pending(fd)) {
                    binding.limited(null); // the episode is over: nothing waits any more
                }
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
        Binding.Slot slot = binding.reserve();
        if (slot == null) {
            return; // a limit was reached meanwhile: the datagram or connection waits in the kernel
        }
        try {
            serveOne(slot);
        } finally {
            slot.release(); // nothing if a child took the slot over
        }
    }

    private void serveOne(Binding.Slot slot) throws InterruptedException {
        Program program = binding.program();
        ServiceDefinition definition = program.definition();
        boolean dgram = definition.socketType() == SocketType.DGRAM;
        if (!binding.admit()) {
            drop(dgram);
            stopped = true; // the registry closes the socket and pauses the service
            return;
        }
        binding.countAccepted();
        byte[] head = dgram && !definition.isWait() ? headOfQueue() : null;
        if (dgram && !definition.isWait() && head == null) {
            return; // taken meanwhile
        }
        InetSocketAddress remote = dgram ? peekSender() : null;
        Map<String, String> env = Map.of();
        if (PolicyChain.guards(definition)) {
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
                binding.occupancy().denied(verdict.policy());
                drop(true);
                return;
            }
            env = verdict.env();
            program = program.tuned(verdict.tuning());
        }
        CompletableFuture<Reaper.Exit> exit = ExecDispatcher.launch(launcher, binding, program, fd, local, remote, env,
                slot);
        if (exit == null) {
            drop(dgram);
            return;
        }
        if (head != null) {
            awaitTaken(head, exit);
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

    /**
     * Waits until the {@code dgram nowait} child has taken the datagram at the head of the queue
     * ({@code head}), or has exited without it (then the datagram is dropped, so no second child
     * gets it), or the service stops.
     */
    private void awaitTaken(byte[] head, CompletableFuture<Reaper.Exit> exit) throws InterruptedException {
        long pause = 1;
        while (!stopped) {
            boolean ended = exit.isDone();
            if (!java.util.Arrays.equals(head, headOfQueue())) {
                return;
            }
            if (ended) {
                ServiceDefinition definition = binding.definition();
                LOG.info("DROP service={} protocol={} origin={} reason=the server exited without reading its"
                        + " datagram", definition.name(), definition.protocol().configName(), definition.origin());
                drop(true);
                return;
            }
            Thread.sleep(pause);
            pause = Math.min(TAKEN_MILLIS, pause * 2);
        }
    }

    /**
     * What tells the datagram at the head of the queue apart from any other: its sender, length
     * and kernel receive time; {@code null} when none is pending.
     */
    private byte[] headOfQueue() {
        Memory name = new Memory(128);
        name.clear();
        Memory data = new Memory(1);
        Memory iov = new Memory(16);
        iov.setPointer(0, data);
        iov.setLong(8, 1);
        Memory control = new Memory(64);
        control.clear();
        Memory msg = new Memory(MSGHDR_SIZE);
        msg.clear();
        msg.setPointer(0, name);
        msg.setInt(8, 128);
        msg.setPointer(16, iov);
        msg.setLong(24, 1);
        msg.setPointer(32, control);
        msg.setLong(40, control.size());
        long n = Libc.recvmsg(fd, msg, Libc.MSG_PEEK | Libc.MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            return null;
        }
        java.nio.ByteBuffer id = java.nio.ByteBuffer.allocate(128 + 8 + 32);
        id.put(name.getByteArray(0, 128)).putLong(n);
        long controlLength = msg.getLong(40);
        for (long at = 0; at + 16 <= controlLength; ) {
            long length = control.getLong(at);
            if (length < 16) {
                break;
            }
            if (control.getInt(at + 8) == Libc.SOL_SOCKET && control.getInt(at + 12) == SO_TIMESTAMPNS
                    && length >= 32) {
                id.putLong(control.getLong(at + 16)).putLong(control.getLong(at + 24));
            }
            at += (length + 7) & ~7L;
        }
        return id.array();
    }

    /** Whether a connection or datagram waits on {@code fd} now ({@code poll(2)} without waiting). */
    static boolean pending(int fd) {
        Memory pollfd = new Memory(8);
        pollfd.setInt(0, fd);
        pollfd.setShort(4, Libc.POLLIN);
        pollfd.setShort(6, (short) 0);
        return Libc.poll(pollfd, 1, 0) > 0 && (pollfd.getShort(6) & Libc.POLLIN) != 0;
    }

    /**
     * Puts the socket back in non-blocking mode (a child gets it blocking), so no call of ours can
     * hang. Not for {@code dgram nowait}, whose children may still use the socket while the next
     * one is watched: every call of ours on a datagram socket is {@code MSG_DONTWAIT} anyway.
     */
    private void nonBlocking() {
        ServiceDefinition definition = binding.definition();
        if (definition.socketType() == SocketType.DGRAM && !definition.isWait()) {
            return;
        }
        int flags = Libc.fcntl(fd, Libc.F_GETFL, 0);
        if (flags >= 0 && (flags & Libc.O_NONBLOCK) == 0) {
            Libc.fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK);
        }
    }

    private PolicyChain.Verdict decide(ServiceDefinition definition, InetSocketAddress remote)
            throws InterruptedException {
        ConnectionInfo connection = Peers.info(definition, local, remote, Instant.now());
        try {
            // The chain times out by itself; this bound only keeps the thread from waiting for good.
            return policies.check(connection, definition, Runnable::run).toCompletableFuture()
                    .get(POLICY_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return PolicyChain.Verdict.deniedBy("failed", e.getCause().toString(), java.util.List.of());
        } catch (TimeoutException e) {
            return PolicyChain.Verdict.deniedBy("timeout", "no decision within " + POLICY_BOUND_SECONDS + " s",
                    java.util.List.of());
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
        return Addresses.socketAddress(address);
    }

    /** Takes one pending datagram or connection and drops it; never blocks (the socket is non-blocking). */
    private void drop(boolean dgram) {
        nonBlocking();
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

}
