package org.superserver.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;

/**
 * Serves an exec'd {@code tls = yes} service: once the handshake is done, starts the server with
 * the plaintext end of an {@code AF_UNIX} socket pair as its fd 0, 1 and 2 (it never sees the TLS
 * socket), and relays the other end to the TLS connection in process, with backpressure both ways
 * (a side reads only while the other's write buffer is below its high water mark) and half-closure
 * (the client's end of input is the child's end of stdin; the child's end of output closes the TLS
 * connection).
 *
 * <p>The child's environment gets {@code SSL_PROTOCOL}, {@code SSL_CIPHER} and, with client
 * certificates, {@code SSL_CLIENT_S_DN} (RFC 2253), as stunnel and web servers set them.
 */
final class TlsChild extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsChild.class);

    private final Binding binding;
    private final Launcher launcher;
    private Channel plain;
    /** Plaintext decrypted before the socket pair's channel is registered, written to it then. */
    private List<Object> early;
    /** Whether the client's input ended before the socket pair's channel was registered. */
    private boolean inputEnded;

    /** A write listener that closes {@code other} (the side that read the bytes) when a write fails. */
    private static final Function<Channel, ChannelFutureListener> CLOSE_OTHER_ON_FAILURE =
            other -> f -> {
                if (!f.isSuccess()) {
                    other.close();
                }
            };

    TlsChild(Binding binding, Launcher launcher) {
        this.binding = binding;
        this.launcher = launcher;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess() && plain == null) {
                start(ctx);
            } else if (!done.isSuccess()) {
                ctx.close();
            }
            return;
        }
        if (event instanceof ChannelInputShutdownEvent || event instanceof SslCloseCompletionEvent) {
            if (plain != null && !plain.isRegistered()) {
                inputEnded = true; // passed on once the socket pair's channel is registered
            } else if (plain != null && plain.isActive()) {
                endChildInput();
            } else if (plain == null) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    /** The variables a child of this connection gets, from its TLS session. */
    static Map<String, String> environment(SSLSession session) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SSL_PROTOCOL", session.getProtocol());
        env.put("SSL_CIPHER", session.getCipherSuite());
        try {
            Certificate[] peer = session.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
                env.put("SSL_CLIENT_S_DN", leaf.getSubjectX500Principal().getName());
            }
        } catch (SSLPeerUnverifiedException e) {
            // no client certificate
        }
        return env;
    }

    private void start(ChannelHandlerContext ctx) {
        Channel tls = ctx.channel();
        Program program = binding.program();
        if (program == null) {
            ctx.close();
            return;
        }
        SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
        int[] pair = new int[2];
        if (Libc.socketpair(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, 0, pair) != 0) {
            ServiceDefinition d = program.definition();
            LOG.error("EXEC service={} protocol={} from={} origin={} error=socketpair failed; connection closed",
                    d.name(), d.protocol().configName(), Addresses.format((InetSocketAddress) tls.remoteAddress()),
                    d.origin());
            ctx.close();
            return;
        }
        // both ends non-blocking: the relay's end is served by the event loop, which must never
        // wait on a child that is not reading; the launcher puts the child's end back in blocking mode
        try {
            if (ExecDispatcher.launch(launcher, binding, program, pair[1], (InetSocketAddress) tls.localAddress(),
                    (InetSocketAddress) tls.remoteAddress(), environment(session)) == null) {
                Libc.close(pair[0]);
                ctx.close();
                return;
            }
        } finally {
            Libc.close(pair[1]); // the child's end: the child holds it now
        }
        plain = new EpollDomainSocketChannel(pair[0]);
        plain.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        plain.config().setAutoRead(false);
        plain.pipeline().addLast(new ChildSide(tls));
        tls.config().setAutoRead(false);
        tls.eventLoop().register(plain).addListener(f -> {
            if (!f.isSuccess()) {
                Libc.close(pair[0]);
                releaseEarly();
                tls.close();
                return;
            }
            if (early != null) { // what the client sent in the handshake's last flight
                early.forEach(plain::write);
                early = null;
                plain.flush();
            }
            if (inputEnded) {
                endChildInput();
            }
            plain.read();
            tls.read();
        });
        tls.closeFuture().addListener(f -> plain.close());
    }

    /*
     * The relay: each side reads while the other can take more (below its write buffer's high
     * water mark), writes what it read, flushes once per read batch, and reads again when the
     * other side drains; so neither holds more than a write buffer of the other's bytes, and
     * neither waits for each write to complete before reading on.
     */

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (plain == null || !plain.isOpen()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!plain.isRegistered()) {
            if (early == null) {
                early = new ArrayList<>();
            }
            early.add(msg);
            return;
        }
        plain.write(msg).addListener(CLOSE_OTHER_ON_FAILURE.apply(ctx.channel()));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (plain != null && plain.isRegistered()) {
            plain.flush();
            if (plain.isWritable()) {
                ctx.read();
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // the client drains: the child may write on
        if (plain != null && plain.isRegistered() && ctx.channel().isWritable()) {
            plain.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Ends the child's input once everything read before it has been written to the child: the
     * end must not overtake bytes still waiting in the socket pair's outbound buffer.
     */
    private void endChildInput() {
        plain.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (plain.isActive()) {
                ((DuplexChannel) plain).shutdownOutput(); // the child reads its end of input
            }
        });
    }

    private void releaseEarly() {
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseEarly();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** The socket pair's server end: what the child writes goes to the client, encrypted. */
    private static final class ChildSide extends ChannelInboundHandlerAdapter {
        private final Channel tls;

        ChildSide(Channel tls) {
            this.tls = tls;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!tls.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            tls.write(msg).addListener(CLOSE_OTHER_ON_FAILURE.apply(ctx.channel()));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            tls.flush();
            if (tls.isWritable()) {
                ctx.read();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // the child drains its input: the client may send on
            if (ctx.channel().isWritable()) {
                tls.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                // the child closed its output: send what is left, then close_notify and close
                tls.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            tls.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
