package org.superserver.access.tcpd.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the matcher decided for one connection: the verdict, the rule (file:line) that decided, and
 * what the rule's options asked for. Commands are already %-expanded; banner directories are read
 * afterwards, off the event loop.
 */
final class Outcome {

    /** A {@code spawn} command with the environment its rule had set up to it. */
    static final class Spawn {
        final String command;
        final Map<String, String> env;

        Spawn(String command, Map<String, String> env) {
            this.command = command;
            this.env = Map.copyOf(env);
        }
    }

    boolean allowed = true;
    /** The rule that decided ({@code /etc/hosts.allow:3}) or why no rule did. */
    String reason;
    Rule rule;
    /** Which table decided: "allow", "deny" or "none". */
    String table = "none";
    String twist;
    final List<Spawn> spawns = new ArrayList<>();
    final List<String> bannerDirs = new ArrayList<>();
    final Map<String, String> env = new LinkedHashMap<>();
    String user;
    String group;
    /** The {@code severity} option's value, or {@code null}. */
    String severity;
    /** Whether the {@code keepalive} option asked for TCP keepalives on the client's connection. */
    boolean keepAlive;
    /** The {@code linger} option's seconds, or -1. */
    int lingerSeconds = -1;
    /** The {@code umask} option's mask (read as octal), or -1. */
    int umask = -1;
    /** What the {@code nice} options add to a started server's nice value (10 for each one without a value). */
    int nice;
    /** A bad option that made the rule deny, or {@code null}. */
    String error;

    /** Whether finishing this outcome needs file reads or process starts (kept off the event loop). */
    boolean needsIo() {
        return !spawns.isEmpty() || !bannerDirs.isEmpty();
    }
}
