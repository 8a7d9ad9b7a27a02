package org.superserver.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One service the superserver offers: what to listen on, how to dispatch it, and under which rules.
 *
 * <p>An immutable value. Config-format bundles build it from their text (one per inetd.conf line,
 * xinetd {@code service} block or Configuration Admin configuration) and publish it as an OSGi
 * service of this class; the core binds a listener for it. Two definitions are equal when every
 * field is equal, so a reload that produces an equal definition changes nothing.
 *
 * <p>Dispatch is either in-process, by the {@link Handler} registered under {@link #handler()}, or
 * by starting {@link #server()} with {@link #argv()} for each connection (or, for {@link #isWait()
 * wait} services, with the bound socket). Exactly one of {@code handler} and {@code server} is set.
 */
public final class ServiceDefinition {

    private final String id;
    private final String name;
    private final SocketType socketType;
    private final Protocol protocol;
    private final String bindAddress;
    private final int port;
    private final boolean wait;
    private final int maxPerMinute;
    private final int instances;
    private final String user;
    private final String group;
    private final String handler;
    private final String server;
    private final List<String> argv;
    private final Map<String, String> env;
    private final List<String> passenv;
    private final List<String> policies;
    private final Map<String, List<String>> attributes;
    private final String origin;

    private ServiceDefinition(Builder b) {
        this.id = b.id;
        this.name = b.name;
        this.socketType = b.socketType;
        this.protocol = b.protocol;
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.wait = b.wait;
        this.maxPerMinute = b.maxPerMinute;
        this.instances = b.instances;
        this.user = b.user;
        this.group = b.group;
        this.handler = b.handler;
        this.server = b.server;
        this.argv = List.copyOf(b.argv);
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.passenv = List.copyOf(b.passenv);
        this.policies = List.copyOf(b.policies);
        Map<String, List<String>> attrs = new LinkedHashMap<>();
        b.attributes.forEach((k, v) -> attrs.put(k, List.copyOf(v)));
        this.attributes = Collections.unmodifiableMap(attrs);
        this.origin = b.origin;
    }

    /** A new builder with no fields set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every field of this definition, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder()
                .id(id).name(name).socketType(socketType).protocol(protocol)
                .bindAddress(bindAddress).port(port).wait(wait).maxPerMinute(maxPerMinute)
                .instances(instances).user(user).group(group).handler(handler).server(server)
                .argv(argv).env(env).passenv(passenv).policies(policies).origin(origin);
        attributes.forEach(b::attribute);
        return b;
    }

    /**
     * Identity that stays the same across reloads of the same entry (for example the config file
     * and service name, or a Configuration Admin PID). The core keeps one listener per id.
     */
    public String id() {
        return id;
    }

    /** The service name ({@code echo}, {@code ftp}, ...): for logs, policies and built-in lookup. */
    public String name() {
        return name;
    }

    public SocketType socketType() {
        return socketType;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The literal address to bind, or {@code null} for every address of the protocol's family. */
    public String bindAddress() {
        return bindAddress;
    }

    /** The port to listen on; 0 asks the system for an ephemeral port. */
    public int port() {
        return port;
    }

    /** inetd's {@code wait}: one server handles the socket itself until it exits. */
    public boolean isWait() {
        return wait;
    }

    /** Invocations allowed per minute ({@code nowait.N}); 0 means no limit. */
    public int maxPerMinute() {
        return maxPerMinute;
    }

    /** Simultaneous connections or children allowed; 0 means no limit. */
    public int instances() {
        return instances;
    }

    /** The user a started server runs as, or {@code null} for the server's own user. */
    public String user() {
        return user;
    }

    /** The group a started server runs as, or {@code null} for the user's primary group. */
    public String group() {
        return group;
    }

    /** The name of the in-process {@link Handler} that serves this service, or {@code null}. */
    public String handler() {
        return handler;
    }

    /** True when an in-process handler serves this service (inetd's {@code internal}). */
    public boolean isInternal() {
        return handler != null;
    }

    /** The program started per connection, or {@code null} for in-process services. */
    public String server() {
        return server;
    }

    /** The server's argument vector, {@code argv[0]} first; empty for in-process services. */
    public List<String> argv() {
        return argv;
    }

    /** Extra environment variables for started servers. */
    public Map<String, String> env() {
        return env;
    }

    /** Names of the {@code AccessPolicy} services that must allow a client, in order. */
    /**
     * Names of the superserver's own environment variables that its children inherit besides
     * {@link InheritedEnvironment#ALWAYS the few every child gets} (xinetd's {@code passenv});
     * empty by default.
     */
    public List<String> passenv() {
        return passenv;
    }

    public List<String> policies() {
        return policies;
    }

    /** Format-specific attributes that only policies or handlers read (e.g. xinetd's only_from). */
    public Map<String, List<String>> attributes() {
        return attributes;
    }

    /** The values of one attribute, empty when absent. */
    public List<String> attribute(String key) {
        return attributes.getOrDefault(key, List.of());
    }

    /** Where this definition came from ({@code /etc/inetd.conf:12}, a PID, ...), for every message. */
    public String origin() {
        return origin;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ServiceDefinition)) {
            return false;
        }
        ServiceDefinition d = (ServiceDefinition) o;
        return port == d.port && wait == d.wait && maxPerMinute == d.maxPerMinute
                && instances == d.instances && id.equals(d.id) && name.equals(d.name)
                && socketType == d.socketType && protocol == d.protocol
                && Objects.equals(bindAddress, d.bindAddress) && Objects.equals(user, d.user)
                && Objects.equals(group, d.group) && Objects.equals(handler, d.handler)
                && Objects.equals(server, d.server) && argv.equals(d.argv) && env.equals(d.env)
                && passenv.equals(d.passenv)
                && policies.equals(d.policies) && attributes.equals(d.attributes)
                && Objects.equals(origin, d.origin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, socketType, protocol, bindAddress, port, wait, handler, server, argv);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name).append('/').append(protocol.configName())
                .append(' ').append(bindAddress == null ? "*" : bindAddress).append(':').append(port)
                .append(' ').append(wait ? "wait" : "nowait");
        if (handler != null) {
            s.append(" internal:").append(handler);
        } else {
            s.append(' ').append(server).append(' ').append(argv);
        }
        if (origin != null) {
            s.append(" (").append(origin).append(')');
        }
        return s.toString();
    }

    /** Builds a {@link ServiceDefinition}; {@link #build()} checks that the result is complete. */
    public static final class Builder {
        private String id;
        private String name;
        private SocketType socketType;
        private Protocol protocol;
        private String bindAddress;
        private int port = -1;
        private boolean wait;
        private int maxPerMinute;
        private int instances;
        private String user;
        private String group;
        private String handler;
        private String server;
        private List<String> argv = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private List<String> passenv = new ArrayList<>();
        private List<String> policies = new ArrayList<>();
        private final Map<String, List<String>> attributes = new LinkedHashMap<>();
        private String origin;

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder socketType(SocketType socketType) {
            this.socketType = socketType;
            return this;
        }

        public Builder protocol(Protocol protocol) {
            this.protocol = protocol;
            return this;
        }

        /** A literal IPv4 or IPv6 address, or {@code null}, {@code ""} or {@code *} for any. */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress == null || bindAddress.isEmpty() || "*".equals(bindAddress)
                    ? null : bindAddress;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder wait(boolean wait) {
            this.wait = wait;
            return this;
        }

        public Builder maxPerMinute(int maxPerMinute) {
            this.maxPerMinute = maxPerMinute;
            return this;
        }

        public Builder instances(int instances) {
            this.instances = instances;
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

        public Builder handler(String handler) {
            this.handler = handler;
            return this;
        }

        public Builder server(String server) {
            this.server = server;
            return this;
        }

        public Builder argv(List<String> argv) {
            this.argv = new ArrayList<>(argv);
            return this;
        }

        public Builder env(String key, String value) {
            this.env.put(key, value);
            return this;
        }

        public Builder env(Map<String, String> env) {
            this.env.putAll(env);
            return this;
        }

        public Builder passenv(List<String> passenv) {
            this.passenv = new ArrayList<>(passenv);
            return this;
        }

        public Builder policies(List<String> policies) {
            this.policies = new ArrayList<>(policies);
            return this;
        }

        public Builder policy(String policy) {
            this.policies.add(policy);
            return this;
        }

        public Builder attribute(String key, List<String> values) {
            this.attributes.put(key, new ArrayList<>(values));
            return this;
        }

        public Builder origin(String origin) {
            this.origin = origin;
            return this;
        }

        /**
         * The definition, when it is complete and consistent.
         *
         * @throws IllegalArgumentException naming the first field at fault
         */
        public ServiceDefinition build() {
            require(name != null && !name.isBlank(), "service name is missing");
            if (id == null) {
                id = name + "/" + (protocol == null ? "?" : protocol.configName());
            }
            require(socketType != null, "socket type is missing");
            require(protocol != null, "protocol is missing");
            require(protocol.socketType() == socketType, "socket type " + socketType.configName()
                    + " does not fit protocol " + protocol.configName()
                    + " (stream goes with tcp, dgram with udp)");
            require(bindAddress == null || AddressLiterals.isLiteral(bindAddress), "bind address '" + bindAddress
                    + "' is not a literal IPv4 or IPv6 address (config formats resolve names before this)");
            require(port >= 0 && port <= 65535, "port " + (port < 0 ? "is missing" : port + " is outside 0-65535"));
            require(maxPerMinute >= 0, "max per minute " + maxPerMinute + " is negative");
            require(instances >= 0, "instances " + instances + " is negative");
            require(handler != null ^ server != null,
                    handler == null ? "neither a server program nor a built-in handler is given"
                            : "both a server program and a built-in handler are given");
            if (server != null) {
                require(!argv.isEmpty(), "the argument vector of " + server + " is empty (argv[0] is required)");
            }
            return new ServiceDefinition(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
