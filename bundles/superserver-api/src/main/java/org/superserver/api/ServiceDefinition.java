package org.superserver.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

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
 * wait} services, with the bound socket), or by relaying each connection to {@link
 * #redirectHost()} ({@code redirect}, xinetd's in-process TCP relay). Exactly one of {@code
 * handler}, {@code server} and {@code redirectHost} is set.
 *
 * <p>Limits ({@link #instances()}, {@link #perSource()}, {@link #cps()}, {@link #maxLoad()}),
 * logging ({@link #logOnSuccess()}, {@link #logOnFailure()}, {@link #logTarget()}) and the started
 * server's process attributes ({@link #nice()}, {@link #umask()}, {@link #supplementaryGroups()},
 * {@link #resourceLimits()}, and the sandbox: {@link #noNewPrivs()}, {@link #capabilities()}, {@link
 * #privateTmp()}) are the core's to apply, whichever format set them.
 */
public final class ServiceDefinition {

    /** A {@link #resourceLimits() resource limit} value meaning {@code RLIM_INFINITY}. */
    public static final long UNLIMITED = -1;

    /** What a success line carries unless the format says otherwise. */
    public static final Set<LogField> DEFAULT_LOG_ON_SUCCESS =
            Collections.unmodifiableSet(EnumSet.of(LogField.PID, LogField.HOST, LogField.EXIT, LogField.DURATION));

    /**
     * The permission bits of a Unix-domain socket file unless the configuration says otherwise:
     * read and write for its owner and group, nothing for others (connecting needs write
     * permission, so a socket is never world-reachable unless the administrator says so).
     *
     * @since 1.7
     */
    public static final int DEFAULT_SOCKET_MODE = 0660;

    /** The longest socket path, in bytes, that fits {@code sun_path} with its terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;

    /** What a failure line carries unless the format says otherwise. */
    public static final Set<LogField> DEFAULT_LOG_ON_FAILURE = Collections.unmodifiableSet(EnumSet.of(LogField.HOST));

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
    private final int perSource;
    private final int cps;
    private final int cpsPauseSeconds;
    private final double maxLoad;
    private final String redirectHost;
    private final int redirectPort;
    private final Integer nice;
    private final Integer umask;
    private final boolean supplementaryGroups;
    private final Map<ResourceLimit, Long> resourceLimits;
    private final String bannerFail;
    private final Set<LogField> logOnSuccess;
    private final Set<LogField> logOnFailure;
    private final LogTarget logTarget;
    private final boolean keepAlive;
    private final boolean noDelay;
    private final boolean v6Only;
    private final List<String> optionalPolicies;
    private final boolean noNewPrivs;
    private final Set<String> capabilities;
    private final boolean privateTmp;
    private final String socketPath;
    private final int socketMode;
    private final String socketOwner;
    private final String socketGroup;
    private final boolean tls;
    private final String tlsCertificate;
    private final String tlsKey;
    private final String tlsClientCa;

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
        this.perSource = b.perSource;
        this.cps = b.cps;
        this.cpsPauseSeconds = b.cpsPauseSeconds;
        this.maxLoad = b.maxLoad;
        this.redirectHost = b.redirectHost;
        this.redirectPort = b.redirectPort;
        this.nice = b.nice;
        this.umask = b.umask;
        this.supplementaryGroups = b.supplementaryGroups;
        this.resourceLimits = Collections.unmodifiableMap(b.resourceLimits.isEmpty()
                ? new EnumMap<>(ResourceLimit.class) : new EnumMap<>(b.resourceLimits));
        this.bannerFail = b.bannerFail;
        this.logOnSuccess = Collections.unmodifiableSet(copy(b.logOnSuccess));
        this.logOnFailure = Collections.unmodifiableSet(copy(b.logOnFailure));
        this.logTarget = b.logTarget;
        this.keepAlive = b.keepAlive;
        this.noDelay = b.noDelay;
        this.v6Only = b.v6Only;
        this.optionalPolicies = List.copyOf(b.optionalPolicies);
        this.noNewPrivs = b.noNewPrivs;
        this.capabilities = b.capabilities == null ? null : Collections.unmodifiableSet(new TreeSet<>(b.capabilities));
        this.privateTmp = b.privateTmp;
        this.socketPath = b.socketPath;
        this.socketMode = b.socketMode;
        this.socketOwner = b.socketOwner;
        this.socketGroup = b.socketGroup;
        this.tls = b.tls;
        this.tlsCertificate = b.tlsCertificate;
        this.tlsKey = b.tlsKey;
        this.tlsClientCa = b.tlsClientCa;
    }

    private static Set<LogField> copy(Set<LogField> fields) {
        return fields.isEmpty() ? EnumSet.noneOf(LogField.class) : EnumSet.copyOf(fields);
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
                .argv(argv).env(env).passenv(passenv).policies(policies).origin(origin)
                .perSource(perSource).cps(cps, cpsPauseSeconds).maxLoad(maxLoad)
                .redirect(redirectHost, redirectPort).nice(nice).umask(umask)
                .supplementaryGroups(supplementaryGroups).bannerFail(bannerFail)
                .logOnSuccess(logOnSuccess).logOnFailure(logOnFailure).logTarget(logTarget)
                .keepAlive(keepAlive).noDelay(noDelay).v6Only(v6Only).optionalPolicies(optionalPolicies)
                .noNewPrivs(noNewPrivs).capabilities(capabilities).privateTmp(privateTmp)
                .socketPath(socketPath).socketMode(socketMode).socketOwner(socketOwner).socketGroup(socketGroup)
                .tls(tls).tlsCertificate(tlsCertificate).tlsKey(tlsKey).tlsClientCa(tlsClientCa);
        resourceLimits.forEach(b::resourceLimit);
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

    /**
     * Names of the superserver's own environment variables that its children inherit besides
     * {@link InheritedEnvironment#ALWAYS the few every child gets} (xinetd's {@code passenv});
     * empty by default.
     */
    public List<String> passenv() {
        return passenv;
    }

    /**
     * Names of the {@code AccessPolicy} services that must allow a client, in order; a name that no
     * registered policy carries refuses every client (fail closed).
     */
    public List<String> policies() {
        return policies;
    }

    /**
     * Names of access policies asked after {@link #policies()} when they are registered and
     * skipped when they are not: xinetd's use of tcpd ({@code libwrap}), which applies only where
     * the tcpd bundle is installed.
     */
    public List<String> optionalPolicies() {
        return optionalPolicies;
    }

    /** Connections allowed at once from one client address ({@code per_source}); 0 means no limit. */
    public int perSource() {
        return perSource;
    }

    /**
     * Connections per second over which the service stops accepting for {@link
     * #cpsPauseSeconds()} (xinetd's {@code cps}); 0 means no limit.
     */
    public int cps() {
        return cps;
    }

    /** Seconds a service stays paused once {@link #cps()} is exceeded. */
    public int cpsPauseSeconds() {
        return cpsPauseSeconds;
    }

    /** One-minute load average at or above which clients are refused ({@code max_load}); 0 means none. */
    public double maxLoad() {
        return maxLoad;
    }

    /** True when each connection is relayed to {@link #redirectHost()}:{@link #redirectPort()}. */
    public boolean isRedirect() {
        return redirectHost != null;
    }

    /** The host (a literal address or a name) that connections are relayed to, or {@code null}. */
    public String redirectHost() {
        return redirectHost;
    }

    /** The port that connections are relayed to; 0 unless {@link #isRedirect()}. */
    public int redirectPort() {
        return redirectPort;
    }

    /** The started server's niceness, or {@code null} to leave it as the superserver's. */
    public Integer nice() {
        return nice;
    }

    /** The started server's umask, or {@code null} for the superserver's default. */
    public Integer umask() {
        return umask;
    }

    /**
     * Whether a started server gets the supplementary groups of its user (getgrouplist(3), as
     * inetd does; xinetd's {@code groups = yes}), or none ({@code groups = no}, xinetd's default).
     */
    public boolean supplementaryGroups() {
        return supplementaryGroups;
    }

    /** Resource limits for started servers, soft and hard alike; {@link #UNLIMITED} for none. */
    public Map<ResourceLimit, Long> resourceLimits() {
        return resourceLimits;
    }

    /** A file whose contents a refused client is sent ({@code banner_fail}), or {@code null}. */
    public String bannerFail() {
        return bannerFail;
    }

    /** What the line logged when a client is served carries ({@code log_on_success}). */
    public Set<LogField> logOnSuccess() {
        return logOnSuccess;
    }

    /** What the line logged when a client is refused carries ({@code log_on_failure}). */
    public Set<LogField> logOnFailure() {
        return logOnFailure;
    }

    /** Where connection log lines go besides the server's own log ({@code log_type}). */
    public LogTarget logTarget() {
        return logTarget;
    }

    /** SO_KEEPALIVE on accepted connections (xinetd's {@code KEEPALIVE} flag). */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** TCP_NODELAY on accepted connections (xinetd's {@code NODELAY} flag). */
    public boolean noDelay() {
        return noDelay;
    }

    /** IPV6_V6ONLY on an IPv6 listener, so that it does not also take IPv4 clients ({@code v6only}). */
    public boolean v6Only() {
        return v6Only;
    }

    /**
     * Whether a started server runs with {@code PR_SET_NO_NEW_PRIVS} ({@code no_new_privs}): no
     * exec it makes gains privileges (setuid, file capabilities). False by default.
     *
     * @since 1.6
     */
    public boolean noNewPrivs() {
        return noNewPrivs;
    }

    /**
     * The capabilities left in a started server's bounding set ({@code capabilities}), names as
     * {@link Capabilities#parse(List)} gives them: empty for none ({@code capabilities = none}), or
     * {@code null}, the default, to leave the bounding set as the superserver's.
     *
     * @since 1.6
     */
    public Set<String> capabilities() {
        return capabilities;
    }

    /**
     * Whether a started server gets a private, empty {@code /tmp} ({@code private_tmp}): a mount
     * namespace of its own with a tmpfs on {@code /tmp}. False by default.
     *
     * @since 1.6
     */
    public boolean privateTmp() {
        return privateTmp;
    }

    /**
     * Whether a started server runs in any sandbox: {@link #noNewPrivs()}, {@link #capabilities()}
     * or {@link #privateTmp()}.
     *
     * @since 1.6
     */
    public boolean isSandboxed() {
        return noNewPrivs || capabilities != null || privateTmp;
    }

    /**
     * The absolute path of a Unix-domain service's socket file; {@code null} for TCP and UDP.
     *
     * @since 1.7
     */
    public String socketPath() {
        return socketPath;
    }

    /**
     * The permission bits of a Unix-domain service's socket file, {@link #DEFAULT_SOCKET_MODE}
     * unless the configuration says otherwise.
     *
     * @since 1.7
     */
    public int socketMode() {
        return socketMode;
    }

    /**
     * The user owning a Unix-domain service's socket file, or {@code null} for the server's own.
     *
     * @since 1.7
     */
    public String socketOwner() {
        return socketOwner;
    }

    /**
     * The group owning a Unix-domain service's socket file, or {@code null} for the server's own.
     *
     * @since 1.7
     */
    public String socketGroup() {
        return socketGroup;
    }

    /**
     * Whether the superserver terminates TLS on each connection ({@code tls = yes}): an in-process
     * handler reads plaintext, and an exec'd server gets the plaintext end of a socket pair. False by
     * default.
     *
     * @since 1.7
     */
    public boolean tls() {
        return tls;
    }

    /**
     * The PEM file holding the server's certificate chain, leaf first ({@code tls_certificate}), or
     * {@code null}; set whenever {@link #tls()} is.
     *
     * @since 1.7
     */
    public String tlsCertificate() {
        return tlsCertificate;
    }

    /**
     * The PEM file holding the private key of {@link #tlsCertificate()} ({@code tls_key}: PKCS#8, or
     * PKCS#1 RSA or SEC 1 EC), or {@code null}; set whenever {@link #tls()} is.
     *
     * @since 1.7
     */
    public String tlsKey() {
        return tlsKey;
    }

    /**
     * The PEM bundle of the CAs that client certificates must chain to ({@code tls_client_ca}), or
     * {@code null}, the default, for no client certificates. When set, a client without a
     * certificate that verifies against it is refused during the handshake.
     *
     * @since 1.7
     */
    public String tlsClientCa() {
        return tlsClientCa;
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
                && Objects.equals(origin, d.origin)
                && perSource == d.perSource && cps == d.cps && cpsPauseSeconds == d.cpsPauseSeconds
                && Double.compare(maxLoad, d.maxLoad) == 0 && Objects.equals(redirectHost, d.redirectHost)
                && redirectPort == d.redirectPort && Objects.equals(nice, d.nice) && Objects.equals(umask, d.umask)
                && supplementaryGroups == d.supplementaryGroups && resourceLimits.equals(d.resourceLimits)
                && Objects.equals(bannerFail, d.bannerFail) && logOnSuccess.equals(d.logOnSuccess)
                && logOnFailure.equals(d.logOnFailure) && logTarget.equals(d.logTarget)
                && keepAlive == d.keepAlive && noDelay == d.noDelay && v6Only == d.v6Only
                && optionalPolicies.equals(d.optionalPolicies)
                && noNewPrivs == d.noNewPrivs && Objects.equals(capabilities, d.capabilities)
                && privateTmp == d.privateTmp && Objects.equals(socketPath, d.socketPath)
                && socketMode == d.socketMode && Objects.equals(socketOwner, d.socketOwner)
                && Objects.equals(socketGroup, d.socketGroup)
                && tls == d.tls
                && Objects.equals(tlsCertificate, d.tlsCertificate) && Objects.equals(tlsKey, d.tlsKey)
                && Objects.equals(tlsClientCa, d.tlsClientCa);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, socketType, protocol, bindAddress, port, wait, handler, server, argv,
                redirectHost, redirectPort, socketPath);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name).append('/').append(protocol.configName()).append(' ');
        if (socketPath != null) {
            s.append(socketType.configName()).append(' ').append(socketPath);
        } else {
            s.append(bindAddress == null ? "*" : bindAddress).append(':').append(port);
        }
        s.append(' ').append(wait ? "wait" : "nowait");
        if (handler != null) {
            s.append(" internal:").append(handler);
        } else if (redirectHost != null) {
            s.append(" redirect:").append(redirectHost).append(':').append(redirectPort);
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
        private String socketPath;
        private int socketMode = DEFAULT_SOCKET_MODE;
        private String socketOwner;
        private String socketGroup;
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
        private int perSource;
        private int cps;
        private int cpsPauseSeconds;
        private double maxLoad;
        private String redirectHost;
        private int redirectPort;
        private Integer nice;
        private Integer umask;
        private boolean supplementaryGroups = true;
        private final Map<ResourceLimit, Long> resourceLimits = new EnumMap<>(ResourceLimit.class);
        private String bannerFail;
        private Set<LogField> logOnSuccess = EnumSet.copyOf(DEFAULT_LOG_ON_SUCCESS);
        private Set<LogField> logOnFailure = EnumSet.copyOf(DEFAULT_LOG_ON_FAILURE);
        private LogTarget logTarget = LogTarget.DEFAULT;
        private boolean keepAlive;
        private boolean noDelay;
        private boolean v6Only;
        private List<String> optionalPolicies = new ArrayList<>();
        private boolean noNewPrivs;
        private Set<String> capabilities;
        private boolean privateTmp;
        private boolean tls;
        private String tlsCertificate;
        private String tlsKey;
        private String tlsClientCa;

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

        public Builder optionalPolicies(List<String> optionalPolicies) {
            this.optionalPolicies = new ArrayList<>(optionalPolicies);
            return this;
        }

        public Builder optionalPolicy(String policy) {
            this.optionalPolicies.add(policy);
            return this;
        }

        public Builder perSource(int perSource) {
            this.perSource = perSource;
            return this;
        }

        /** xinetd's {@code cps = rate pause}; {@code 0, 0} for none. */
        public Builder cps(int cps, int pauseSeconds) {
            this.cps = cps;
            this.cpsPauseSeconds = pauseSeconds;
            return this;
        }

        public Builder maxLoad(double maxLoad) {
            this.maxLoad = maxLoad;
            return this;
        }

        /** xinetd's {@code redirect = host port}; a {@code null} host for none. */
        public Builder redirect(String host, int port) {
            this.redirectHost = host == null || host.isEmpty() ? null : host;
            this.redirectPort = this.redirectHost == null ? 0 : port;
            return this;
        }

        public Builder nice(Integer nice) {
            this.nice = nice;
            return this;
        }

        public Builder umask(Integer umask) {
            this.umask = umask;
            return this;
        }

        public Builder supplementaryGroups(boolean supplementaryGroups) {
            this.supplementaryGroups = supplementaryGroups;
            return this;
        }

        /** One resource limit, soft and hard alike; {@link ServiceDefinition#UNLIMITED} for none. */
        public Builder resourceLimit(ResourceLimit limit, long value) {
            this.resourceLimits.put(Objects.requireNonNull(limit, "limit"), value);
            return this;
        }

        public Builder bannerFail(String bannerFail) {
            this.bannerFail = bannerFail == null || bannerFail.isEmpty() ? null : bannerFail;
            return this;
        }

        public Builder logOnSuccess(Set<LogField> fields) {
            this.logOnSuccess = copy(fields);
            return this;
        }

        public Builder logOnFailure(Set<LogField> fields) {
            this.logOnFailure = copy(fields);
            return this;
        }

        public Builder logTarget(LogTarget logTarget) {
            this.logTarget = logTarget == null ? LogTarget.DEFAULT : logTarget;
            return this;
        }

        public Builder keepAlive(boolean keepAlive) {
            this.keepAlive = keepAlive;
            return this;
        }

        public Builder noDelay(boolean noDelay) {
            this.noDelay = noDelay;
            return this;
        }

        public Builder v6Only(boolean v6Only) {
            this.v6Only = v6Only;
            return this;
        }

        /** @since 1.6 */
        public Builder noNewPrivs(boolean noNewPrivs) {
            this.noNewPrivs = noNewPrivs;
            return this;
        }

        /**
         * The capabilities kept in the bounding set, as {@link Capabilities#parse(List)} returns them:
         * empty for none, {@code null} to leave it unchanged.
         *
         * @since 1.6
         */
        public Builder capabilities(Set<String> capabilities) {
            this.capabilities = capabilities == null ? null : new TreeSet<>(capabilities);
            return this;
        }

        /**
         * The socket file of a Unix-domain service: an absolute path.
         *
         * @since 1.7
         */
        public Builder socketPath(String socketPath) {
            this.socketPath = socketPath;
            return this;
        }

        /**
         * The permission bits of the socket file (0000-0777), {@link #DEFAULT_SOCKET_MODE} if not set.
         *
         * @since 1.7
         */
        public Builder socketMode(int socketMode) {
            this.socketMode = socketMode;
            return this;
        }

        /**
         * The user (name or number) owning the socket file; {@code null} for the server's own.
         *
         * @since 1.7
         */
        public Builder socketOwner(String socketOwner) {
            this.socketOwner = socketOwner;
            return this;
        }

        /**
         * The group (name or number) owning the socket file; {@code null} for the server's own.
         *
         * @since 1.7
         */
        public Builder socketGroup(String socketGroup) {
            this.socketGroup = socketGroup;
            return this;
        }

        /** @since 1.6 */
        public Builder privateTmp(boolean privateTmp) {
            this.privateTmp = privateTmp;
            return this;
        }

        /** @since 1.7 */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** The PEM certificate chain; {@code null} or empty for none. @since 1.7 */
        public Builder tlsCertificate(String path) {
            this.tlsCertificate = path == null || path.isEmpty() ? null : path;
            return this;
        }

        /** The PEM private key; {@code null} or empty for none. @since 1.7 */
        public Builder tlsKey(String path) {
            this.tlsKey = path == null || path.isEmpty() ? null : path;
            return this;
        }

        /** The PEM CA bundle for client certificates; {@code null} or empty for none. @since 1.7 */
        public Builder tlsClientCa(String path) {
            this.tlsClientCa = path == null || path.isEmpty() ? null : path;
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
            if (protocol.isUnix()) {
                protocol = Protocol.unix(socketType);
                requireUnixSocket();
            } else {
                require(socketPath == null, "a socket path (" + socketPath + ") needs protocol unix, not "
                        + protocol.configName());
            }
            require(protocol.socketType() == socketType, "socket type " + socketType.configName()
                    + " does not fit protocol " + protocol.configName()
                    + " (stream goes with tcp, dgram with udp)");
            require(bindAddress == null || AddressLiterals.isLiteral(bindAddress), "bind address '" + bindAddress
                    + "' is not a literal IPv4 or IPv6 address (config formats resolve names before this)");
            require(port >= 0 && port <= 65535, "port " + (port < 0 ? "is missing" : port + " is outside 0-65535"));
            require(maxPerMinute >= 0, "max per minute " + maxPerMinute + " is negative");
            require(instances >= 0, "instances " + instances + " is negative");
            int dispatch = (handler != null ? 1 : 0) + (server != null ? 1 : 0) + (redirectHost != null ? 1 : 0);
            require(dispatch == 1, dispatch == 0
                    ? "neither a server program, a built-in handler nor a redirect is given"
                    : "more than one of a server program, a built-in handler and a redirect is given");
            if (redirectHost != null) {
                require(socketType == SocketType.STREAM, "redirect relays stream connections; it does not fit "
                        + socketType.configName());
                require(redirectPort > 0 && redirectPort <= 65535, "redirect port " + redirectPort
                        + " is outside 1-65535");
                require(!wait, "redirect relays each connection itself; it does not fit wait = yes");
            }
            require(perSource >= 0, "per_source " + perSource + " is negative");
            require(cps >= 0 && cpsPauseSeconds >= 0, "cps " + cps + " " + cpsPauseSeconds + " is negative");
            require(cps == 0 || cpsPauseSeconds > 0, "cps " + cps + " needs a pause of at least one second");
            require(maxLoad >= 0 && !Double.isNaN(maxLoad), "max_load " + maxLoad + " is negative");
            require(umask == null || (umask >= 0 && umask <= 0777), "umask " + umask + " is outside 000-777");
            require(nice == null || (nice >= -20 && nice <= 19), "nice " + nice + " is outside -20..19");
            resourceLimits.forEach((limit, value) -> require(value >= 0 || value == UNLIMITED,
                    limit.attributeName() + " " + value + " is negative"));
            if (capabilities != null) {
                for (String c : capabilities) {
                    require(Capabilities.known().contains(c), "capability '" + c + "' is not one this kernel knows"
                            + " (capabilities(7) names such as CAP_NET_BIND_SERVICE)");
                }
            }
            if (tls) {
                require(socketType == SocketType.STREAM, "tls terminates stream connections; it does not fit "
                        + socketType.configName());
                require(!wait, "tls terminates each connection in the server; it does not fit wait = yes");
                require(redirectHost == null, "tls does not apply to redirect");
                require(socketPath == null, "tls is for TCP services; it is not offered on a unix socket");
                require(tlsCertificate != null, "tls = yes needs tls_certificate (a PEM certificate chain)");
                require(tlsKey != null, "tls = yes needs tls_key (a PEM private key)");
            }
            if (server != null) {
                require(!argv.isEmpty(), "the argument vector of " + server + " is empty (argv[0] is required)");
            }
            return new ServiceDefinition(this);
        }

        /** A Unix-domain socket has a path and no address or port (port is kept at 0). */
        private void requireUnixSocket() {
            require(socketPath != null && !socketPath.isEmpty(), "protocol unix needs a socket path");
            require(socketPath.startsWith("/"), "socket path '" + socketPath + "' is not absolute");
            require(socketPath.indexOf('\0') < 0, "socket path '" + socketPath + "' holds a NUL character");
            require(socketPath.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH,
                    "socket path '" + socketPath + "' is longer than " + MAX_SOCKET_PATH + " bytes");
            require(!socketPath.endsWith("/"), "socket path '" + socketPath + "' names a directory");
            require(bindAddress == null, "bind address " + bindAddress + " does not fit protocol unix (a socket"
                    + " path is its address)");
            require(port <= 0, "port " + port + " does not fit protocol unix (a socket path is its address)");
            require(socketMode >= 0 && socketMode <= 0777, "socket mode " + Integer.toOctalString(socketMode)
                    + " is outside 0000-0777");
            require(redirectHost == null, "redirect does not fit protocol unix");
            port = 0;
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
