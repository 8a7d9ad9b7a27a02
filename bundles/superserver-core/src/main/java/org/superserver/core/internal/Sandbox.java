package org.superserver.core.internal;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.superserver.api.ServiceDefinition;
import org.superserver.core.internal.Accounts.Account;

/**
 * The steps of a child's command line that put it in its definition's sandbox: {@code
 * no_new_privs} and the capability bounding set as {@code setpriv} options, and {@code private_tmp}
 * as a mount namespace of its own with an empty tmpfs on {@code /tmp}.
 *
 * <p>The mount namespace is made by util-linux {@code unshare --mount --propagation private}, which
 * execs {@code /bin/sh} with a fixed script, {@value #MOUNT_SCRIPT}: it mounts the tmpfs and execs
 * the rest of the command line from its positional parameters, so no argument of the service is
 * ever read by the shell. A root server does it directly. A server that is not root does it in a
 * user namespace where it is root ({@code --map-root-user}), then enters a second one that maps its
 * own uid and gid back ({@code unshare --map-user=UID --map-group=GID}), so that the child runs as
 * the server's user, not as a namespace's root. Whether this works is tried with the very command
 * line and {@code /bin/sh -c :} as the program ({@link #privateTmpProblem}); where it does not
 * (unprivileged user namespaces disabled, no CAP_SYS_ADMIN in a container), the service is not
 * served and the reason is logged: a child never runs without the sandbox it asked for. Should the
 * mount still fail for one child, the script exits with 126 before the program runs, and mount's
 * message goes nowhere rather than to the client.
 *
 * <p>The bounding set is emptied, or reduced to the capabilities the definition keeps, by {@code
 * setpriv --bounding-set -all,+name,... --inh-caps -all}. For a child switched to another user this
 * only limits what it could gain by exec'ing a setuid or file-capability program. A root child (a
 * root server's child that is not switched) gets at exec exactly its bounding set as its permitted
 * and effective capabilities: {@code capabilities = none} makes it a root without privileges,
 * {@code capabilities = CAP_NET_BIND_SERVICE} a root that may only bind low ports, and so on.
 * Changing a bounding set needs CAP_SETPCAP, so a server that is not root cannot serve a definition
 * that asks for it.
 */
final class Sandbox {

    static final String UNSHARE = "/usr/bin/unshare";
    static final String SH = "/bin/sh";
    static final String MOUNT = "/bin/mount";
    static final String MOUNT_SCRIPT = MOUNT + " -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp 2>/dev/null || exit 126;"
            + " exec \"$@\"";

    private static final Set<Integer> WORKS_FOR = ConcurrentHashMap.newKeySet();

    private Sandbox() {
    }

    /** Whether the definition needs a {@code setpriv} step for its sandbox. */
    static boolean needsSetpriv(ServiceDefinition definition) {
        return definition.noNewPrivs() || definition.capabilities() != null;
    }

    /** {@code --no-new-privs}, {@code --bounding-set -all,+net_bind_service --inh-caps -all}: empty for none. */
    static List<String> setprivOptions(ServiceDefinition definition) {
        List<String> options = new ArrayList<>();
        if (definition.noNewPrivs()) {
            options.add("--no-new-privs");
        }
        Set<String> keep = definition.capabilities();
        if (keep != null) {
            options.add("--bounding-set");
            options.add(keep.stream().map(c -> ",+" + c.substring(4).toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining("", "-all", "")));
            options.add("--inh-caps");
            options.add("-all");
        }
        return options;
    }

    /**
     * The head of the command line that gives the rest a private {@code /tmp}, for a server running
     * as {@code server}; the rest follows it as separate arguments.
     *
     * @param first whether it starts the command line (argv[0] {@code unshare}, else the path)
     */
    static List<String> privateTmpPrefix(Account server, boolean first) {
        List<String> line = new ArrayList<>();
        line.add(first ? "unshare" : UNSHARE);
        if (server.uid() != 0) {
            line.add("--map-root-user");
        }
        line.addAll(List.of("--mount", "--propagation", "private", "--", SH, "-c", MOUNT_SCRIPT, "sh"));
        if (server.uid() != 0) {
            line.addAll(List.of(UNSHARE, "--map-user=" + server.uid(), "--map-group=" + server.gid(), "--"));
        }
        return line;
    }

    /**
     * Why a definition's sandbox cannot be had under a server running as {@code server}, or
     * {@code null} when it can.
     */
    static String problem(ServiceDefinition definition, Account server) {
        if (needsSetpriv(definition) && !new File(Program.SETPRIV).canExecute()) {
            return "no_new_privs and capabilities need " + Program.SETPRIV + " (util-linux), which is missing;"
                    + " not served";
        }
        if (definition.capabilities() != null && server.uid() != 0) {
            return "capabilities needs the superserver to run as root (changing a bounding set takes CAP_SETPCAP),"
                    + " but it runs as " + server.name() + "; not served";
        }
        if (definition.privateTmp()) {
            return privateTmpProblem(server);
        }
        return null;
    }

    /**
     * Why a child of a server running as {@code server} cannot get a private {@code /tmp}, or null:
     * tried with the command line children get, until it works once for that user (so that a
     * kernel setting changed later is seen at the next reload).
     */
    static String privateTmpProblem(Account server) {
        if (WORKS_FOR.contains(server.uid())) {
            return null;
        }
        String why = probe(server);
        if (why == null) {
            WORKS_FOR.add(server.uid());
        }
        return why;
    }

    private static String probe(Account server) {
        for (String program : List.of(UNSHARE, SH, MOUNT)) {
            if (!new File(program).canExecute()) {
                return "private_tmp needs " + program + ", which is missing; not served";
            }
        }
        List<String> line = new ArrayList<>(privateTmpPrefix(server, false));
        line.addAll(List.of(SH, "-c", ":"));
        String how = server.uid() == 0 ? "a mount namespace" : "an unprivileged user namespace (server user "
                + server.name() + ") with a mount namespace";
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "private_tmp: " + how + " could not be made within 10 s; not served";
            }
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .trim();
            if (p.exitValue() != 0) {
                return "private_tmp: this kernel does not let the superserver make " + how + " (" + out
                        + "); not served, rather than run without a private /tmp";
            }
            return null;
        } catch (IOException e) {
            return "private_tmp: " + e.getMessage() + "; not served";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "private_tmp: interrupted while trying a mount namespace; not served";
        }
    }
}
