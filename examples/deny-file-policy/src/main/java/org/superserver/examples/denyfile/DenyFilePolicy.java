package org.superserver.examples.denyfile;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.AddressLiterals;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;
import org.superserver.api.access.PolicyInspector;

/**
 * The {@code denyfile} policy for one file. A decision looks the client's address up in the list
 * read last, on the caller's thread (an event loop) with no I/O and no lock, and is complete when
 * returned; reading the file is {@link #reloadIfChanged()}'s job, which the component calls on a
 * thread of its own. A file that does not exist denies nobody; one that cannot be read (a
 * directory, no permission, larger than {@value #MAX_FILE_BYTES} bytes, not UTF-8) denies
 * everybody until it can be read again.
 */
final class DenyFilePolicy implements AccessPolicy, PolicyInspector {

    /** The largest file read. */
    static final int MAX_FILE_BYTES = 16 << 20;
    /**
     * A file modified this recently may be modified again within the same time stamp, unseen; it is
     * read again on the next check.
     */
    static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final Logger LOG = LoggerFactory.getLogger(DenyFilePolicy.class);

    /** What the policy decides with: the list, or why the file cannot be read (then everybody is denied). */
    private record State(DenyList list, String unreadable, FileStamp stamp, boolean racy) {
    }

    private final Path file;
    private final LongSupplier wallNanos;
    private volatile State state = new State(DenyList.EMPTY, "has not been read yet", null, true);

    /**
     * @param file the deny file
     * @param wallNanos the wall clock in nanoseconds since the epoch, to compare with modification times
     */
    DenyFilePolicy(Path file, LongSupplier wallNanos) {
        this.file = file;
        this.wallNanos = wallNanos;
    }

    /** A policy for {@code file} that has read it. */
    static DenyFilePolicy reading(Path file) {
        DenyFilePolicy policy = new DenyFilePolicy(file,
                () -> TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()));
        policy.reloadIfChanged();
        return policy;
    }

    @Override
    public CompletionStage<Decision> check(ConnectionInfo connection, ServiceDefinition definition) {
        return CompletableFuture.completedFuture(decide(connection.remote().getAddress()));
    }

    /**
     * The decision for a client at {@code address}, from what was read last. The reason names the
     * file and line that denies ({@code /etc/superserver/deny:3 192.0.2.0/24}); the core's DENY line
     * puts the policy's name before it.
     */
    Decision decide(InetAddress address) {
        State s = state;
        if (s.unreadable() != null) {
            return Decision.deny(file + " " + s.unreadable() + "; everybody is denied");
        }
        Optional<AddressRange> entry = s.list().match(address);
        return entry.isPresent()
                ? Decision.deny(file + ":" + entry.get().line() + " " + entry.get().text())
                : Decision.allow("not listed in " + file);
    }

    /**
     * Reads the file again if it changed since it was last read (or was read too soon after a
     * change to be sure of it); logs what it found.
     *
     * @return whether it was read
     */
    synchronized boolean reloadIfChanged() {
        FileStamp now = FileStamp.of(file);
        State before = state;
        if (!before.racy() && now.equals(before.stamp())) {
            return false;
        }
        boolean racy = now.exists() && wallNanos.getAsLong() - now.modifiedNanos() < RACY_NANOS;
        Read read = read();
        state = new State(read.list(), read.unreadable(), now, racy);
        if (now.equals(before.stamp()) && Objects.equals(read.unreadable(), before.unreadable())) {
            return true;  // read again to be sure, and nothing new to report
        }
        if (read.unreadable() != null) {
            LOG.error("DENYFILE file={} error=\"{}\" denying=everybody", file, read.unreadable());
            return true;
        }
        for (Diagnostic problem : read.problems()) {
            if (problem.isError()) {
                LOG.error("DENYFILE {}", problem);
            } else {
                LOG.warn("DENYFILE {}", problem);
            }
        }
        if (!now.exists()) {
            LOG.warn("DENYFILE file={} entries=0 reason=\"does not exist; nobody is denied\"", file);
        } else {
            LOG.info("DENYFILE file={} entries={} problems={}", file, read.list().entries(), read.problems().size());
        }
        return true;
    }

    /** What one reading of the file gave. */
    private record Read(DenyList list, List<Diagnostic> problems, String unreadable) {
    }

    private Read read() {
        if (Files.isDirectory(file)) {
            return new Read(DenyList.EMPTY, List.of(), "is a directory, not a file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            return new Read(DenyList.EMPTY, List.of(), null);
        } catch (IOException e) {
            return new Read(DenyList.EMPTY, List.of(), "cannot be read (" + e + ")");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            return new Read(DenyList.EMPTY, List.of(), "is larger than " + MAX_FILE_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new Read(DenyList.EMPTY, List.of(), "is not UTF-8 text");
        }
        DenyList.Parsed parsed = DenyList.parse(file.toString(), text);
        return new Read(parsed.list(), parsed.problems(), null);
    }

    /** What the policy would decide for {@code client} (an address, optionally {@code user@address}). */
    @Override
    public Explanation explain(String daemon, String client) {
        String host = client.substring(client.indexOf('@') + 1);
        InetAddress address = AddressLiterals.parse(host).orElseThrow(() -> new IllegalArgumentException(
                "denyfile decides on addresses only: '" + host + "' is not an IPv4 or IPv6 address"));
        Decision decision = decide(address);
        List<String> report = new ArrayList<>();
        report.add("client:   address " + address.getHostAddress());
        report.add("file:     " + file);
        report.add("matched:  " + decision.reason());
        report.add("access:   " + (decision.isAllowed() ? "granted" : "denied"));
        State s = state;
        String rule = s.unreadable() != null ? file.toString()
                : s.list().match(address).map(e -> file + ":" + e.line()).orElse(null);
        return new Explanation(decision.isAllowed(), rule, report);
    }

    /** The problems of the file as it is on disk now (read again, without changing what decides). */
    @Override
    public List<Diagnostic> check() {
        Read read = read();
        if (read.unreadable() != null) {
            return List.of(Diagnostic.error(file.toString(), 0, null, read.unreadable() + "; everybody is denied"));
        }
        return read.problems();
    }

    Path file() {
        return file;
    }
}
