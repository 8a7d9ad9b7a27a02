package org.superserver.api.access;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An access policy's answer: allow or deny, why, and what to do with it. Beyond the verdict a
 * decision may carry a banner to send first, a command that replaces the server ({@code twist}),
 * a command to run beside it ({@code spawn}), extra environment, a user to run as, socket options
 * for the client's connection ({@code keepalive}, {@code linger}) and the umask and niceness of a
 * started server.
 */
public final class Decision {

    private final boolean allowed;
    private final String reason;
    private final String banner;
    private final String twist;
    private final String spawn;
    private final Map<String, String> env;
    private final String user;
    private final String group;
    private final boolean keepAlive;
    private final int lingerSeconds;
    private final int umask;
    private final int nice;

    private Decision(Builder b) {
        this.allowed = b.allowed;
        this.reason = b.reason;
        this.banner = b.banner;
        this.twist = b.twist;
        this.spawn = b.spawn;
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.user = b.user;
        this.group = b.group;
        this.keepAlive = b.keepAlive;
        this.lingerSeconds = b.lingerSeconds;
        this.umask = b.umask;
        this.nice = b.nice;
    }

    /** A plain allow, with the rule or reason that decided it. */
    public static Decision allow(String reason) {
        return builder(true).reason(reason).build();
    }

    /** A plain denial, with the rule or reason that decided it. */
    public static Decision deny(String reason) {
        return builder(false).reason(reason).build();
    }

    public static Builder builder(boolean allowed) {
        return new Builder(allowed);
    }

    public boolean isAllowed() {
        return allowed;
    }

    /** The rule that decided ({@code /etc/hosts.allow:3}) or why; never {@code null}. */
    public String reason() {
        return reason;
    }

    /** Text to send to the client before anything else, or {@code null}. */
    public String banner() {
        return banner;
    }

    /**
     * A shell command that replaces the server, with the client as its stdio, or {@code null}. As
     * with tcpd, a twist is carried out whether the decision allows or denies: the core runs
     * {@code /bin/sh -c} the command with the connection as its fd 0, 1 and 2 (after this and any
     * earlier decision's banner), as the service's user or {@link #user()}, with {@link #env()};
     * no later policy is asked and the server or handler never sees the client. Datagram services
     * have no connection to hand over: a twist denies the datagram there.
     */
    public String twist() {
        return twist;
    }

    /** A shell command to run in the background beside the service, or {@code null}. */
    public String spawn() {
        return spawn;
    }

    /** Extra environment for a started server. */
    public Map<String, String> env() {
        return env;
    }

    /** A user to run the server as instead of the definition's, or {@code null}. */
    public String user() {
        return user;
    }

    /** A group to run the server as instead of the definition's, or {@code null}. */
    public String group() {
        return group;
    }

    /** Whether to turn on TCP keepalives ({@code SO_KEEPALIVE}) on the client's connection. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /**
     * How long closing the client's connection may wait for unsent data ({@code SO_LINGER}), in
     * seconds, or -1 to leave the socket's default.
     */
    public int lingerSeconds() {
        return lingerSeconds;
    }

    /** The file mode creation mask of a started server (0 to 0777), or -1 to keep the server's own. */
    public int umask() {
        return umask;
    }

    /** How much to add to a started server's nice value, as nice(2) does; 0 leaves it. */
    public int nice() {
        return nice;
    }

    @Override
    public String toString() {
        return (allowed ? "allow" : "deny") + " (" + reason + ")";
    }

    /** Builds a {@link Decision}. */
    public static final class Builder {
        private final boolean allowed;
        private String reason = "";
        private String banner;
        private String twist;
        private String spawn;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String user;
        private String group;
        private boolean keepAlive;
        private int lingerSeconds = -1;
        private int umask = -1;
        private int nice;

        private Builder(boolean allowed) {
            this.allowed = allowed;
        }

        public Builder reason(String reason) {
            this.reason = reason == null ? "" : reason;
            return this;
        }

        public Builder banner(String banner) {
            this.banner = banner;
            return this;
        }

        public Builder twist(String twist) {
            this.twist = twist;
            return this;
        }

        public Builder spawn(String spawn) {
            this.spawn = spawn;
            return this;
        }

        public Builder env(String key, String value) {
            this.env.put(key, value);
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder group(String group) {
            this.group = group;
            return this;
        }

        public Builder keepAlive(boolean keepAlive) {
            this.keepAlive = keepAlive;
            return this;
        }

        /** @param seconds 0 or more; -1 leaves the socket's default */
        public Builder linger(int seconds) {
            if (seconds < -1) {
                throw new IllegalArgumentException("linger must be 0 or more seconds (or -1 for the default): " + seconds);
            }
            this.lingerSeconds = seconds;
            return this;
        }

        /** @param mask 0 to 0777; -1 keeps the server's own */
        public Builder umask(int mask) {
            if (mask < -1 || mask > 0777) {
                throw new IllegalArgumentException("umask must be 0 to 0777: " + Integer.toOctalString(mask));
            }
            this.umask = mask;
            return this;
        }

        /** @param increment added to the started server's nice value (the kernel keeps it within -20..19) */
        public Builder nice(int increment) {
            this.nice = increment;
            return this;
        }

        public Decision build() {
            return new Decision(this);
        }
    }
}
