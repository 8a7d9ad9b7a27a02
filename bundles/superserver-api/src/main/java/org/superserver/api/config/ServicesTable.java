package org.superserver.api.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A services(5) table: service names and aliases to port numbers, per protocol. A pure value
 * parsed from the text of {@code /etc/services} (or the file {@code --services} names).
 *
 * <p>Each line is {@code name port/protocol [alias ...] [# comment]}; blank lines and comments are
 * skipped, and so are malformed lines, as the C library does. Names match exactly (services(5) is
 * case-sensitive); the first entry for a name and protocol wins, as getservbyname(3) returns it.
 */
public final class ServicesTable {

    /** A table with no entries: only numeric ports resolve. */
    public static final ServicesTable EMPTY = new ServicesTable(Map.of(), 0);

    private final Map<String, Integer> ports;
    private final int malformedLines;

    private ServicesTable(Map<String, Integer> ports, int malformedLines) {
        this.ports = ports;
        this.malformedLines = malformedLines;
    }

    /** Parses the text of a services(5) file. */
    public static ServicesTable parse(String text) {
        Map<String, Integer> ports = new HashMap<>();
        int malformed = 0;
        for (String line : text.split("\r?\n|\r")) {
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (content.isEmpty()) {
                continue;
            }
            String[] words = content.split("[ \t]+");
            if (words.length < 2) {
                malformed++;
                continue;
            }
            int slash = words[1].indexOf('/');
            if (slash <= 0 || slash == words[1].length() - 1) {
                malformed++;
                continue;
            }
            int port = parsePort(words[1].substring(0, slash));
            if (port < 0) {
                malformed++;
                continue;
            }
            String protocol = words[1].substring(slash + 1).toLowerCase(Locale.ROOT);
            for (int i = 0; i < words.length; i++) {
                if (i != 1) {
                    ports.putIfAbsent(key(words[i], protocol), port);
                }
            }
        }
        return new ServicesTable(Map.copyOf(ports), malformed);
    }

    /**
     * The port of {@code name} (a service name or alias) over {@code protocol} ({@code tcp} or
     * {@code udp}; a trailing address-family digit, as in {@code tcp6}, is ignored).
     */
    public OptionalInt port(String name, String protocol) {
        String base = protocol.toLowerCase(Locale.ROOT);
        while (!base.isEmpty() && Character.isDigit(base.charAt(base.length() - 1))) {
            base = base.substring(0, base.length() - 1);
        }
        Integer port = ports.get(key(name, base));
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** How many names (with aliases, per protocol) the table holds. */
    public int size() {
        return ports.size();
    }

    /** Lines that were neither blank, a comment, nor {@code name port/protocol}. */
    public int malformedLines() {
        return malformedLines;
    }

    private static String key(String name, String protocol) {
        return name + '/' + protocol;
    }

    /** A decimal port 0-65535, or -1. */
    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int port = Integer.parseInt(text);
        return port <= 65535 ? port : -1;
    }
}
