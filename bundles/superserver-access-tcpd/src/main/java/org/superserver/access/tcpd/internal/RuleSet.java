package org.superserver.access.tcpd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
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
import java.util.Set;
import org.superserver.api.Diagnostic;

/**
 * One consistent read of hosts.allow, hosts.deny and every {@code /file} of patterns they name: an
 * immutable snapshot the matcher works on. Also knows exactly how each file looked when it was read
 * ({@link FileState}), so that each decision can tell with one stat(2) per file whether the files
 * still say what these rules say ({@link #freshness()}).
 */
final class RuleSet {

    /** The largest table or pattern file read (a larger one cannot be read). */
    static final int MAX_BYTES = 64 << 20;
    /** How far apart a write and a read must be for a file's nanosecond timestamps to show a later write. */
    static final long RACY_WINDOW_NANOS = 50_000_000L;
    /** The same for timestamps in whole seconds (a file system that keeps no more). */
    static final long WHOLE_SECONDS_WINDOW_NANOS = 2_000_000_000L;

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
    /** Every file read (or found missing) for these rules, in order. */
    private final Watch[] watches;
    /** Whether a file was written so close to the read that its timestamps may hide a later edit. */
    private volatile boolean racy;

    private RuleSet(Table allow, Table deny, Map<String, List<HostPattern>> patternFiles,
                    List<Diagnostic> diagnostics, Map<Path, Watch> seen) {
        this.allow = allow;
        this.deny = deny;
        this.patternFiles = Collections.unmodifiableMap(patternFiles);
        this.diagnostics = List.copyOf(diagnostics);
        this.watches = seen.values().toArray(new Watch[0]);
        for (Watch w : watches) {
            racy |= w.trustedAfter != 0;
        }
    }

    /** Reads both tables and their pattern files. Never throws for bad or missing input. */
    static RuleSet load(Path allowPath, Path denyPath, boolean netgroups) {
        return load(allowPath, denyPath, netgroups, RACY_WINDOW_NANOS);
    }

    /**
     * Reads both tables and their pattern files. Never throws for bad or missing input.
     *
     * @param racyWindowNanos how close to the read a file's timestamps may be before they cannot be
     *                        trusted to show a later edit (see {@link Watch}); tests that write the
     *                        files just before reading them and check what needs no file read pass 0
     */
    static RuleSet load(Path allowPath, Path denyPath, boolean netgroups, long racyWindowNanos) {
        long loadedAt = wallClockNanos();
        HostsParser parser = new HostsParser(netgroups);
        List<Diagnostic> diagnostics = new ArrayList<>();
        Map<Path, Watch> seen = new LinkedHashMap<>();
        Set<String> wanted = new LinkedHashSet<>();
        Table allow = table(allowPath, parser, diagnostics, seen, wanted, loadedAt, racyWindowNanos);
        Table deny = table(denyPath, parser, diagnostics, seen, wanted, loadedAt, racyWindowNanos);
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
                text = read(path, seen, loadedAt, racyWindowNanos);
            } catch (NoSuchFileException e) {
                diagnostics.add(Diagnostic.warning(token, 0, null, "pattern file does not exist; its patterns match "
                        + "nothing (as in tcpd) until it is created"));
                continue;
            } catch (IOException e) {
                diagnostics.add(Diagnostic.warning(token, 0, null, "pattern file cannot be read: " + e.getMessage()
                        + "; its patterns match nothing (as in tcpd)"));
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

    /**
     * Rules from two texts, as if read from files of those names, without pattern files: what the
     * matcher works on, for tests and fuzzing that need no files.
     */
    static RuleSet parsed(String allowName, String allowText, String denyName, String denyText, boolean netgroups) {
        HostsParser parser = new HostsParser(netgroups);
        HostsParser.Result a = parser.parse(allowName, allowText);
        HostsParser.Result d = parser.parse(denyName, denyText);
        List<Diagnostic> diagnostics = new ArrayList<>(a.diagnostics);
        diagnostics.addAll(d.diagnostics);
        return new RuleSet(new Table(Path.of(allowName), Status.READ, null, a.rules),
                new Table(Path.of(denyName), Status.READ, null, d.rules), new HashMap<>(), diagnostics,
                new LinkedHashMap<>());
    }

    private static Table table(Path path, HostsParser parser, List<Diagnostic> diagnostics, Map<Path, Watch> seen,
                               Set<String> wanted, long loadedAt, long racyWindowNanos) {
        String name = path.toString();
        try {
            HostsParser.Result result = parser.parse(name, read(path, seen, loadedAt, racyWindowNanos));
            diagnostics.addAll(result.diagnostics);
            wanted.addAll(result.patternFiles);
            return new Table(path, Status.READ, null, result.rules);
        } catch (NoSuchFileException e) {
            return new Table(path, Status.MISSING, null, List.of());
        } catch (IOException | RuntimeException e) {
            String why = e instanceof IOException ? e.getMessage() : e.toString();
            diagnostics.add(Diagnostic.error(name, 0, null, "cannot be read: " + why + "; every client that it "
                    + "could decide about is denied until it can be read (fail closed); expected a readable regular "
                    + "file in hosts_access(5) format, or no file at all"));
            return new Table(path, Status.UNREADABLE, name + " cannot be read (" + why + ")", List.of());
        }
    }

    /**
     * The text of a file (ISO-8859-1, byte for byte), after making sure it is a regular file: a FIFO,
     * a device or a directory is refused before anything opens it, so reading never waits for a
     * writer. Records what the path looked like in {@code seen}.
     *
     * @throws NoSuchFileException when the path does not exist at all (a dangling link does exist)
     * @throws IOException with a message that says why the file cannot be read
     */
    static String read(Path path, Map<Path, Watch> seen, long loadedAt, long racyWindowNanos) throws IOException {
        FileState state = FileState.of(path);
        if (state.kind == FileState.Kind.MISSING) {
            seen.put(path, Watch.missing(path, loadedAt, racyWindowNanos));
            throw new NoSuchFileException(path.toString());
        }
        if (state.kind != FileState.Kind.FILE) {
            seen.put(path, new Watch(path, state, null, null, null, 0));
            throw new IOException(state.problem);
        }
        byte[] bytes;
        try {
            bytes = readBounded(path);
        } catch (IOException e) {
            seen.put(path, new Watch(path, state, null, null, null, 0));
            throw new IOException(e instanceof java.nio.file.FileSystemException
                    && ((java.nio.file.FileSystemException) e).getReason() != null
                    ? ((java.nio.file.FileSystemException) e).getReason() : e.toString(), e);
        }
        seen.put(path, Watch.file(path, state, bytes, loadedAt, racyWindowNanos));
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** At most {@link #MAX_BYTES}: a hostile or mistaken file costs bounded memory. */
    private static byte[] readBounded(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IOException("larger than " + (MAX_BYTES >> 20) + " MiB; expected a hosts_access(5) file");
            }
            return bytes;
        }
    }

    static long wallClockNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** What a decision finds when it checks the files read for these rules. */
    enum Freshness {
        /** Every file is as it was read: decide with these rules. */
        FRESH,
        /** A file changed: read the files again before deciding. */
        STALE,
        /** No change a stat shows, but a file was written so close to the read that one may hide: compare contents. */
        UNSURE
    }

    /**
     * One stat(2) per file read (for a missing file, of its directory): whether any looks
     * different. Cheap enough for every decision, and made at every decision, so an edit decides
     * the very next connection.
     */
    Freshness freshness() {
        for (Watch w : watches) {
            if (!w.unchanged()) {
                return Freshness.STALE;
            }
        }
        return racy ? Freshness.UNSURE : Freshness.FRESH;
    }

    /**
     * For {@link Freshness#UNSURE}: compares what the racy files hold now with what was read (reads
     * them; never on an event loop). Once every such file is old enough for its timestamps to show
     * any later edit, the rules are {@link Freshness#FRESH} again without reading.
     *
     * @return whether every file still holds what was read
     */
    boolean settle() {
        long now = wallClockNanos();
        boolean trusted = true;
        for (Watch w : watches) {
            if (w.trustedAfter == 0) {
                continue;
            }
            if (!w.sameContent()) {
                return false;
            }
            if (now - w.trustedAfter < 0) {
                trusted = false;
            }
        }
        if (trusted) {
            racy = false;
        }
        return true;
    }

    /** Whether a file read for this snapshot holds something else now (reads the racy ones). */
    boolean changedOnDisk() {
        Freshness f = freshness();
        return f == Freshness.STALE || (f == Freshness.UNSURE && !settle());
    }

    /**
     * A file read for a snapshot, as it was, and how to tell at a decision that it changed. A file
     * system stamps a write with a clock that may tick only every few milliseconds (every second on
     * some), so a second edit right after the read may leave every field of stat(2) as it was: such
     * a file is "racy" (as git calls it) until its timestamps are older than the read by more than
     * that tick, and until then its contents, kept, are compared instead.
     */
    static final class Watch {
        final Path path;
        final FileState state;
        /** For a missing file: its directory, whose change creating the file cannot avoid, and that state. */
        final Path dir;
        final FileState dirState;
        /** The bytes read, kept only while the timestamps cannot be trusted. */
        final byte[] content;
        /** Wall-clock nanoseconds after which the timestamps show any later edit; 0 when they already did at the read. */
        final long trustedAfter;

        Watch(Path path, FileState state, Path dir, FileState dirState, byte[] content, long trustedAfter) {
            this.path = path;
            this.state = state;
            this.dir = dir;
            this.dirState = dirState;
            this.content = content;
            this.trustedAfter = trustedAfter;
        }

        static Watch file(Path path, FileState state, byte[] bytes, long loadedAt, long racyWindowNanos) {
            long after = state.latest() + window(state, racyWindowNanos);
            return after - loadedAt > 0 ? new Watch(path, state, null, null, bytes, after)
                    : new Watch(path, state, null, null, null, 0);
        }

        static Watch missing(Path path, long loadedAt, long racyWindowNanos) {
            Path dir = path.getParent();
            FileState d = dir == null ? null : FileState.of(dir);
            if (d == null || d.kind != FileState.Kind.DIRECTORY) {
                return new Watch(path, FileState.MISSING, null, null, null, 0);
            }
            long after = d.latest() + window(d, racyWindowNanos);
            return new Watch(path, FileState.MISSING, dir, d, null, after - loadedAt > 0 ? after : 0);
        }

        private static long window(FileState s, long racyWindowNanos) {
            return s.wholeSeconds() ? Math.max(racyWindowNanos, WHOLE_SECONDS_WINDOW_NANOS) : racyWindowNanos;
        }

        boolean unchanged() {
            return dir != null ? FileState.of(dir).equals(dirState) : FileState.of(path).equals(state);
        }

        boolean sameContent() {
            if (state.kind == FileState.Kind.MISSING) {
                return !FileState.of(path).exists();
            }
            try {
                return Arrays.equals(readBounded(path), content);
            } catch (IOException e) {
                return false;
            }
        }
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
