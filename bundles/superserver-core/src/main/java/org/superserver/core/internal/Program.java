package org.superserver.core.internal;

import java.io.File;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.core.internal.Accounts.Account;

/**
 * What an exec'd definition starts: the identity its children run as, their base environment,
 * the command line that gets them there, and the umask and nice value an access decision asked for.
 *
 * <p>Without an identity switch the command is the definition's server with its argv, argv[0]
 * included, spawned directly. With one (the superserver runs as root and the definition names
 * another user or group), the command is util-linux {@code setpriv --reuid=UID --regid=GID
 * --groups=G,... -- ...} (or {@code --clear-groups}), which sets the ids and the supplementary
 * groups {@link Identity} worked out and then execs the server. setpriv always passes the program
 * path as argv[0], so when the definition's argv[0] differs from the server path, setpriv execs
 * {@code perl -e 'exec {$p} @ARGV'} (perl-base is part of every Debian system), already as the
 * target user, which execs the server with the definition's argv[0]. Both get the child's
 * allow-listed environment ({@link ChildEnvironment}). perl therefore runs as root only for a root
 * child that a wrapper is needed for anyway ({@code groups = no}, resource limits, below): a line
 * for root is not switched ({@link Identity}), so it is otherwise spawned directly. The umask and
 * nice value are not applied by a program in the chain but by the thread that spawns the child
 * ({@link TunedSpawners}): the definition's own ({@code umask}, {@code nice}), with an access
 * decision's umask in place of it and its nice increment added.
 *
 * <p>{@code groups = no} ({@code supplementaryGroups() == false}) gives the child no supplementary
 * group at all: {@code setpriv --clear-groups}, also for a root server's child that is otherwise
 * not switched, unless the server itself has none (a daemon started by init), when the child has
 * none without that step. A server that is not root cannot drop its own groups: there, as in xinetd, which
 * changes a child's credentials only when it runs as super-user, the attribute is ineffective, the
 * child keeps the server's groups, and {@link #notice()} says so for the registry to log.
 *
 * <p>Resource limits ({@code rlimit_*}) are set by util-linux {@code prlimit --as=N:N ... --} at
 * the head of the command (in front of setpriv, as root), before the child's own program runs: no
 * moment without them, and a switched child, no longer root, cannot raise them. Setting them with
 * {@code prlimit(2)} after posix_spawn returns, as {@link ChildLimits} does the open-file limit,
 * is not enough for these: glibc's posix_spawn returns while the kernel is still finishing the
 * exec, which then puts back the stack limit it pinned at its start, so {@code rlimit_stack} was
 * measured lost that way. That is only the fallback where {@code /usr/bin/prlimit} is missing. With
 * limits and an argv[0] other than the program, the perl step runs as the child's user, which for
 * a child that is not switched is the server's own (root).
 *
 * <p>The sandbox a definition asks for ({@code no_new_privs}, {@code capabilities}, {@code
 * private_tmp}) is more of the same chain, laid out by {@link Sandbox}: {@code unshare} and a
 * fixed {@code /bin/sh} script that mounts a tmpfs on {@code /tmp} after {@code prlimit} (still as
 * root), then {@code setpriv --no-new-privs --bounding-set ...} with the identity options. A
 * sandbox this server cannot give is a reason not to serve the definition at all.
 *
 * <p>A definition whose user or group does not exist yet is prepared {@link #resolved()
 * unresolved}: its socket is served, and each connection looks the account up again.
 */
final class Program {

    static final String SETPRIV = "/usr/bin/setpriv";
    static final String PRLIMIT = "/usr/bin/prlimit";
    static final String PERL = "/usr/bin/perl";
    static final String ARGV0_SCRIPT = "my $p = shift; exec {$p} @ARGV or die \"$p: $!\\n\"";

    /** A program path and its argument vector, argv[0] first. */
    record Command(String path, List<String> argv) {
    }

    /**
     * The umask and the nice increment a child is started with.
     *
     * @param umask the child's umask, or -1 for the superserver's own
     * @param nice added to the superserver's nice value
     */
    record Tuning(int umask, int nice) {

        static final Tuning NONE = new Tuning(-1, 0);

        boolean changesProcess() {
            return umask >= 0 || nice != 0;
        }
    }

    private final ServiceDefinition definition;
    private final Identity identity;
    private final String unresolved;
    private final Command command;
    private final Map<String, String> baseEnv;
    private final Tuning tuning;
    private final Map<ResourceLimit, Long> limitsAfterSpawn;
    private final String notice;

    private Program(ServiceDefinition definition, Identity identity, Account server, Map<String, String> serverEnv,
                    boolean prlimitAvailable, boolean clearGroups, String notice) {
        this.definition = definition;
        this.identity = identity;
        this.unresolved = null;
        this.notice = notice;
        boolean atExec = prlimitAvailable;
        this.command = command(definition.server(), definition.argv(), identity, clearGroups,
                atExec ? definition.resourceLimits() : Map.of(), definition, server);
        this.limitsAfterSpawn = atExec ? Map.of() : definition.resourceLimits();
        this.baseEnv = ChildEnvironment.base(serverEnv, definition.passenv(), identity.account());
        this.tuning = own(definition);
    }

    private Program(ServiceDefinition definition, String unresolved) {
        this.definition = definition;
        this.identity = null;
        this.unresolved = unresolved;
        this.notice = null;
        this.command = null;
        this.baseEnv = Map.of();
        this.tuning = own(definition);
        this.limitsAfterSpawn = Map.of();
    }

    private Program(Program program, Tuning tuning) {
        this.definition = program.definition;
        this.identity = program.identity;
        this.unresolved = program.unresolved;
        this.notice = program.notice;
        this.command = program.command;
        this.baseEnv = program.baseEnv;
        this.tuning = tuning;
        this.limitsAfterSpawn = program.limitsAfterSpawn;
    }

    /** The definition's own umask and nice value. */
    static Tuning own(ServiceDefinition definition) {
        return new Tuning(definition.umask() == null ? -1 : definition.umask(),
                definition.nice() == null ? 0 : definition.nice());
    }

    /**
     * Prepares {@code definition}'s program for the server running as {@code server}. A user or
     * group that does not exist gives an {@link #resolved() unresolved} program.
     *
     * @throws IllegalArgumentException when the service must not be served (a refused identity)
     */
    static Program prepare(ServiceDefinition definition, Account server, Map<String, String> serverEnv,
                           Accounts.Directory accounts) {
        return prepare(definition, server, true, serverEnv, accounts);
    }

    /**
     * As {@link #prepare(ServiceDefinition, Account, Map, Accounts.Directory)}, for a server that
     * has supplementary groups or not: a child that is not switched and must have none already has
     * none when the server has none, so it needs no {@code setpriv} step for it.
     */
    static Program prepare(ServiceDefinition definition, Account server, boolean serverHasGroups,
                           Map<String, String> serverEnv, Accounts.Directory accounts) {
        if (definition.socketType() == SocketType.STREAM && definition.isWait() && !definition.policies().isEmpty()) {
            throw new IllegalArgumentException("a 'stream wait' server accepts its own connections, so the access"
                    + " policies (" + String.join(", ", definition.policies()) + ") could not check its clients;"
                    + " not served");
        }
        Identity identity = Identity.decide(server, definition.user(), definition.group(), accounts);
        if (identity.unknown()) {
            return new Program(definition, identity.refusal());
        }
        if (identity.isRefused()) {
            throw new IllegalArgumentException(identity.refusal());
        }
        if (identity.switched() && !new File(SETPRIV).canExecute()) {
            throw new IllegalArgumentException("running a server as user " + identity.account().name()
                    + " needs " + SETPRIV + " (util-linux), which is missing");
        }
        boolean clearGroups = !definition.supplementaryGroups();
        String notice = null;
        if (clearGroups && !identity.switched()) {
            if (!serverHasGroups) {
                clearGroups = false;
            } else if (server.uid() != 0) {
                clearGroups = false;
                notice = "groups = no is ineffective: the server runs as " + server.name() + ", not root, so its"
                        + " children keep its own supplementary groups (as under xinetd, which changes a child's"
                        + " credentials only as super-user)";
            } else if (!new File(SETPRIV).canExecute()) {
                throw new IllegalArgumentException("groups = no needs " + SETPRIV + " (util-linux), which is"
                        + " missing");
            }
        }
        String sandbox = Sandbox.problem(definition, server);
        if (sandbox != null) {
            throw new IllegalArgumentException(sandbox);
        }
        return new Program(definition, identity, server, serverEnv, new File(PRLIMIT).canExecute(), clearGroups,
                notice);
    }

    /**
     * This program with the umask and nice value an access decision asked for: its umask in place
     * of the definition's, its nice increment added to the definition's.
     */
    Program tuned(PolicyChain.Tuning decided) {
        if (!decided.changesProcess()) {
            return this;
        }
        Tuning own = own(definition);
        return tuned(new Tuning(decided.umask() >= 0 ? decided.umask() : own.umask(), own.nice() + decided.nice()));
    }

    /** This program with {@code next} as its tuning. */
    Program tuned(Tuning next) {
        return next.equals(tuning) ? this : new Program(this, next);
    }

    /** The command line for {@code server} with {@code argv} run as {@code identity} (pure). */
    static Command command(String server, List<String> argv, Identity identity) {
        return command(server, argv, identity, false, Map.of());
    }

    /**
     * The command line for {@code server} with {@code argv} run as {@code identity} (pure).
     *
     * @param clearGroups no supplementary groups at all ({@code groups = no})
     * @param limits resource limits set by {@code prlimit} before anything else runs (for a
     *               switched identity only; empty for none)
     */
    static Command command(String server, List<String> argv, Identity identity, boolean clearGroups,
                           Map<ResourceLimit, Long> limits) {
        return command(server, argv, identity, clearGroups, limits, null, null);
    }

    /**
     * The command line for {@code server} with {@code argv} run as {@code identity} in the sandbox
     * {@code definition} asks for (pure): {@code prlimit}, then {@code unshare} and the mount of a
     * private {@code /tmp} ({@link Sandbox}), then {@code setpriv} with the identity, groups,
     * {@code no_new_privs} and bounding set, then the program.
     *
     * @param sandboxed the definition whose sandbox applies, or {@code null} for none
     * @param serverAccount the account the superserver runs as ({@code null} when {@code sandboxed} is)
     */
    static Command command(String server, List<String> argv, Identity identity, boolean clearGroups,
                           Map<ResourceLimit, Long> limits, ServiceDefinition sandboxed, Account serverAccount) {
        boolean privateTmp = sandboxed != null && sandboxed.privateTmp();
        List<String> sandboxOptions = sandboxed == null ? List.of() : Sandbox.setprivOptions(sandboxed);
        boolean setpriv = identity.switched() || clearGroups || !sandboxOptions.isEmpty();
        if (!setpriv && limits.isEmpty() && !privateTmp) {
            return new Command(server, List.copyOf(argv));
        }
        List<String> line = new ArrayList<>();
        String path = privateTmp ? Sandbox.UNSHARE : setpriv ? SETPRIV : server;
        if (!limits.isEmpty()) {
            path = PRLIMIT;
            line.add("prlimit");
            new EnumMap<>(limits).forEach((limit, value) -> line.add(prlimitOption(limit, value)));
            line.add("--");
        }
        if (privateTmp) {
            line.addAll(Sandbox.privateTmpPrefix(serverAccount, line.isEmpty()));
        }
        if (setpriv) {
            line.add(line.isEmpty() ? "setpriv" : SETPRIV);
            if (identity.switched()) {
                line.add("--reuid=" + identity.account().uid());
                line.add("--regid=" + identity.gid());
            }
            if (clearGroups || (identity.switched() && identity.groups().isEmpty())) {
                line.add("--clear-groups");
            } else if (identity.switched()) {
                line.add("--groups=" + identity.groups().stream().map(String::valueOf)
                        .collect(Collectors.joining(",")));
            }
            line.addAll(sandboxOptions);
            line.add("--");
        }
        if (argv.get(0).equals(server)) {
            line.add(server);
        } else {
            line.add(PERL);
            line.add("-e");
            line.add(ARGV0_SCRIPT);
            line.add(server);
            line.add(argv.get(0));
        }
        line.addAll(argv.subList(1, argv.size()));
        return new Command(path, List.copyOf(line));
    }

    /** {@code --as=N:N}, ..., {@code --nofile=unlimited:unlimited}: soft and hard alike. */
    static String prlimitOption(ResourceLimit limit, long value) {
        String v = value == ServiceDefinition.UNLIMITED ? "unlimited" : Long.toString(value);
        return "--" + limit.name().toLowerCase(java.util.Locale.ROOT) + "=" + v + ":" + v;
    }

    /**
     * Why the server program cannot be started now ({@code does not exist}, {@code is not
     * executable}), or {@code null} when it looks startable.
     */
    /**
     * A remark on an attribute of the definition that this server cannot apply and that the
     * service is served without, or null.
     */
    String notice() {
        return notice;
    }

    String problem() {
        File file = new File(definition.server());
        if (!file.isAbsolute()) {
            return "server program " + definition.server() + " is not an absolute path";
        }
        if (!file.exists()) {
            return "server program " + definition.server() + " does not exist";
        }
        if (file.isDirectory() || !file.canExecute()) {
            return "server program " + definition.server() + " is not executable";
        }
        return null;
    }

    ServiceDefinition definition() {
        return definition;
    }

    /** Whether the identity is known; when not, {@link #unresolved()} says which account is missing. */
    boolean resolved() {
        return identity != null;
    }

    /** Why the identity is not known ({@code user ghost does not exist ...}), or {@code null}. */
    String unresolved() {
        return unresolved;
    }

    /** The identity children run as; {@code null} while {@link #resolved() unresolved}. */
    Identity identity() {
        return identity;
    }

    /** The user children run as, by name: the account's, or the one the definition names while unresolved. */
    String userName() {
        return identity != null ? identity.account().name() : definition.user();
    }

    Command command() {
        return command;
    }

    Tuning tuning() {
        return tuning;
    }

    /** Resource limits the launcher sets with {@code prlimit(2)} once the child is spawned; empty for none. */
    Map<ResourceLimit, Long> limitsAfterSpawn() {
        return limitsAfterSpawn;
    }

    /** The environment every child of this definition starts from (before the client's variables). */
    Map<String, String> baseEnv() {
        return baseEnv;
    }

    /**
     * Whether a child is started through a wrapper ({@code setpriv}, perl), so that a missing server
     * would only be seen by it.
     */
    boolean wrapped() {
        return !command.path().equals(definition.server());
    }
}
