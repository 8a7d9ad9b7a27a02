package org.superserver.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Linux capability names, for a definition's {@link ServiceDefinition#capabilities() capability
 * bounding set}: every config format checks the names a service keeps with {@link #parse(List)}, so
 * that an unknown one is reported where it was written.
 *
 * <p>The names are capabilities(7)'s, numbered as in {@code linux/capability.h}; the ones this
 * kernel knows are those up to {@code /proc/sys/kernel/cap_last_cap}.
 *
 * @since 1.6
 */
public final class Capabilities {

    /** The word that asks for an empty bounding set. */
    public static final String NONE = "none";

    private static final List<String> NAMES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
            "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    private static volatile List<String> known;

    private Capabilities() {
    }

    /**
     * The capability names this kernel knows, lowest number first: those up to {@code
     * /proc/sys/kernel/cap_last_cap}, or every name listed here where that file cannot be read.
     */
    public static List<String> known() {
        List<String> k = known;
        if (k == null) {
            int last = NAMES.size() - 1;
            // read by line: Files.readString returns only part of a sysctl file ("4" of "40")
            try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/kernel/cap_last_cap"))) {
                last = Math.min(last, Integer.parseInt(in.readLine().trim()));
            } catch (IOException | RuntimeException e) {
                // not Linux or no /proc: every name listed
            }
            k = NAMES.subList(0, last + 1);
            known = k;
        }
        return k;
    }

    /** The number of a capability name as {@link #parse(List)} returns it ({@code CAP_NET_RAW}: 13). */
    public static int number(String name) {
        int n = NAMES.indexOf(name);
        if (n < 0) {
            throw new IllegalArgumentException("unknown capability " + name);
        }
        return n;
    }

    /**
     * The capabilities a service keeps in its bounding set, from the words of its attribute: {@code
     * none} alone for none, or capability names ({@code CAP_NET_BIND_SERVICE}, case-insensitive,
     * the {@code CAP_} prefix optional). Names come back upper case with the prefix, sorted.
     *
     * @throws IllegalArgumentException naming the word that is not a capability of this kernel
     */
    public static Set<String> parse(List<String> words) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("no value: 'none' or capability names such as CAP_NET_BIND_SERVICE"
                    + " are expected");
        }
        Set<String> names = new TreeSet<>();
        for (String word : words) {
            if (word.equalsIgnoreCase(NONE)) {
                if (words.size() > 1) {
                    throw new IllegalArgumentException("'none' cannot be combined with capability names");
                }
                return Set.of();
            }
            String name = word.toUpperCase(Locale.ROOT);
            if (!name.startsWith("CAP_")) {
                name = "CAP_" + name;
            }
            if (!known().contains(name)) {
                throw new IllegalArgumentException("'" + word + "' is not a capability this kernel knows (capabilities(7)"
                        + " names such as CAP_NET_BIND_SERVICE, or 'none')");
            }
            names.add(name);
        }
        return names;
    }
}
