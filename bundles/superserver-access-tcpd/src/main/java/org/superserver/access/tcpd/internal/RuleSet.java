package org.superserver.access.tcpd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.superserver.api.Diagnostic;

/**
 * One consistent read of hosts.allow, hosts.deny and every {@code /file} of patterns they name: an
 * immutable snapshot the matcher works on, so no file is read while a connection waits. Also knows
 * how each file looked when it was read, to tell whether a later poll sees a change.
 */
final class RuleSet {

    /** How a table file read. */
    enum Status {
        READ,
        /** Absent: counts as empty, as in tcpd. */
        MISSING,
        /** Present but not readable: the policy denies (fail closed). */
        UNREADABLE
    }

    /** hosts.allow or hosts.deny as read. */
    static final class Table {
        final Path path;
        final Status status;
        final String problem;
        final List<Rule> rules;
        final TableIndex index;

        Table(Path path, Status status, String problem, List<Rule> rules) {
            this.path = path;
            this.status = status;
            this.problem = problem;
            this.rules = List.copyOf(rules);
            this.index = new TableIndex(this.rules);
        }
    }

    final Table allow;
    final Table deny;
    /** The patterns of each {@code /file}, by path as written in the rules. */
    final Map<String, List<HostPattern>> patternFiles;
    final List<Diagnostic> diagnostics;
    /** What each file read looked like: stat fingerprint and content hash. */
    final Map<Path, Fingerprint> seen;

    private RuleSet(Table allow, Table deny, Map<String, List<HostPattern>> patternFiles,
                    List<Diagnostic> diagnostics, Map<Path, Fingerprint> seen) {
        this.allow = allow;
        this.deny = deny;
        this.patternFiles = Collections.unmodifiableMap(patternFiles);
        this.diagnostics = List.copyOf(diagnostics);
        this.seen = Collections.unmodifiableMap(seen);
    }

    /** A file's modification time, size and identity, and its content's hash; stat {@code null} when absent. */
    static final class Fingerprint {
        final Object stat;
        final int contentHash;

        Fingerprint(Object stat, int contentHash) {
            this.stat = stat;
            this.contentHash = contentHash;
        }
    }

    /** Reads both tables and their pattern files. Never throws for bad or missing input. */
    static RuleSet load(Path allowPath, Path denyPath, boolean netgroups) {
        HostsParser parser = new HostsParser(netgroups);
        List<Diagnostic> diagnostics = new ArrayList<>();
        Map<Path, Fingerprint> seen = new LinkedHashMap<>();
        Set<String> wanted = new LinkedHashSet<>();
        Table allow = table(allowPath, parser, diagnostics, seen, wanted);
        Table deny = table(denyPath, parser, diagnostics, seen, wanted);
        Map<String, List<HostPattern>> files = new HashMap<>();
        Map<String, Set<String>> includes = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(wanted);
        while (!queue.isEmpty()) {
            String token = queue.poll();
            if (files.containsKey(token)) {
                continue;
            }
            Path path = Path.of(token);
            List<HostPattern> patterns = new ArrayList<>();
            Set<String> nested = new LinkedHashSet<>();
            files.put(token, patterns);
            includes.put(token, nested);
            String text;
            try {
                text = read(path, seen);
            } catch (NoSuchFileException e) {
                diagnostics.add(Diagnostic.warning(token, 0, null, "pattern file does not exist; its patterns match "
                        + "nothing (as in tcpd) until it is created"));
                continue;
            } catch (IOException e) {
                diagnostics.add(Diagnostic.warning(token, 0, null, "pattern file cannot be read (" + e
                        + "); its patterns match nothing"));
                continue;
            }
            // tcpd reads a pattern file as words separated by white space (fscanf %s).
            Set<String> words = new LinkedHashSet<>(Arrays.asList(text.trim().split("[ \t\n\u000b\f\r]+")));
            words.remove("");
            for (String word : words) {
                patterns.add(HostPattern.compile(word, netgroups,
                        m -> diagnostics.add(Diagnostic.warning(token, 0, null, m))));
                if (word.startsWith("/")) {
                    nested.add(word);
                    queue.add(word);
                }
            }
        }
        reportCycles(includes, diagnostics);
        return new RuleSet(allow, deny, files, diagnostics, seen);
    }

    private static Table table(Path path, HostsParser parser, List<Diagnostic> diagnostics,
                               Map<Path, Fingerprint> seen, Set<String> wanted) {
        String name = path.toString();
        try {
            HostsParser.Result result = parser.parse(name, read(path, seen));
            diagnostics.addAll(result.diagnostics);
            wanted.addAll(result.patternFiles);
            return new Table(path, Status.READ, null, result.rules);
        } catch (NoSuchFileException e) {
            return new Table(path, Status.MISSING, null, List.of());
        } catch (IOException | RuntimeException e) {
            String problem = name + " cannot be read (" + e + ")";
            diagnostics.add(Diagnostic.error(name, 0, null, "cannot be read (" + e + "); every client that it could "
                    + "decide about is denied until it can be read (fail closed); expected a readable hosts_access(5) file"));
            return new Table(path, Status.UNREADABLE, problem, List.of());
        }
    }

    private static String read(Path path, Map<Path, Fingerprint> seen) throws IOException {
        Object stat;
        try {
            stat = stat(path);
        } catch (NoSuchFileException e) {
            seen.put(path, new Fingerprint(null, 0));
            throw e;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            seen.put(path, new Fingerprint(stat, -1));
            throw e;
        }
        seen.put(path, new Fingerprint(stat, Arrays.hashCode(bytes)));
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Modification time, size and file identity: what changes when the file is written or replaced. */
    static Object stat(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()), Files.isReadable(file));
    }

    /** Whether a file read for this snapshot looks different now (checks content only when stat changed). */
    boolean changedOnDisk() {
        for (Map.Entry<Path, Fingerprint> e : seen.entrySet()) {
            Fingerprint before = e.getValue();
            Object stat;
            try {
                stat = stat(e.getKey());
            } catch (IOException ex) {
                stat = null;
            }
            if (Objects.equals(before.stat, stat)) {
                continue;
            }
            if ((before.stat == null) != (stat == null)) {
                return true;
            }
            try {
                if (Arrays.hashCode(Files.readAllBytes(e.getKey())) != before.contentHash) {
                    return true;
                }
            } catch (IOException ex) {
                if (before.contentHash != -1) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void reportCycles(Map<String, Set<String>> includes, List<Diagnostic> diagnostics) {
        Set<String> reported = new HashSet<>();
        for (String start : includes.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            findCycle(start, start, includes, path, new HashSet<>(), reported, diagnostics);
        }
    }

    private static void findCycle(String start, String at, Map<String, Set<String>> includes, Deque<String> path,
                                  Set<String> visited, Set<String> reported, List<Diagnostic> diagnostics) {
        path.addLast(at);
        for (String next : includes.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                if (reported.add(start)) {
                    List<String> chain = new ArrayList<>(path);
                    chain.add(start);
                    diagnostics.add(Diagnostic.warning(start, 0, null, "pattern file includes itself ("
                            + String.join(" -> ", chain) + "); the inner reference matches nothing"));
                }
            } else if (visited.add(next)) {
                findCycle(start, next, includes, path, visited, reported, diagnostics);
            }
        }
        path.removeLast();
    }

    /**
     * Makes, for both tables, the index views for the daemon names and ports that {@code previous}
     * (the rules this snapshot replaces) has decided about, so that the first connection after a
     * reload does not make them on its thread.
     */
    void prepareLike(RuleSet previous) {
        allow.index.prepareLike(previous.allow.index);
        deny.index.prepareLike(previous.deny.index);
    }

    /** The number of rules read, for the log line. */
    int size() {
        return allow.rules.size() + deny.rules.size();
    }
}
