package org.superserver.core.internal;

import io.netty.buffer.ByteBuf;
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
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;

/**
 * Serves an exec'd {@code tls = yes} service: once the handshake is done, starts the server with
 * the plaintext end of an {@code AF_UNIX} socket pair as its fd 0, 1 and 2 (it never sees the TLS
 * socket), and relays the other end to the TLS connection in process, with backpressure both ways
 * (neither side reads more until what it read last has been written to the other) and half-closure (the client's end of
 * input is the child's end of stdin; the child's end of output closes the TLS connection).
 *
 * <p>The child's environment gets {@code SSL_PROTOCOL}, {@code SSL_CIPHER} and, with client
 * certificates, {@code SSL_CLIENT_S_DN} (RFC 2253), as stunnel and web servers set them.
 */
final class TlsChild extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsChild.class);

    private final Binding binding;
    private final Launcher launcher;
    private Channel plain;

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
            if (plain != null && plain.isActive()) {
                ((DuplexChannel) plain).shutdownOutput(); // the child reads its end of input
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
        if (Libc.socketpair(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0, pair) != 0) {
            ServiceDefinition d = program.definition();
            LOG.error("EXEC service={} protocol={} from={} origin={} error=socketpair failed; connection closed",
                    d.name(), d.protocol().configName(), Addresses.format((InetSocketAddress) tls.remoteAddress()),
                    d.origin());
            ctx.close();
            return;
        }
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
                tls.close();
                return;
            }
            plain.read();
            tls.read();
        });
        tls.closeFuture().addListener(f -> plain.close());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (plain == null || !plain.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Channel tls = ctx.channel();
        plain.writeAndFlush(msg).addListener(f -> {
            if (f.isSuccess()) {
                tls.read(); // the next bytes once these are the child's
            } else {
                tls.close();
            }
        });
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
                ((ByteBuf) msg).release();
                return;
            }
            Channel child = ctx.channel();
            tls.writeAndFlush(msg).addListener(f -> {
                if (f.isSuccess()) {
                    child.read(); // the child's next bytes once these are on their way to the client
                } else {
                    child.close();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                // the child closed its output: send what is left, then close_notify and close
                tls.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            tls.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
