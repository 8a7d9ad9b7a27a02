package org.superserver.config.xinetd.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.ConfigFile;
import org.superserver.api.config.ServicesTable;

/**
 * Reads an xinetd.conf(5) file, with the files it includes ({@code include}, {@code includedir}),
 * into service definitions: the pure entry point that the config component and the converter use.
 * Problems go to the caller with file, line and attribute; a bad service block is left out and the
 * others are returned. Files are read as ISO-8859-1 (one char per byte), so that arguments reach a
 * program with their bytes unchanged; a path that is not a regular file (a FIFO, a device) is not
 * opened.
 */
public final class XinetdReader {

    /** The services(5) table used unless another is given. */
    public static final Path DEFAULT_SERVICES = Path.of("/etc/services");
    /** How deep {@code include} may nest (xinetd has no limit and loops on a file including itself). */
    static final int MAX_INCLUDE_DEPTH = 16;
    /** How many file reads one read may make in all (a file included twice counts twice). */
    static final int MAX_FILE_READS = 4096;

    /** What one read found: the definitions, and every file and directory it read (to watch for changes). */
    static final class Result {
        final List<ServiceDefinition> definitions;
        final Set<Path> watched;
        /** The service blocks that are turned off, and by what. */
        final List<ServiceMapper.Off> off;

        Result(List<ServiceDefinition> definitions, Set<Path> watched) {
            this(definitions, watched, List.of());
        }

        Result(List<ServiceDefinition> definitions, Set<Path> watched, List<ServiceMapper.Off> off) {
            this.definitions = List.copyOf(definitions);
            this.watched = Set.copyOf(watched);
            this.off = List.copyOf(off);
        }
    }

    private final Path servicesFile;
    private final ServicesTable fixedTable;
    private final AddressResolver resolver;

    /** A reader that looks service names up in /etc/services and resolves host names with the system's resolver. */
    public XinetdReader() {
        this(DEFAULT_SERVICES);
    }

    /** A reader that looks service names up in {@code servicesFile}. */
    public XinetdReader(Path servicesFile) {
        this(servicesFile, null, XinetdReader::resolveHost);
    }

    /** A reader over a given services table and resolver (tests, callers that forbid lookups). */
    XinetdReader(ServicesTable table, AddressResolver resolver) {
        this(null, table, resolver);
    }

    XinetdReader(Path servicesFile, AddressResolver resolver) {
        this(servicesFile, null, resolver);
    }

    private XinetdReader(Path servicesFile, ServicesTable table, AddressResolver resolver) {
        this.servicesFile = servicesFile;
        this.fixedTable = table;
        this.resolver = resolver;
    }

    /**
     * Reads {@code file} and what it includes.
     *
     * @throws IOException when {@code file} itself cannot be read (missing, not a regular file)
     */
    public List<ServiceDefinition> read(Path file, Consumer<Diagnostic> problems) throws IOException {
        return readTree(file, problems).definitions;
    }

    /** Reads {@code file} and what it includes, telling which files and directories were read. */
    Result readTree(Path file, Consumer<Diagnostic> problems) throws IOException {
        Set<Path> watched = new LinkedHashSet<>();
        ServicesTable table = table(watched, problems);
        Run run = new Run(problems, watched);
        run.readFile(file, 0, null, 0);
        ServiceMapper mapper = new ServiceMapper(table, resolver, problems);
        List<ServiceDefinition> definitions = mapper.map(run.services, run.defaults);
        return new Result(definitions, watched, mapper.off());
    }

    private ServicesTable table(Set<Path> watched, Consumer<Diagnostic> problems) {
        if (fixedTable != null) {
            return fixedTable;
        }
        watched.add(servicesFile);
        try {
            return ServicesTable.parse(new String(ConfigFile.read(servicesFile), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            problems.accept(Diagnostic.error(servicesFile.toString(), 0, "services", "services table "
                    + servicesFile + " cannot be read (" + (e instanceof ConfigFile.NotRegular ? e.getMessage()
                    : e.toString()) + "); only services with type = UNLISTED and a port serve; expected a "
                    + "services(5) file such as /etc/services"));
            return ServicesTable.EMPTY;
        }
    }

    /** One read: the defaults and the service blocks found so far, in file order. */
    private static final class Run {
        final Consumer<Diagnostic> problems;
        final Set<Path> watched;
        final Block defaults = new Block("", 0, null, true);
        final List<Block> services = new ArrayList<>();
        final List<Path> stack = new ArrayList<>();
        int reads;
        /** Set once the read limit is reported: later includes are skipped without another message. */
        boolean capped;

        Run(Consumer<Diagnostic> problems, Set<Path> watched) {
            this.problems = problems;
            this.watched = watched;
        }

        /**
         * Reads one file. The top one's problems are thrown; an included one's are reported at the
         * line that includes it ({@code from}, {@code fromLine}) and the file is skipped.
         */
        void readFile(Path path, int depth, String from, int fromLine) throws IOException {
            String name = path.toString();
            watched.add(path);
            reads++;
            byte[] bytes;
            try {
                bytes = ConfigFile.read(path);
            } catch (IOException e) {
                if (from == null) {
                    throw e;
                }
                String reason = e instanceof NoSuchFileException ? "does not exist"
                        : e instanceof ConfigFile.NotRegular ? e.getMessage() : "cannot be read (" + e + ")";
                problems.accept(Diagnostic.error(from, fromLine, "include", "included file " + name + " "
                        + reason + "; it is skipped"));
                return;
            }
            stack.add(identity(path));
            try {
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                boolean defaultsSeen = false;
                for (XinetdSyntax.Statement st : XinetdSyntax.parse(name, text, problems)) {
                    switch (st.kind) {
                        case INCLUDE:
                            include(resolve(path, st.name), depth, name, st.line);
                            break;
                        case INCLUDEDIR:
                            includeDir(resolve(path, st.name), depth, name, st.line);
                            break;
                        case DEFAULTS:
                            if (defaultsSeen) {
                                problems.accept(Diagnostic.error(name, st.line, "defaults", "a second defaults section "
                                        + "in this file; it is ignored (one defaults section per file, as xinetd)"));
                                break;
                            }
                            defaultsSeen = !st.broken;
                            for (XinetdSyntax.Assignment a : st.assignments) {
                                defaults.apply(name, a, problems);
                            }
                            break;
                        default:
                            if (st.broken) {
                                break;
                            }
                            Block service = new Block(name, st.line, st.name, false);
                            service.inheritFrom(defaults);
                            for (XinetdSyntax.Assignment a : st.assignments) {
                                service.apply(name, a, problems);
                            }
                            services.add(service);
                            break;
                    }
                }
            } finally {
                stack.remove(stack.size() - 1);
            }
        }

        private void include(Path target, int depth, String from, int line) throws IOException {
            if (stack.contains(identity(target))) {
                problems.accept(Diagnostic.error(from, line, "include", target + " includes itself (through "
                        + stack + "); not read again"));
                return;
            }
            if (reads >= MAX_FILE_READS) {
                if (capped) {
                    return;
                }
                capped = true;
                problems.accept(Diagnostic.error(from, line, "include", target + " is not read: this configuration "
                        + "has read " + MAX_FILE_READS + " files already (includes that include each other many times)"));
                return;
            }
            if (depth + 1 > MAX_INCLUDE_DEPTH) {
                problems.accept(Diagnostic.error(from, line, "include", target + " is included " + (depth + 1)
                        + " levels deep; at most " + MAX_INCLUDE_DEPTH + " are read"));
                return;
            }
            readFile(target, depth + 1, from, line);
        }

        private void includeDir(Path dir, int depth, String from, int line) throws IOException {
            watched.add(dir);
            TreeSet<String> names = new TreeSet<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    names.add(entry.getFileName().toString());
                }
            } catch (IOException e) {
                problems.accept(Diagnostic.error(from, line, "includedir", "directory " + dir + " cannot be read ("
                        + (e instanceof NoSuchFileException ? "it does not exist" : e.toString()) + ")"));
                return;
            }
            // byte order, as strcmp in the C locale: the names were decoded one char per byte
            for (String entry : names) {
                Path file = dir.resolve(entry);
                if (entry.indexOf('.') >= 0 || entry.endsWith("~")) {
                    problems.accept(Diagnostic.warning(file.toString(), 0, "includedir", "not read: names with a dot "
                            + "or ending in '~' are skipped in an includedir, as xinetd skips them"));
                    continue;
                }
                if (Files.isDirectory(file) || !Files.isRegularFile(file)) {
                    problems.accept(Diagnostic.error(file.toString(), 0, "includedir", file + " is not a regular "
                            + "file; it is skipped"));
                    continue;
                }
                include(file, depth, from, line);
            }
        }

        /** The file itself, through symbolic links, so that a cycle through a link is seen too. */
        private static Path identity(Path path) {
            try {
                return path.toRealPath();
            } catch (IOException | SecurityException e) {
                return path.toAbsolutePath().normalize();
            }
        }

        private static Path resolve(Path including, String name) {
            Path p = Path.of(name);
            if (p.isAbsolute()) {
                return p;
            }
            Path parent = including.toAbsolutePath().getParent();
            return parent == null ? p : parent.resolve(p);
        }
    }

    /** Host names in bind, as xinetd resolves them (getaddrinfo: /etc/hosts, then DNS). */
    static List<String> resolveHost(String host) throws UnknownHostException {
        List<String> out = new ArrayList<>();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (RuntimeException e) {
            throw new UnknownHostException(host + ": " + e.getMessage());
        }
        for (InetAddress address : addresses) {
            String literal = address.getHostAddress();
            int zone = literal.indexOf('%');
            out.add(zone >= 0 ? literal.substring(0, zone) : literal);
        }
        return out;
    }
}
