package org.superserver.config.xinetd.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConfigSource;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.ConfigFile;
import org.superserver.api.config.DefinitionPublisher;

/**
 * One set of xinetd.conf files, each read with what it includes, published through a {@link
 * DefinitionPublisher}: read on {@link #reload()}, and by {@link #reloadIfChanged()} when a poll sees
 * that a file read last time, an included directory (a file added to or removed from it) or the
 * services table changed its modification time, size or identity <em>and</em> its content (for a
 * directory: its list of names). A top file that cannot be read is an error naming it, and the
 * definitions of its last good read stay published, so that a file caught mid-replacement never
 * drops services. A file that an includedir skips (a dot in its name, a trailing '~') is logged
 * once, not at every reload. Thread-safe: every public method is serialized.
 */
final class XinetdSource implements ConfigSource {

    private static final Logger LOG = LoggerFactory.getLogger(XinetdSource.class);

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

    private final List<Path> files;
    private final XinetdReader reader;
    private final DefinitionPublisher publisher;
    /** Every path the last reads looked at (files, included directories, the services table) and what it was. */
    private final Map<Path, Seen> seen = new HashMap<>();
    private final Map<Path, List<ServiceDefinition>> lastGood = new HashMap<>();
    /** The service blocks of each file's last good read that are turned off. */
    private final Map<Path, List<ServiceMapper.Off>> lastOff = new HashMap<>();
    /** The includedir entries the last read skipped: logged when first seen, not again while they stay. */
    private Set<String> skipsLogged = new HashSet<>();
    private boolean closed;

    XinetdSource(List<Path> files, XinetdReader reader, DefinitionPublisher publisher) {
        this.files = List.copyOf(files);
        this.reader = reader;
        this.publisher = publisher;
    }

    @Override
    public String description() {
        return "xinetd.conf " + files.stream().map(Path::toString).collect(Collectors.joining(", "));
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
        Map<String, ServiceDefinition> all = new LinkedHashMap<>();
        Set<Path> watched = new LinkedHashSet<>();
        for (Path file : files) {
            String name = file.toString();
            watched.add(file);
            try {
                XinetdReader.Result result = reader.readTree(file, diagnostics::add);
                watched.addAll(result.watched);
                lastGood.put(file, result.definitions);
                lastOff.put(file, result.off);
                result.definitions.forEach(d -> all.put(d.id(), d));
            } catch (NoSuchFileException e) {
                diagnostics.add(Diagnostic.error(name, 0, "file", "xinetd.conf file " + name + " does not exist"
                        + keeping(file) + "; expected a readable xinetd.conf(5) file"));
                lastGood.getOrDefault(file, List.of()).forEach(d -> all.put(d.id(), d));
            } catch (IOException e) {
                diagnostics.add(Diagnostic.error(name, 0, "file", "xinetd.conf file " + (e instanceof ConfigFile.NotRegular
                        ? e.getMessage() + "; it is not read" : name + " cannot be read (" + e + ")") + keeping(file)
                        + "; expected a readable xinetd.conf(5) file"));
                lastGood.getOrDefault(file, List.of()).forEach(d -> all.put(d.id(), d));
            }
        }
        seen.clear();
        for (Path path : watched) {
            seen.put(path, Seen.of(path));
        }
        DefinitionPublisher.Changes changes = publisher.apply(new ArrayList<>(all.values()));
        Report report = new Report(changes, all.size(), diagnostics);
        Set<String> skipped = new HashSet<>();
        for (Diagnostic d : diagnostics) {
            if (d.isError()) {
                LOG.error("{}", describe(d));
            } else if ("includedir".equals(d.field())) {
                if (skipped.add(d.file()) && !skipsLogged.contains(d.file())) {
                    LOG.info("{}", describe(d));
                }
            } else {
                LOG.warn("{}", describe(d));
            }
        }
        skipsLogged = skipped;
        LOG.info("Read {}: {} services ({}), errors {}, warnings {}", description(), report.services, changes,
                report.errors(), diagnostics.size() - report.errors());
        return report;
    }

    /**
     * Every problem of the files as they are on disk now: they are read again into a list of their
     * own, and nothing is published, logged or remembered.
     */
    @Override
    public synchronized List<Diagnostic> check() {
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Path file : files) {
            String name = file.toString();
            try {
                reader.readTree(file, diagnostics::add);
            } catch (NoSuchFileException e) {
                diagnostics.add(Diagnostic.error(name, 0, "file", "xinetd.conf file " + name + " does not exist"
                        + "; expected a readable xinetd.conf(5) file"));
            } catch (IOException e) {
                diagnostics.add(Diagnostic.error(name, 0, "file", "xinetd.conf file " + (e instanceof ConfigFile.NotRegular
                        ? e.getMessage() + "; it is not read" : name + " cannot be read (" + e + ")")
                        + "; expected a readable xinetd.conf(5) file"));
            }
        }
        return List.copyOf(diagnostics);
    }

    @Override
    public synchronized boolean publishes(String serviceId) {
        return definition(serviceId) != null;
    }

    /**
     * Refuses: the files decide whether a service is on. Says which file and line to edit (the
     * service's block, with {@code disable = yes} or {@code no}). A service that is turned off is
     * found by its name or xinetd id, and the answer says what turns it off, where.
     */
    @Override
    public synchronized String setDisabled(String serviceId, boolean disabled) {
        ServiceDefinition d = definition(serviceId);
        if (d == null) {
            for (List<ServiceMapper.Off> offs : lastOff.values()) {
                for (ServiceMapper.Off off : offs) {
                    if (off.name().equals(serviceId) || off.xid().equals(serviceId)) {
                        throw new UnsupportedOperationException("service " + off.name() + " (id " + off.xid()
                                + ") of " + off.file() + ":" + off.line() + " is turned off there (" + off.why()
                                + "), and its file decides whether it runs: " + (disabled ? "it stays off"
                                : "edit it there (disable = no) and run inetd:reload"));
                    }
                }
            }
            throw new IllegalArgumentException("service " + serviceId + " is not one of " + description());
        }
        throw new UnsupportedOperationException("service " + d.name() + " comes from " + d.origin()
                + ", and its file decides whether it runs: edit its block there (disable = "
                + (disabled ? "yes" : "no") + ") and run inetd:reload");
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
     * Reloads when anything the last read looked at changed on disk: its stat (modification time,
     * size, identity) and then its content (a directory's names) differ. Returns whether it reloaded.
     */
    synchronized boolean reloadIfChanged() {
        if (closed) {
            return false;
        }
        for (Map.Entry<Path, Seen> e : seen.entrySet()) {
            Path path = e.getKey();
            Seen before = e.getValue();
            Object stat = stat(path);
            if (Objects.equals(before.stat, stat)) {
                continue;
            }
            Object content = stat == null ? null : content(path);
            if (!Objects.equals(before.content, content) || (before.stat == null) != (stat == null)) {
                reloadNow();
                return true;
            }
            e.setValue(new Seen(stat, content));
        }
        return false;
    }

    /** Stops this source: later reloads and polls do nothing. */
    synchronized void close() {
        closed = true;
    }

    /** A path's stat and content as last seen. */
    private static final class Seen {
        final Object stat;
        final Object content;

        Seen(Object stat, Object content) {
            this.stat = stat;
            this.content = content;
        }

        static Seen of(Path path) {
            Object stat = stat(path);
            return new Seen(stat, stat == null ? null : content(path));
        }
    }

    /** Modification time, size and identity; {@code null} when the path is not there. */
    private static Object stat(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()), a.isDirectory());
        } catch (IOException e) {
            return null;
        }
    }

    /** A regular file's content hash, a directory's sorted names; {@code null} when unreadable. */
    private static Object content(Path path) {
        try {
            if (Files.isDirectory(path)) {
                TreeSet<String> names = new TreeSet<>();
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                    entries.forEach(p -> names.add(p.getFileName().toString()));
                }
                return names;
            }
            return Arrays.hashCode(ConfigFile.read(path));
        } catch (IOException e) {
            return null;
        }
    }

    private String keeping(Path file) {
        List<ServiceDefinition> kept = lastGood.getOrDefault(file, List.of());
        return kept.isEmpty() ? "" : " (its " + kept.size() + " services from the last good read stay published)";
    }

    /** {@code file:line: field: message}, as every log line of this bundle names a problem. */
    static String describe(Diagnostic d) {
        return d.file() + (d.line() > 0 ? ":" + d.line() : "") + ": " + (d.field() == null ? "" : d.field() + ": ")
                + d.message();
    }

    @Override
    public String toString() {
        return description();
    }
}
