package org.superserver.core.internal;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.core.internal.Accounts.Account;

/**
 * What an exec'd definition starts, worked out once when it is loaded: the identity its children
 * run as, their base environment and the command line that gets them there.
 *
 * <p>Without an identity switch the command is the definition's server with its argv, argv[0]
 * included, spawned directly. With one (the superserver runs as root and the definition names
 * another user or group), the command is util-linux {@code setpriv --reuid=UID --regid=GID
 * --init-groups -- ...}, which sets the ids and the user's supplementary groups and then execs
 * the server. setpriv always passes the program path as argv[0], so when the definition's argv[0]
 * differs from the server path, setpriv execs {@code perl -e 'exec {$p} @ARGV'} (perl-base is
 * part of every Debian system) which execs the server with the definition's argv[0]; the
 * environment passes through both untouched.
 */
final class Program {

    static final String SETPRIV = "/usr/bin/setpriv";
    static final String PERL = "/usr/bin/perl";
    static final String ARGV0_SCRIPT = "my $p = shift; exec {$p} @ARGV or die \"$p: $!\\n\"";
    /** Sets the umask (unless "-") and adds to the nice value, then execs the program with its argv. */
    static final String TUNING_SCRIPT = "my ($m, $n, $p) = splice(@ARGV, 0, 3); umask(oct $m) if $m ne \"-\";"
            + " setpriority(0, 0, getpriority(0, 0) + $n) if $n; exec {$p} @ARGV or die \"$p: $!\\n\"";

    /** A program path and its argument vector, argv[0] first. */
    record Command(String path, List<String> argv) {
    }

    private final ServiceDefinition definition;
    private final Identity identity;
    private final Command command;
    private final Map<String, String> baseEnv;

    private Program(ServiceDefinition definition, Identity identity, Map<String, String> serverEnv) {
        this.definition = definition;
        this.identity = identity;
        this.command = command(definition.server(), definition.argv(), identity);
        this.baseEnv = ChildEnvironment.base(serverEnv, identity.account(), Map.of());
    }

    private Program(Program program, Command command) {
        this.definition = program.definition;
        this.identity = program.identity;
        this.command = command;
        this.baseEnv = program.baseEnv;
    }

    /**
     * Prepares {@code definition}'s program for the server running as {@code server}.
     *
     * @throws IllegalArgumentException when the service must not be served (a refused identity)
     */
    static Program prepare(ServiceDefinition definition, Account server, Map<String, String> serverEnv) {
        Identity identity = Identity.decide(server, definition.user(), definition.group(), Accounts::user,
                Accounts::group);
        if (identity.isRefused()) {
            throw new IllegalArgumentException(identity.refusal());
        }
        if (definition.socketType() == SocketType.STREAM && definition.isWait() && !definition.policies().isEmpty()) {
            throw new IllegalArgumentException("a 'stream wait' server accepts its own connections, so the access"
                    + " policies (" + String.join(", ", definition.policies()) + ") could not check its clients;"
                    + " not served");
        }
        if (identity.switched() && !new File(SETPRIV).canExecute()) {
            throw new IllegalArgumentException("running a server as user " + identity.account().name()
                    + " needs " + SETPRIV + " (util-linux), which is missing");
        }
        return new Program(definition, identity, serverEnv);
    }

    /**
     * This program with the umask and nice value an access decision asked for: perl sets them and
     * execs the command (before setpriv, so that a root server may also lower the nice value).
     * A nice value the server's privileges do not allow is left as it is.
     */
    Program tuned(PolicyChain.Tuning tuning) {
        if (!tuning.changesProcess()) {
            return this;
        }
        return new Program(this, tuned(command, tuning.umask(), tuning.nice()));
    }

    /** {@code command} started through perl with {@code umask} (or -1) and the {@code nice} increment (pure). */
    static Command tuned(Command command, int umask, int nice) {
        List<String> line = new ArrayList<>();
        line.add("perl");
        line.add("-e");
        line.add(TUNING_SCRIPT);
        line.add(umask < 0 ? "-" : Integer.toOctalString(umask));
        line.add(Integer.toString(nice));
        line.add(command.path());
        line.addAll(command.argv());
        return new Command(PERL, List.copyOf(line));
    }

    /** The command line for {@code server} with {@code argv} run as {@code identity} (pure). */
    static Command command(String server, List<String> argv, Identity identity) {
        if (!identity.switched()) {
            return new Command(server, List.copyOf(argv));
        }
        List<String> line = new ArrayList<>();
        line.add("setpriv");
        line.add("--reuid=" + identity.account().uid());
        line.add("--regid=" + identity.gid());
        line.add("--init-groups");
        line.add("--");
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
        return new Command(SETPRIV, List.copyOf(line));
    }

    /**
     * Why the server program cannot be started now ({@code does not exist}, {@code is not
     * executable}), or {@code null} when it looks startable.
     */
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

    Identity identity() {
        return identity;
    }

    Command command() {
        return command;
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
