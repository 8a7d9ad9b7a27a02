package org.superserver.core.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.UnixChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.DatagramAnswer;
import org.superserver.api.ServiceDefinition;

/**
 * Serves a datagram socket whose handler is a {@link DatagramAnswer} (echo, daytime, time) on a
 * thread of its own: it waits in {@code poll(2)}, reads up to {@value #BATCH} datagrams with one
 * {@code recvmmsg(2)}, has the handler answer each, and sends the answers with one {@code
 * sendmmsg(2)}. That is three system calls per batch, where the socket's event loop makes four
 * ({@code epoll_pwait2}, a {@code getsockopt} of Netty's, {@code recvmmsg}, {@code sendmmsg}) and
 * passes every datagram and answer through the pipeline as a {@link DatagramPacket}.
 *
 * <p>The socket stays Netty's (bound, configured and closed as any other) and stays non-blocking,
 * but its event loop does not read it. A datagram that needs more than an answer ({@link
 * DatagramDispatcher#decidesFirst}: an access policy, a {@code cps} or {@code max_load} limit) goes into the
 * socket's pipeline, as if the event loop had read it. An answer the socket cannot take at once
 * (its send buffer full) is dropped, as the pipeline drops one while the channel is not writable.
 *
 * <p>Closing wakes the thread through an {@code eventfd} it polls beside the socket; the thread
 * ends before the channel is closed, so it never touches a descriptor number the process has
 * reused.
 */
final class DatagramAnswerThread implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatagramAnswerThread.class);

    /** Datagrams read by one {@code recvmmsg(2)} and answered by one {@code sendmmsg(2)}: as many as the event loop reads. */
    static final int BATCH = Transport.DATAGRAMS_PER_CALL;
    /** {@code struct mmsghdr} on a 64-bit Linux: a {@code struct msghdr} (56 bytes) and {@code msg_len}. */
    private static final int MMSGHDR = 64;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_LEN = 56;
    private static final int IOVEC = 16;
    /** Room for a {@code struct sockaddr_in6}, the larger of the two. */
    private static final int NAME = 32;
    private static final int SOCKADDR_IN6 = 28;
    private static final int POLLFD = 8;
    private static final short POLLIN = 1;
    private static final int EAGAIN = 11;
    private static final long ERROR_PAUSE_MILLIS = 100;
    private static final long STACK_BYTES = 256 * 1024;
    private static final long JOIN_MILLIS = 2_000;

    private final Binding binding;
    private final DatagramAnswer answers;
    private final Channel channel;
    private final int fd;
    private final WakeUp wakeUp;
    private final InetSocketAddress local;
    private final Thread thread;
    /** The two vectors of headers, their iovecs, the senders' addresses and the pollfds. */
    private final Memory headers;
    /** The datagrams read, {@value DatagramAnswer#MAX_DATAGRAM} bytes each, then the answers. */
    private final Memory buffers;
    private final ByteBuffer[] requests = new ByteBuffer[BATCH];
    private final ByteBuffer[] replies = new ByteBuffer[BATCH];
    /** The native address of {@link #headers}; the offsets below are relative to it. */
    private final long base;
    private final long receiving;
    private final long sending;
    private final long receiveIovecs;
    private final long sendIovecs;
    private final long names;
    private final long pollFds;
    private final Pointer pollVector;
    private volatile boolean closed;

    DatagramAnswerThread(Binding binding, DatagramAnswer answers, Channel channel) {
        this.binding = binding;
        this.answers = answers;
        this.channel = channel;
        this.fd = ((UnixChannel) channel).fd().intValue();
        this.local = (InetSocketAddress) channel.localAddress();
        this.wakeUp = new WakeUp();
        this.headers = new Memory(2L * BATCH * MMSGHDR + 2L * BATCH * IOVEC + (long) BATCH * NAME + 2L * POLLFD);
        headers.clear();
        this.base = Pointer.nativeValue(headers);
        this.receiving = 0;
        this.sending = receiving + (long) BATCH * MMSGHDR;
        this.receiveIovecs = sending + (long) BATCH * MMSGHDR;
        this.sendIovecs = receiveIovecs + (long) BATCH * IOVEC;
        this.names = sendIovecs + (long) BATCH * IOVEC;
        this.pollFds = names + (long) BATCH * NAME;
        this.buffers = new Memory(2L * BATCH * DatagramAnswer.MAX_DATAGRAM);
        long buffersBase = Pointer.nativeValue(buffers);
        for (int i = 0; i < BATCH; i++) {
            long request = buffersBase + (long) i * DatagramAnswer.MAX_DATAGRAM;
            long reply = buffersBase + (long) (BATCH + i) * DatagramAnswer.MAX_DATAGRAM;
            requests[i] = buffers.getByteBuffer((long) i * DatagramAnswer.MAX_DATAGRAM, DatagramAnswer.MAX_DATAGRAM);
            replies[i] = buffers.getByteBuffer((long) (BATCH + i) * DatagramAnswer.MAX_DATAGRAM,
                    DatagramAnswer.MAX_DATAGRAM);
            long header = receiving + (long) i * MMSGHDR;
            headers.setLong(header + MSG_NAME, base + names + (long) i * NAME);
            headers.setLong(header + MSG_IOV, base + receiveIovecs + (long) i * IOVEC);
            headers.setLong(header + MSG_IOVLEN, 1);
            headers.setLong(receiveIovecs + (long) i * IOVEC, request);
            headers.setLong(receiveIovecs + (long) i * IOVEC + 8, DatagramAnswer.MAX_DATAGRAM);
            headers.setLong(sendIovecs + (long) i * IOVEC, reply);
        }
        headers.setInt(pollFds, fd);
        headers.setShort(pollFds + 4, POLLIN);
        headers.setInt(pollFds + POLLFD, wakeUp.fd());
        headers.setShort(pollFds + POLLFD + 4, POLLIN);
        this.pollVector = headers.share(pollFds);
        this.thread = new Thread(null, this::run,
                "superserver-answer-" + binding.definition().name() + "-udp-" + local.getPort(), STACK_BYTES);
        thread.setDaemon(true);
        // a channel closed by another way than close() (it is not expected) is not read again
        channel.closeFuture().addListener(f -> {
            closed = true;
            wakeUp.wake();
        });
    }

    /**
     * Whether this core can read {@code channel} on its descriptor: a native (epoll) IP datagram
     * socket, on a 64-bit Linux (the layout of {@code struct mmsghdr} above).
     */
    static boolean supports(Channel channel) {
        return Native.POINTER_SIZE == 8 && channel instanceof UnixChannel
                && channel.localAddress() instanceof InetSocketAddress;
    }

    /** Starts the thread; the caller has turned the channel's auto-read off. */
    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (!closed) {
                if (Libc.poll(pollVector, 2, -1) < 0) {
                    if (Libc.errno() != Libc.EINTR) {
                        failed("poll");
                    }
                    continue;
                }
                int read;
                do {
                    read = readBatch();
                } while (read == BATCH && !closed);
            }
        } catch (RuntimeException | Error e) {
            // the socket's event loop reads it from now on, so the service goes on answering
            LOG.error("ANSWER service={} protocol={} address={} thread ended, the event loop reads the socket: {}",
                    binding.definition().name(), binding.definition().protocol().configName(),
                    Addresses.format(local), e.toString());
            if (!closed) {
                channel.config().setAutoRead(true);
            }
        }
    }

    /** Reads one batch, answers it and sends the answers; the number of datagrams read. */
    private int readBatch() {
        for (int i = 0; i < BATCH; i++) {
            headers.setInt(receiving + (long) i * MMSGHDR + MSG_NAMELEN, SOCKADDR_IN6);
        }
        int read = Libc.recvmmsg(fd, base + receiving, BATCH, Libc.MSG_DONTWAIT, 0);
        if (read <= 0) {
            if (read < 0 && Libc.errno() != EAGAIN && Libc.errno() != Libc.EINTR && !closed) {
                failed("recvmmsg");
            }
            return 0;
        }
        ServiceDefinition definition = binding.definition();
        Occupancy occupancy = binding.occupancy();
        int answered = 0;
        for (int i = 0; i < read; i++) {
            long header = receiving + (long) i * MMSGHDR;
            int length = Math.min(headers.getInt(header + MSG_LEN), DatagramAnswer.MAX_DATAGRAM);
            InetSocketAddress sender = Addresses.socketAddress(headers.share(names + (long) i * NAME));
            if (sender == null) {
                continue;
            }
            ByteBuffer request = requests[i].clear().limit(length);
            if (DatagramDispatcher.decidesFirst(definition)) {
                toPipeline(request, sender);
                continue;
            }
            binding.countAccepted();
            if (!binding.admit()) {
                continue;
            }
            occupancy.bytesIn.addAndGet(length);
            ByteBuffer reply = replies[i].clear();
            boolean send;
            try {
                send = answers.answer(request, sender, local, reply);
            } catch (RuntimeException e) {
                LOG.warn("HANDLER service={} protocol={} from={} handler={} error={}", definition.name(),
                        definition.protocol().configName(), Addresses.format(sender), definition.handler(),
                        e.toString());
                continue;
            }
            if (!send) {
                continue;
            }
            long out = sending + (long) answered * MMSGHDR;
            headers.setLong(out + MSG_NAME, base + names + (long) i * NAME);
            headers.setInt(out + MSG_NAMELEN, headers.getInt(header + MSG_NAMELEN));
            headers.setLong(out + MSG_IOV, base + sendIovecs + (long) i * IOVEC);
            headers.setLong(out + MSG_IOVLEN, 1);
            headers.setLong(sendIovecs + (long) i * IOVEC + 8, reply.position());
            occupancy.bytesOut.addAndGet(reply.position());
            answered++;
        }
        if (answered > 0 && Libc.sendmmsg(fd, base + sending, answered, Libc.MSG_DONTWAIT) < 0
                && Libc.errno() != EAGAIN && !closed) {
            LOG.debug("SEND service={} error={}", definition.name(), Libc.describe(Libc.errno()));
        }
        return read;
    }

    /** Hands one datagram to the socket's pipeline, as its event loop would have. */
    private void toPipeline(ByteBuffer request, InetSocketAddress sender) {
        ByteBuf content = channel.alloc().buffer(request.remaining());
        content.writeBytes(request);
        DatagramPacket packet = new DatagramPacket(content, local, sender);
        try {
            channel.eventLoop().execute(() -> {
                if (channel.isOpen()) {
                    channel.pipeline().fireChannelRead(packet);
                    channel.pipeline().fireChannelReadComplete(); // where the handlers flush their answers
                } else {
                    packet.release();
                }
            });
        } catch (RuntimeException stopping) {
            packet.release();
        }
    }

    private void failed(String call) {
        if (closed) {
            return;
        }
        LOG.warn("ANSWER service={} protocol={} address={} error={}: {}", binding.definition().name(),
                binding.definition().protocol().configName(), Addresses.format(local), call,
                Libc.describe(Libc.errno()));
        try {
            TimeUnit.MILLISECONDS.sleep(ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Wakes and ends the thread; the caller closes the channel afterwards. */
    @Override
    public void close() {
        closed = true;
        wakeUp.wake();
        if (thread != Thread.currentThread()) {
            try {
                thread.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("ANSWER service={} thread={} did not end within {} ms", binding.definition().name(),
                        thread.getName(), JOIN_MILLIS);
                return; // its memory and eventfd stay with it rather than be freed under it
            }
        }
        wakeUp.close();
    }
}
