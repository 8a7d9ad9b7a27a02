package org.superserver.examples.qotd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Diagnostic;
import org.superserver.api.Handler;
import org.superserver.api.ImmediateAnswer;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * The {@code qotd} handler: Quote of the Day (RFC 865) over TCP and UDP. A service whose handler is
 * {@code qotd} gets one quote per connection (then the connection is closed) or per datagram.
 * Being an {@link ImmediateAnswer}, the core may send the TCP quote straight from the accepting
 * thread. The quotes come from the file that configuration {@value #PID} names, or from the list
 * inside the bundle; a file with problems is reported line by line, and when it holds no usable
 * quote the quotes in force stay.
 */
@Component(service = Handler.class,
        property = Handler.NAME_PROPERTY + "=" + QotdHandler.NAME,
        configurationPid = QotdHandler.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = QotdConfig.class)
public final class QotdHandler implements Handler, ImmediateAnswer {

    /** The handler's name, which a service definition names. */
    static final String NAME = "qotd";
    /** Its configuration PID. */
    static final String PID = "org.superserver.examples.qotd";

    private static final Logger LOG = LoggerFactory.getLogger(QotdHandler.class);

    private final QuoteStreamHandler stream = new QuoteStreamHandler(this::quote);
    private final QuoteDatagramHandler datagram = new QuoteDatagramHandler(this::quote, () -> this.budget);
    private volatile Quotes quotes;
    private volatile ReplyBudget budget;

    @Activate
    public QotdHandler(QotdConfig config, Map<String, Object> properties) {
        this.quotes = Quotes.builtIn();
        this.budget = new ReplyBudget(ReplyBudget.DEFAULT_RATE, ReplyBudget.DEFAULT_BURST, System::nanoTime);
        modified(config, properties);
    }

    @Modified
    void modified(QotdConfig config, Map<String, Object> properties) {
        Object cfgFile = properties.get("felix.fileinstall.filename");
        String where = "pid=" + PID + (cfgFile == null ? "" : " file=" + cfgFile);
        try {
            budget = new ReplyBudget(config.udp__replies__per__second(), config.udp__replies__burst(), System::nanoTime);
        } catch (RuntimeException e) {  // a value below 1, or one Declarative Services cannot convert to a number
            LOG.error("CONFIG {} error=\"{}\" keeping {}", where, String.valueOf(e.getMessage()).replace('"', '\''),
                    budget);
        }
        String file = config.quotes__file() == null ? "" : config.quotes__file().trim();
        Quotes next = file.isEmpty() ? Quotes.builtIn() : read(Path.of(file).toAbsolutePath().normalize());
        if (next != null) {
            quotes = next;
            LOG.info("QOTD quotes={} from={} {}", next.size(), file.isEmpty() ? "built-in" : file, budget);
        } else {
            LOG.error("CONFIG {} error=\"quotes_file {} holds no usable quote\" keeping quotes={}", where, file,
                    quotes.size());
        }
    }

    /** The quotes of {@code file}, every problem logged; {@code null} when it gives none. */
    static Quotes read(Path file) {
        Quotes.Parsed parsed;
        if (!Files.isRegularFile(file)) {
            parsed = new Quotes.Parsed(null, List.of(Diagnostic.error(file.toString(), 0, "quotes_file",
                    "is not a regular file that can be read")));
        } else {
            try (InputStream in = Files.newInputStream(file)) {
                parsed = Quotes.parse(file.toString(), in.readNBytes(Quotes.MAX_FILE_BYTES + 1));
            } catch (IOException e) {
                parsed = new Quotes.Parsed(null, List.of(Diagnostic.error(file.toString(), 0, "quotes_file",
                        "cannot be read: " + e.getMessage())));
            }
        }
        for (Diagnostic problem : parsed.problems()) {
            LOG.error("QOTD {}", problem);
        }
        return parsed.quotes();
    }

    @Override
    public boolean supports(SocketType socketType) {
        return socketType == SocketType.STREAM || socketType == SocketType.DGRAM;
    }

    @Override
    public void initStream(Channel channel, ConnectionInfo connection, ServiceDefinition definition) {
        channel.pipeline().addLast(stream);
    }

    @Override
    public void initDatagram(Channel channel, ServiceDefinition definition) {
        channel.pipeline().addLast(datagram);
    }

    @Override
    public ByteBuf answer(ByteBufAllocator alloc, ConnectionInfo connection) {
        return quote(alloc);
    }

    /** One quote, picked at random, in a new buffer. */
    ByteBuf quote(ByteBufAllocator alloc) {
        byte[] quote = quotes.pick(ThreadLocalRandom.current());
        return alloc.buffer(quote.length).writeBytes(quote);
    }

    /** The quotes in force. */
    Quotes quotes() {
        return quotes;
    }
}
