package org.superserver.api;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which of the superserver's own environment variables a program it starts may inherit: an
 * allow-list, never a deny-list. Every child (an exec'd server, an access policy's {@code twist}
 * or {@code spawn} command) gets only {@code TZ}, {@code LANG} and the {@code LC_*} variables,
 * plus the names a definition lists in {@link ServiceDefinition#passenv() passenv}. Everything else
 * the server was started with ({@code LD_*}, {@code BASH_ENV}, {@code PERL5OPT},
 * {@code JAVA_TOOL_OPTIONS}, {@code GCONV_PATH}, {@code MALLOC_*}, secrets) stays with the server;
 * what a child needs beyond that is set by the server (PATH, HOME, the client's address) or by
 * the definition's {@code env}.
 *
 * <p>The service manager's variables ({@code LISTEN_PID}, {@code LISTEN_FDS}, {@code LISTEN_FDNAMES},
 * {@code NOTIFY_SOCKET}: systemd's socket activation and notification) describe the server's own
 * process and sockets; no child inherits them, even when a passenv list names them.
 *
 * <p>A pure utility, shared by the core and the access-policy bundles that start programs.
 */
public final class InheritedEnvironment {

    /** The names every child inherits, when the server has them; {@code LC_*} is matched by prefix. */
    public static final String ALWAYS = "TZ, LANG, LC_*";

    private static final java.util.Set<String> SERVICE_MANAGER = java.util.Set.of("LISTEN_PID", "LISTEN_FDS",
            "LISTEN_FDNAMES", "LISTEN_FDNAME", "NOTIFY_SOCKET");

    private InheritedEnvironment() {
    }

    /** Whether a variable named {@code name} is inherited without being named in a passenv list. */
    public static boolean always(String name) {
        return name.equals("TZ") || name.equals("LANG") || (name.startsWith("LC_") && name.length() > 3);
    }

    /**
     * The part of {@code server} (the superserver's own environment) that a child inherits, in the
     * order of {@code server}.
     *
     * @param passenv further names to pass, exactly as written (no patterns)
     */
    public static Map<String, String> of(Map<String, String> server, Collection<String> passenv) {
        Map<String, String> inherited = new LinkedHashMap<>();
        server.forEach((name, value) -> {
            if ((always(name) || passenv.contains(name)) && !SERVICE_MANAGER.contains(name)) {
                inherited.put(name, value);
            }
        });
        return inherited;
    }
}
