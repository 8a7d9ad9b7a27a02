package org.superserver.config.inetd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConfigSource;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.ConfigFile;
import org.superserver.api.config.DefinitionPublisher;
import org.superserver.api.config.ServicesTable;

/**
 * One set of inetd.conf files (plus the services table they are read with), published through a
 * {@link DefinitionPublisher}: read on {@link #reload()}, and by {@link #reloadIfChanged()} when a
 * poll sees that a file's modification time, size or identity (an editor that replaces the file)
 * changed <em>and</em> its content did. A file that cannot be read is an error naming it, and the
 * definitions of its last good read stay published, so a file caught mid-replacement never drops
 * services. A path that is not a regular file (a FIFO, a device, a directory) is such an error too,
 * found without opening it, so that no read blocks. The bytes are read as ISO-8859-1, one char per
 * byte, so that arguments reach a program unchanged whatever their encoding. Thread-safe: every
 * public method is serialized.
 */
final class InetdSource implements ConfigSource {

    private static final Logger LOG = LoggerFactory.getLogger(InetdSource.class);

    /** What one reload did, for the log line and for tests. */
    static final class Report {
        final DefinitionPublisher.Changes changes;
        final int services;
        final List<Diagnostic> diagnostics;

        Report(DefinitionPublisher.Changes changes, int services, List<Diagnostic> diagnostics) {
            this.changes = changes;
            this.services = services;
            this.diagnostics = List.copyOf(diagnostics);
        }

        long errors() {
            return diagnostics.stream().filter(Diagnostic::isError).count();
        }
    }

    /** A file's stat fingerprint and content hash as last seen. */
    private static final class Seen {
        final Object stat;
        final int contentHash;

        Seen(Object stat, int contentHash) {
            this.stat = stat;
            this.contentHash = contentHash;
        }
    }

    private final List<Path> files;
    private final Path servicesFile;
    private final boolean wrapAll;
    private final AddressResolver resolver;
    private final DefinitionPublisher publisher;
    private final Map<Path, Seen> seen = new HashMap<>();
    /** The definitions of each file's last good read. */
    private final Map<Path, List<ServiceDefinition>> lastGood = new HashMap<>();
    private ServicesTable lastServices;
    private boolean closed;

    InetdSource(List<Path> files, Path servicesFile, boolean wrapAll, AddressResolver resolver,
            DefinitionPublisher publisher) {
        this.files = List.copyOf(files);
        this.servicesFile = Objects.requireNonNull(servicesFile);
        this.wrapAll = wrapAll;
        this.resolver = resolver;
        this.publisher = publisher;
    }

    @Override
    public String description() {
        return "inetd.conf " + files.stream().map(Path::toString).collect(Collectors.joining(", "));
    }

    List<Path> files() {
        return files;
    }

    @Override
    public void reload() {
        reloadNow();
    }

    /** Reads every file again and publishes the difference; never throws for bad input. */
    synchronized Report reloadNow() {
        if (closed) {
            return null;
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        ServicesTable table = readServices(diagnostics);
        InetdConfParser parser = new InetdConfParser(table, servicesFile.toString(), wrapAll, resolver);
        Map<String, ServiceDefinition> all = new LinkedHashMap<>();
        for (Path file : files) {
            String name = file.toString();
            byte[] bytes;
            try {
                Object stat = stat(file);
                bytes = ConfigFile.read(file);
                seen.put(file, new Seen(stat, Arrays.hashCode(bytes)));
            } catch (NoSuchFileException e) {
                seen.put(file, new Seen(null, 0));
                diagnostics.add(Diagnostic.error(name, 0, "file", "inetd.conf file " + name + " does not exist"
                        + keeping(file) + "; expected a readable inetd.conf(5) file"));
                lastGood.getOrDefault(file, List.of()).forEach(d -> all.put(d.id(), d));
                continue;
            } catch (ConfigFile.NotRegular e) {
                seen.put(file, new Seen(null, 0));
                diagnostics.add(Diagnostic.error(name, 0, "file", "inetd.conf file " + e.getMessage()
                        + "; it is not read" + keeping(file) + "; expected a readable inetd.conf(5) file"));
                lastGood.getOrDefault(file, List.of()).forEach(d -> all.put(d.id(), d));
                continue;
            } catch (IOException e) {
                seen.put(file, new Seen(null, 0));
                diagnostics.add(Diagnostic.error(name, 0, "file", "inetd.conf file " + name + " cannot be read ("
                        + e + ")" + keeping(file) + "; expected a readable inetd.conf(5) file"));
                lastGood.getOrDefault(file, List.of()).forEach(d -> all.put(d.id(), d));
                continue;
            }
            // byte-transparent: each byte is one char of the same value, so arguments keep their bytes
            ParseResult result = parser.parse(name, new String(bytes, StandardCharsets.ISO_8859_1));
            diagnostics.addAll(result.diagnostics());
            lastGood.put(file, result.definitions());
            result.definitions().forEach(d -> all.put(d.id(), d));
        }
        DefinitionPublisher.Changes changes = publisher.apply(new ArrayList<>(all.values()));
        Report report = new Report(changes, all.size(), diagnostics);
        for (Diagnostic d : diagnostics) {
            if (d.isError()) {
                LOG.error("{}", InetdConfParser.describe(d));
            } else {
                LOG.warn("{}", InetdConfParser.describe(d));
            }
        }
        LOG.info("Read {}: {} services ({}), errors {}, warnings {}", description(), report.services, changes,
                report.errors(), diagnostics.size() - report.errors());
        return report;
    }

    /**
     * Every problem of the files (and the services table) as they are on disk now: they are read
     * and parsed again into a list of their own; nothing is published, logged or remembered.
     */
    @Override
    public synchronized List<Diagnostic> check() {
        List<Diagnostic> diagnostics = new ArrayList<>();
        ServicesTable table = ServicesTable.EMPTY;
        try {
            table = ServicesTable.parse(new String(ConfigFile.read(servicesFile), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error(servicesFile.toString(), 0, "services", "services table " + servicesFile
                    + " cannot be read (" + (e instanceof ConfigFile.NotRegular ? e.getMessage() : e.toString())
                    + "); only numeric ports resolve; expected a services(5) file such as /etc/services"));
        }
        InetdConfParser parser = new InetdConfParser(table, servicesFile.toString(), wrapAll, resolver);
        for (Path file : files) {
            String name = file.toString();
            byte[] bytes;
            try {
                bytes = ConfigFile.read(file);
            } catch (NoSuchFileException e) {
                diagnostics.add(Diagnostic.error(name, 0, "file", "inetd.conf file " + name + " does not exist"
                        + "; expected a readable inetd.conf(5) file"));
                continue;
            } catch (IOException e) {
                diagnostics.add(Diagnostic.error(name, 0, "file", "inetd.conf file " + (e instanceof ConfigFile.NotRegular
                        ? e.getMessage() + "; it is not read" : name + " cannot be read (" + e + ")")
                        + "; expected a readable inetd.conf(5) file"));
                continue;
            }
            diagnostics.addAll(parser.parse(name, new String(bytes, StandardCharsets.ISO_8859_1)).diagnostics());
        }
        return List.copyOf(diagnostics);
    }

    @Override
    public synchronized boolean publishes(String serviceId) {
        return definition(serviceId) != null;
    }

    /**
     * Refuses: an inetd.conf line decides whether its service runs. Says which file and line to
     * comment out (or in again).
     */
    @Override
    public synchronized String setDisabled(String serviceId, boolean disabled) {
        ServiceDefinition d = definition(serviceId);
        if (d == null) {
            throw new IllegalArgumentException("service " + serviceId + " is not one of " + description());
        }
        throw new UnsupportedOperationException("service " + d.name() + " comes from " + d.origin()
                + ", and its file decides whether it runs: " + (disabled ? "comment that line out (#)"
                : "keep that line uncommented") + " and run inetd:reload");
    }

    /** The published definition with {@code id}, or {@code null}. */
    private ServiceDefinition definition(String id) {
        for (List<ServiceDefinition> definitions : lastGood.values()) {
            for (ServiceDefinition d : definitions) {
                if (d.id().equals(id)) {
                    return d;
                }
            }
        }
        return null;
    }

    /**
     * Reloads when a file (or the services table) changed on disk since the last read: its stat
     * fingerprint differs and so does its content. Returns whether it reloaded.
     */
    synchronized boolean reloadIfChanged() {
        if (closed) {
            return false;
        }
        boolean changed = false;
        List<Path> watched = new ArrayList<>(files);
        watched.add(servicesFile);
        for (Path file : watched) {
            Seen before = seen.get(file);
            Object stat;
            try {
                stat = stat(file);
            } catch (IOException e) {
                stat = null;
            }
            if (before != null && Objects.equals(before.stat, stat)) {
                continue;
            }
            int hash = 0;
            if (stat != null) {
                try {
                    hash = Arrays.hashCode(ConfigFile.read(file));
                } catch (IOException e) {
                    stat = null;
                }
            }
            if (before == null || before.contentHash != hash || (before.stat == null) != (stat == null)) {
                changed = true;
            }
            seen.put(file, new Seen(stat, hash));
        }
        if (changed) {
            reloadNow();
        }
        return changed;
    }

    /** Stops this source: later reloads and polls do nothing (the publisher withdraws the definitions). */
    synchronized void close() {
        closed = true;
    }

    private ServicesTable readServices(List<Diagnostic> diagnostics) {
        String name = servicesFile.toString();
        try {
            Object stat = stat(servicesFile);
            byte[] bytes = ConfigFile.read(servicesFile);
            seen.put(servicesFile, new Seen(stat, Arrays.hashCode(bytes)));
            lastServices = ServicesTable.parse(new String(bytes, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            seen.put(servicesFile, new Seen(null, 0));
            diagnostics.add(Diagnostic.error(name, 0, "services", "services table " + name + " cannot be read ("
                    + (e instanceof ConfigFile.NotRegular ? e.getMessage() : e.toString()) + "); " + (lastServices != null ? "using its last good read"
                            : "only numeric ports resolve") + "; expected a services(5) file such as /etc/services"));
        }
        return lastServices != null ? lastServices : ServicesTable.EMPTY;
    }

    private String keeping(Path file) {
        List<ServiceDefinition> kept = lastGood.getOrDefault(file, List.of());
        return kept.isEmpty() ? "" : " (its " + kept.size() + " services from the last good read stay published)";
    }

    /** Modification time, size and file identity: what changes when the file is written or replaced. */
    private static Object stat(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
    }

    @Override
    public String toString() {
        return description();
    }
}
