package org.superserver.core.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ListenAddresses;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * The record of the IP sockets the services listen on, file {@value #FILE_NAME} in the server's
 * data directory, written each time the configuration has settled: once the first one has been
 * applied, and after each reload. At the next start the launcher binds these sockets before the
 * framework starts and hands them over ({@link PassedSockets#takeEarly}): a restart then refuses
 * connections only while the JVM itself starts, and the clients that come while the bundles start
 * wait in the listen backlog (or, for a datagram, the socket's buffer) until their service answers.
 *
 * <p>One socket a line, fields separated by a space: {@code stream ADDRESS PORT BACKLOG} or {@code
 * dgram ADDRESS PORT}, the address a literal as bound ({@code 0.0.0.0}, {@code ::}, {@code
 * 127.0.0.1}); lines starting with {@code #} are comments; a line {@code configuration KEY} gives
 * the fingerprint of the configuration files the launcher saw at this start (framework property
 * {@value #KEY_PROPERTY}), and the next start binds the sockets only if its own is the same. Left out: Unix-domain sockets, services
 * on port 0 (an ephemeral port, another at every bind), and IPv6 sockets for IPv6 only ({@code
 * v6only}, an option the launcher does not set). The file is replaced by a rename, created {@code
 * 0600}, never written through a symbolic link ({@link DumpFile}); it is not flushed to disk, since
 * a record lost in a crash only means a start without early sockets. Confined to the registry's
 * thread.
 */
final class ListeningRecord {

    private static final Logger LOG = LoggerFactory.getLogger(ListeningRecord.class);

    /** The record's file name in the data directory. */
    static final String FILE_NAME = "listening";
    /** The framework property with the fingerprint of the configuration, set by the launcher. */
    static final String KEY_PROPERTY = "superserver.listening.key";

    private final Path file;
    private final String key;
    private String written;

    private ListeningRecord(Path file, String key) {
        this.file = file;
        this.key = key;
    }

    /** A record kept in {@code file}, made from the configuration whose fingerprint is {@code key}. */
    static ListeningRecord at(Path file, String key) {
        return new ListeningRecord(file, key);
    }

    /** No record: outside the launcher, which names no data directory. */
    static ListeningRecord none() {
        return new ListeningRecord(null, null);
    }

    /** Writes the sockets of {@code entries} that are listening, unless the file already says that. */
    void write(Collection<Entry> entries, int backlog) {
        if (file == null) {
            return;
        }
        String text = text(entries, backlog, key);
        if (text.equals(written)) {
            return;
        }
        try {
            DumpFile.write(file, text, false);
            written = text;
        } catch (IOException | RuntimeException e) {
            LOG.warn("RECORD file={} error=the listening sockets could not be recorded for the next start: {}", file,
                    e.toString());
        }
    }

    /** The record's text for the listening sockets of {@code entries}, sorted, with {@code key} if not {@code null}. */
    static String text(Collection<Entry> entries, int backlog, String key) {
        TreeSet<String> lines = new TreeSet<>();
        for (Entry entry : entries) {
            Binding binding = entry.binding();
            String line = binding == null ? null : line(entry.definition(), binding.boundAddress(), backlog);
            if (line != null) {
                lines.add(line);
            }
        }
        StringBuilder text = new StringBuilder("# The IP sockets Superserver listened on when its configuration last"
                + " settled.\n# Bound by the launcher at the next start, before the framework starts. Written by the"
                + " server:\n# a change here lasts until the configuration settles again.\n");
        if (key != null && !key.isBlank()) {
            text.append("configuration ").append(key.trim()).append('\n');
        }
        for (String line : lines) {
            text.append(line).append('\n');
        }
        return text.toString();
    }

    /** The line of a service listening at {@code bound}, or {@code null} when it is left out. */
    static String line(ServiceDefinition definition, InetSocketAddress bound, int backlog) {
        if (!ListenAddresses.bindableEarly(definition, bound)) {
            return null; // left to the service's own bind
        }
        String address = bound.getAddress().getHostAddress();
        return definition.socketType() == SocketType.STREAM
                ? "stream " + address + " " + bound.getPort() + " " + backlog
                : "dgram " + address + " " + bound.getPort();
    }
}
