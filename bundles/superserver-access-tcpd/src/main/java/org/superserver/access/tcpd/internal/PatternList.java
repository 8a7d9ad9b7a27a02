package org.superserver.access.tcpd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A daemon list or a client list: patterns with {@code EXCEPT}, as tcpd's {@code list_match} reads
 * them. The list matches when one of the patterns before the first {@code EXCEPT} matches and the
 * rest of the list (after that {@code EXCEPT}, read the same way) does not, so {@code a EXCEPT b
 * EXCEPT c} means {@code a EXCEPT (b EXCEPT c)}.
 */
final class PatternList {

    /** One pattern of a list. */
    interface Item {
        boolean matches(Request request);
    }

    private final Item[] head;
    private final PatternList except;
    /**
     * For a daemon list: whether it depends on the daemon name and the local port only (no
     * {@code daemon@host}), and its tokens as written (equal texts match the same daemons). For a
     * client list: the address ranges it can match (see {@link AddressRanges#of}), or {@code null}.
     */
    private boolean staticDaemons;
    private String text;
    private AddressRanges ranges;

    private PatternList(List<Item> head, PatternList except) {
        this.head = head.toArray(new Item[0]);
        this.except = except;
    }

    /** Whether this daemon list depends on the daemon name and the local port only. */
    boolean isStatic() {
        return staticDaemons;
    }

    /** A daemon list's tokens as written, one NUL between two. */
    String text() {
        return text;
    }

    /**
     * The addresses outside which this client list neither matches nor makes a lookup, when the
     * patterns before its EXCEPT are address patterns; else {@code null}.
     */
    AddressRanges ranges() {
        return ranges;
    }

    boolean matches(Request request) {
        for (Item item : head) {
            if (item.matches(request)) {
                return except == null || !except.matches(request);
            }
        }
        return false;
    }

    /** A daemon list: {@code name}, {@code port}, wildcards, {@code daemon@host}. */
    static PatternList daemons(List<String> tokens, boolean netgroups, Consumer<String> warn) {
        PatternList list = build(tokens, 0, t -> daemon(t, netgroups, warn));
        list.staticDaemons = tokens.stream().allMatch(t -> t.indexOf('@', 1) < 0);
        list.text = String.join("\0", tokens);
        return list;
    }

    /** A client list: host patterns and {@code user@host}. */
    static PatternList clients(List<String> tokens, boolean netgroups, Consumer<String> warn) {
        PatternList list = build(tokens, 0, t -> client(t, netgroups, warn));
        list.ranges = AddressRanges.of(tokens);
        return list;
    }

    private interface Compiler {
        Item compile(String token);
    }

    private static PatternList build(List<String> tokens, int from, Compiler compiler) {
        List<Item> head = new ArrayList<>();
        for (int i = from; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token.equalsIgnoreCase("EXCEPT")) {
                return new PatternList(head, build(tokens, i + 1, compiler));
            }
            head.add(compiler.compile(token));
        }
        return new PatternList(head, null);
    }

    /** tcpd's {@code server_match}, with Debian's port numbers. */
    private static Item daemon(String token, boolean netgroups, Consumer<String> warn) {
        int at = token.indexOf('@', 1);
        String name = at < 0 ? token : token.substring(0, at);
        HostPattern host = at < 0 ? null : HostPattern.compile(token.substring(at + 1), netgroups, warn);
        checkDaemon(name, warn);
        Item daemon;
        if (!name.isEmpty() && name.length() <= 5 && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int port = Integer.parseInt(name);
            daemon = r -> r.server.port() == port;
        } else {
            StringPattern p = StringPattern.compile(name);
            daemon = r -> p.matches(r.daemon);
        }
        if (host == null) {
            return daemon;
        }
        return r -> daemon.matches(r) && host.matches(r, r.server, 0);
    }

    /**
     * tcpdchk's checks of a daemon name pattern: forms that are valid but seldom mean what they
     * seem to. Each warning says what the pattern does match.
     */
    private static void checkDaemon(String name, Consumer<String> warn) {
        String upper = name.toUpperCase(Locale.ROOT);
        String quoted = "daemon pattern '" + name + "'";
        if (name.startsWith("@")) {
            warn.accept(quoted + " begins with '@': it matches only a daemon of that name; expected a daemon name, "
                    + "a port number or ALL (the servers of a netgroup are written daemon@@netgroup)");
        } else if (name.startsWith("/")) {
            warn.accept(quoted + " begins with '/': it matches only a daemon of that name; expected the process name,"
                    + " e.g. in.fingerd for /usr/sbin/in.fingerd");
        } else if (name.startsWith(".")) {
            warn.accept(quoted + " begins with a dot: it matches daemon names that end in '" + name
                    + "'; expected a daemon name");
        } else if (name.endsWith(".")) {
            warn.accept(quoted + " ends in a dot: it matches daemon names that begin with '" + name
                    + "'; expected a daemon name");
        } else if (name.equals("FAIL")) {
            warn.accept("FAIL is no longer recognized and matches only a daemon named FAIL; expected EXCEPT, or the "
                    + "deny option");
        } else if (upper.equals("KNOWN")) {
            warn.accept(quoted + " is a host keyword: in a daemon list it matches every daemon; expected ALL or a "
                    + "daemon name");
        } else if (upper.equals("LOCAL") || upper.equals("PARANOID") || name.equals("UNKNOWN")) {
            warn.accept(quoted + " is a host keyword: in a daemon list it matches only a daemon of that name; "
                    + "expected a daemon name");
        }
    }

    /** tcpd's {@code client_match}. */
    private static Item client(String token, boolean netgroups, Consumer<String> warn) {
        int at = token.indexOf('@', 1);
        if (at < 0) {
            HostPattern host = HostPattern.compile(token, netgroups, warn);
            return r -> host.matches(r, r.client, 0);
        }
        if (token.startsWith("@")) {
            warn.accept("user pattern '" + token.substring(0, at) + "' begins with '@': it matches only a user of "
                    + "that name; expected a user name, KNOWN, UNKNOWN or ALL before the '@'");
        }
        StringPattern user = StringPattern.compile(token.substring(0, at));
        HostPattern host = HostPattern.compile(token.substring(at + 1), netgroups, warn);
        return r -> host.matches(r, r.client, 0) && user.matches(r.user());
    }
}
