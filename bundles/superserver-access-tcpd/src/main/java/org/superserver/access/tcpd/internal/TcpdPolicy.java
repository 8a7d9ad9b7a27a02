package org.superserver.access.tcpd.internal;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;

/**
 * The tcpd access policy for one pair of files: decides on the caller's thread (the event loop)
 * when nothing needs a name, a user, a file or a process, and otherwise makes the same decision
 * again on a small executor where lookups may wait (each bounded by the lookup timeout). As tcpd
 * reads the tables for every request, every decision first checks with one stat(2) per file that
 * the files are as they were read ({@link RuleSet#freshness()}); when one changed, the files are
 * read again on the executor before the decision, so an edit decides the very next connection.
 * {@code spawn} commands are run here, in the background, in a session of their own, with stdio on
 * /dev/null and the environment of {@link SpawnEnvironment}.
 */
final class TcpdPolicy implements AccessPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(TcpdPolicy.class);
    /** How many spawn commands may run at once; more are skipped with an error. */
    static final int MAX_SPAWNS = 64;

    /** Runs a spawn or aclexec command: {@code /bin/sh -c command}, stdio on /dev/null. */
    interface Shell {
        /** @param env the command's whole environment (nothing else of the JVM's is added) */
        Process start(String command, Map<String, String> env) throws IOException;
    }

    /** setsid(1), which makes the command the leader of a new session; {@code null} where there is none. */
    static final String SETSID = findSetsid();

    /**
     * {@code setsid -w /bin/sh -c command}: a session of its own, so no terminal and no signal meant
     * for the superserver's process group reaches it; stdin, stdout and stderr on /dev/null and no
     * other descriptor (the JDK closes every other one in the child); exactly {@code env}.
     */
    static final Shell SH = (command, env) -> {
        List<String> argv = SETSID == null ? List.of("/bin/sh", "-c", command)
                : List.of(SETSID, "-w", "/bin/sh", "-c", command);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    };

    private static String findSetsid() {
        for (String p : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    final Path allowFile;
    final Path denyFile;
    private final long lookupTimeoutMillis;
    private final boolean ident;
    private final NameCache names;
    private final Executor evaluator;
    private final BiPredicate<String, String> netgroups;
    private final Ident identClient;
    private final Shell shell;
    private final Semaphore spawns = new Semaphore(MAX_SPAWNS);
    private final long pid = ProcessHandle.current().pid();
    private final long racyWindowNanos;
    private volatile RuleSet rules;

    /**
     * @param netgroups netgroup membership (group, host), or {@code null} where the system has none
     */
    TcpdPolicy(Path allowFile, Path denyFile, long lookupTimeoutMillis, boolean ident, NameCache names,
               Executor evaluator, BiPredicate<String, String> netgroups, Ident identClient, Shell shell) {
        this(allowFile, denyFile, lookupTimeoutMillis, ident, names, evaluator, netgroups, identClient, shell,
                RuleSet.RACY_WINDOW_NANOS);
    }

    /**
     * @param racyWindowNanos see {@link RuleSet#load(Path, Path, boolean, long)}: 0 for tests that write
     *                        the files just before a decision that must be made on the caller's thread
     */
    TcpdPolicy(Path allowFile, Path denyFile, long lookupTimeoutMillis, boolean ident, NameCache names,
               Executor evaluator, BiPredicate<String, String> netgroups, Ident identClient, Shell shell,
               long racyWindowNanos) {
        this.racyWindowNanos = racyWindowNanos;
        this.allowFile = allowFile;
        this.denyFile = denyFile;
        this.lookupTimeoutMillis = lookupTimeoutMillis;
        this.ident = ident;
        this.names = names;
        this.evaluator = evaluator;
        this.netgroups = netgroups;
        this.identClient = identClient;
        this.shell = shell;
    }

    /** Reads the files again; logs every problem and one summary line. */
    synchronized RuleSet reload() {
        return reload(rules);
    }

    /**
     * Reads the files again, with the index views made that {@code like} had made (the rules of the
     * policy this one replaces, or {@code null}), so that the connections after the change do not
     * make them; logs every problem and one summary line.
     */
    synchronized RuleSet reload(RuleSet like) {
        RuleSet next = RuleSet.load(allowFile, denyFile, netgroups != null, racyWindowNanos);
        if (like != null) {
            next.prepareLike(like);
        }
        for (Diagnostic d : next.diagnostics) {
            if (d.isError()) {
                LOG.error("{}", d);
            } else {
                LOG.warn("{}", d);
            }
        }
        long errors = next.diagnostics.stream().filter(Diagnostic::isError).count();
        LOG.info("Read tcpd rules {} ({}), {} ({}): {} rules, {} pattern files, errors {}, warnings {}",
                allowFile, describe(next.allow), denyFile, describe(next.deny), next.size(), next.patternFiles.size(),
                errors, next.diagnostics.size() - errors);
        rules = next;
        return next;
    }

    /** Reloads when any file read for the current rules looks different on disk. */
    synchronized boolean reloadIfChanged() {
        RuleSet before = rules;
        return current() != before;
    }

    /** The rules in effect, as last read (may be older than the files: see {@link #current()}). */
    RuleSet rules() {
        return rules;
    }

    /**
     * The rules the files say now: those in effect when every file is as it was read, else the
     * files read again. Reads files, so never called on an event loop.
     */
    synchronized RuleSet current() {
        RuleSet r = rules;
        if (r == null) {
            return reload();
        }
        RuleSet.Freshness f = r.freshness();
        if (f == RuleSet.Freshness.STALE || (f == RuleSet.Freshness.UNSURE && !r.settle())) {
            return reload(r);
        }
        return r;
    }

    private static String describe(RuleSet.Table t) {
        return t.status == RuleSet.Status.READ ? t.rules.size() + " rules"
                : t.status == RuleSet.Status.MISSING ? "absent, counts as empty" : "cannot be read, denies";
    }

    /**
     * Decides on the caller's thread when the rules are read, every file is as it was read and
     * nothing needs waiting; otherwise on the evaluator, which first reads the files again if they
     * changed (or have not been read yet): never the caller's thread, an event loop.
     */
    @Override
    public CompletionStage<Decision> check(ConnectionInfo connection, ServiceDefinition definition) {
        if (connection.peer() != null) {
            // hosts_access(5) names hosts and addresses; as in openbsd-inetd, it does not wrap unix services
            return CompletableFuture.completedFuture(
                    Decision.allow("hosts_access does not apply to a unix-domain client"));
        }
        RuleSet current = rules;
        String daemon = daemonName(definition);
        boolean tcp = connection.protocol().isTcp();
        if (current != null && current.freshness() == RuleSet.Freshness.FRESH) {
            try {
                Request fast = request(daemon, connection, tcp, nonBlocking);
                Outcome o = Matcher.decide(current, fast);
                if (!o.needsIo()) {
                    return CompletableFuture.completedFuture(finish(o, fast, connection, definition));
                }
            } catch (Request.WouldBlock e) {
                // a name, a user or a command is needed: decide again where waiting is allowed
            }
        }
        CompletableFuture<Decision> result = new CompletableFuture<>();
        try {
            evaluator.execute(() -> {
                try {
                    RuleSet read = current();
                    Request slow = request(daemon, connection, tcp, blocking(connection, definition));
                    result.complete(finish(Matcher.decide(read, slow), slow, connection, definition));
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            Decision d = Decision.deny("tcpd: too many checks waiting for lookups");
            LOG.warn("TCPD service={} daemon={} from={} rule=- deny (too many checks waiting for lookups)",
                    connection.serviceName(), daemon, connection.remote().getAddress().getHostAddress());
            return CompletableFuture.completedFuture(d);
        }
        return result;
    }

    /** The attribute of an xinetd service that names the daemon for hosts_access ({@code libwrap}). */
    static final String LIBWRAP = "libwrap";

    /**
     * The daemon name the rules see: the definition's {@code libwrap} attribute when it has one (xinetd's
     * override); else the basename of argv[0] for a started server (for xinetd that is the server, or the
     * first {@code server_args} word with NAMEINARGS), and the service name in-process or for a redirect.
     */
    static String daemonName(ServiceDefinition definition) {
        List<String> libwrap = definition.attribute(LIBWRAP);
        if (!libwrap.isEmpty() && !libwrap.get(0).isBlank()) {
            return libwrap.get(0);
        }
        if (definition.isInternal() || definition.server() == null) {
            return definition.name();
        }
        String argv0 = definition.argv().isEmpty() ? definition.server() : definition.argv().get(0);
        int slash = argv0.lastIndexOf('/');
        String base = slash >= 0 ? argv0.substring(slash + 1) : argv0;
        return base.isEmpty() ? definition.name() : base;
    }

    private Request request(String daemon, ConnectionInfo c, boolean tcp, Request.Lookups lookups) {
        return new Request(daemon, c.local(), c.remote(), tcp, ident, lookupTimeoutMillis, lookups, pid);
    }

    private Decision finish(Outcome o, Request r, ConnectionInfo connection, ServiceDefinition definition) {
        StringBuilder banner = null;
        // Banners go to connection-oriented services only, as in tcpd.
        for (String dir : r.tcp ? o.bannerDirs : List.<String>of()) {
            String text = banner(dir, r);
            if (text != null) {
                banner = banner == null ? new StringBuilder() : banner;
                banner.append(text);
            }
        }
        Map<String, String> base = o.spawns.isEmpty() ? Map.of() : SpawnEnvironment.of(definition, connection);
        for (Outcome.Spawn s : o.spawns) {
            spawn(s, o, base);
        }
        Decision.Builder b = Decision.builder(o.allowed)
                .reason(o.error == null ? o.reason : o.reason + ": " + o.error)
                .twist(o.twist).user(o.user).group(o.group)
                .keepAlive(o.keepAlive).linger(o.lingerSeconds).umask(o.umask).nice(o.nice);
        if (banner != null) {
            b.banner(banner.toString());
        }
        o.env.forEach(b::env);
        Decision d = b.build();
        log(o, r, connection);
        return d;
    }

    private void log(Outcome o, Request r, ConnectionInfo c) {
        String verdict = o.twist != null ? "twist" : o.allowed ? "allow" : "deny";
        String line = "TCPD service={} daemon={} from={} rule={} {}";
        String from = r.client.info().equals(r.client.addr) ? r.client.addr : r.client.info() + "[" + r.client.addr + "]";
        String user = r.userIfKnown();
        if (user != null && !user.equals(Request.UNKNOWN)) {
            from = user + "@" + from;
        }
        Object[] args = {c.serviceName(), r.daemon, from, o.reason + (o.error != null ? " (" + o.error + ")" : ""),
            verdict};
        String severity = o.severity == null ? (o.allowed ? "info" : "warning") : o.severity;
        severity = severity.substring(severity.indexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        switch (severity) {
            case "emerg": case "alert": case "crit": case "err":
                LOG.error(line, args);
                break;
            case "warning":
                LOG.warn(line, args);
                break;
            case "debug":
                LOG.debug(line, args);
                break;
            default:
                LOG.info(line, args);
                break;
        }
    }

    /** The banner file named after the daemon in {@code dir}: LF as CRLF, % expanded; null if absent. */
    private static String banner(String dir, Request r) {
        Path file = Path.of(dir, r.daemon);
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(Path.of(dir))) {
                LOG.warn("banners {}: no such directory", dir);
            }
            return null;
        } catch (IOException e) {
            LOG.warn("banners {}: {} cannot be read ({})", dir, file, e.toString());
            return null;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int pos = 0;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            String line = nl < 0 ? text.substring(pos) : text.substring(pos, nl);
            out.append(Expander.expand(line, r));
            if (nl >= 0) {
                out.append("\r\n");
            }
            pos = nl < 0 ? text.length() : nl + 1;
        }
        return out.toString();
    }

    private void spawn(Outcome.Spawn s, Outcome o, Map<String, String> base) {
        if (!spawns.tryAcquire()) {
            LOG.error("spawn from {} skipped: {} spawn commands are already running", o.reason, MAX_SPAWNS);
            return;
        }
        try {
            Process p = shell.start(s.command, withRuleEnv(base, s.env));
            p.onExit().whenComplete((x, e) -> spawns.release());
            LOG.debug("spawn from {}: /bin/sh -c {} (pid {})", o.reason, s.command, p.pid());
        } catch (IOException | RuntimeException e) {
            spawns.release();
            LOG.error("spawn from {} failed: /bin/sh -c {}: {}", o.reason, s.command, e.toString());
        }
    }

    private final Request.Lookups nonBlocking = new Request.Lookups() {
        @Override
        public String hostName(InetAddress address) {
            String name = names.peek(address);
            if (name == null) {
                throw Request.WouldBlock.INSTANCE;
            }
            return name;
        }

        @Override
        public String user(InetSocketAddress local, InetSocketAddress remote, long timeoutMillis) {
            throw Request.WouldBlock.INSTANCE;
        }

        @Override
        public boolean inNetgroup(String netgroup, String host) {
            throw Request.WouldBlock.INSTANCE;
        }

        @Override
        public boolean aclexec(String command, Map<String, String> env) {
            throw Request.WouldBlock.INSTANCE;
        }
    };

    /** The command's environment: {@code base} and then the rule's {@code setenv}s before it. */
    private static Map<String, String> withRuleEnv(Map<String, String> base, Map<String, String> ruleEnv) {
        Map<String, String> env = new java.util.LinkedHashMap<>(base);
        env.putAll(ruleEnv);
        return env;
    }

    /** Lookups that may wait, for one connection (an aclexec command gets the connection's environment). */
    private Request.Lookups blocking(ConnectionInfo connection, ServiceDefinition definition) {
        return new Request.Lookups() {
            @Override
            public String hostName(InetAddress address) {
                try {
                    return names.lookup(address).get(lookupTimeoutMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Request.UNKNOWN;
                } catch (Exception e) {
                    // a timed-out lookup leaves the name unavailable, as in tcpd
                    return Request.UNKNOWN;
                }
            }

            @Override
            public String user(InetSocketAddress local, InetSocketAddress remote, long timeoutMillis) {
                return identClient.query(local, remote, timeoutMillis);
            }

            @Override
            public boolean inNetgroup(String netgroup, String host) {
                // bounded by the netgroup thread's own timeout (Netgroups); never on the name lookups' threads
                return netgroups != null && netgroups.test(netgroup, host);
            }

            @Override
            public boolean aclexec(String command, Map<String, String> env) {
                try {
                    Process p = shell.start(command, withRuleEnv(SpawnEnvironment.of(definition, connection), env));
                    if (!p.waitFor(Math.max(lookupTimeoutMillis, 1000) * 6, TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                        return false;
                    }
                    return p.exitValue() == 0;
                } catch (IOException e) {
                    LOG.error("aclexec /bin/sh -c {} failed: {}", command, e.toString());
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        };
    }

    @Override
    public String toString() {
        return "tcpd " + allowFile + ", " + denyFile;
    }
}
