package org.superserver.access.tcpd.internal;

import java.util.List;

/**
 * One rule of hosts.allow or hosts.deny: {@code daemon_list : client_list [: option : ...]}, where it
 * was written, and, when an option is bad, the error that makes the rule deny when it matches (tcpd
 * stops processing options at a bad one and denies).
 */
final class Rule {

    final String file;
    /** The line the rule ends on (1-based): the last line of a rule continued with backslashes, as in tcpd. */
    final int line;
    final PatternList daemons;
    final PatternList clients;
    final List<Option> options;
    final String optionError;

    Rule(String file, int line, PatternList daemons, PatternList clients, List<Option> options, String optionError) {
        this.file = file;
        this.line = line;
        this.daemons = daemons;
        this.clients = clients;
        this.options = List.copyOf(options);
        this.optionError = optionError;
    }

    /** tcpd's test: the daemon list first, then (only then) the client list. */
    boolean matches(Request request) {
        return daemons.matches(request) && clients.matches(request);
    }

    /** {@code file:line}, as decisions and logs name a rule. */
    String where() {
        return file + ":" + line;
    }

    @Override
    public String toString() {
        return where();
    }
}
