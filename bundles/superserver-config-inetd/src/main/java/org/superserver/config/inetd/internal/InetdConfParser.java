package org.superserver.config.inetd.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.superserver.api.AddressFamily;
import org.superserver.api.AddressLiterals;
import org.superserver.api.Diagnostic;
import org.superserver.api.LogField;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.config.ServicesTable;

/**
 * inetd.conf(5) text to {@link ServiceDefinition}s plus {@link Diagnostic}s. A pure function: the
 * same text, file name, services table and options give the same result; no I/O (host names go
 * through the given {@link AddressResolver}).
 *
 * <p>openbsd-inetd as Debian ships it is the reference, and this parser follows its
 * {@code getconfigent()}:
 * <ul>
 * <li>a line whose first character is {@code #} is a comment (that is how a line is disabled); a
 * {@code #} later in a line is an ordinary word;</li>
 * <li>a line that starts with a blank or tab continues the entry above it (through whitespace-only
 * lines); after a comment, a blank line or at the top of the file it starts an entry of its own;</li>
 * <li>words are separated by blanks and tabs only; quotes are literal characters;</li>
 * <li>{@code addr:service} binds to {@code addr} (the last colon separates; {@code [v6]:}, a bare
 * {@code v6:} and {@code addr1,addr2:} work; {@code :service} and {@code *:service} mean every
 * address; a host name is resolved, one definition per address); a word
 * {@code addr:} alone on its line sets the default address of the lines below ({@code *:}
 * resets);</li>
 * <li>the service is a name in the services table for the protocol, or a port number 1-65535;</li>
 * <li>socket type {@code stream} or {@code dgram}; protocol {@code tcp}, {@code udp} (both address
 * families), {@code tcp4}, {@code udp4}, {@code tcp6}, {@code udp6}, optionally followed by
 * {@code ,sndbuf=N[k|m]} and {@code ,rcvbuf=N[k|m]} (kept as attributes {@code sndbuf} and
 * {@code rcvbuf}); {@code tcp46}/{@code udp46} are read as {@code tcp}/{@code udp};</li>
 * <li>{@code wait} means wait and any other word nowait (as the reference compares); a
 * {@code .max} suffix is a number parsed as C's {@code strtoul(s, &end, 0)} does (decimal, 0x hex,
 * leading-0 octal), at least 1;</li>
 * <li>{@code user.group} or {@code user:group} (the first dot wins over a colon);</li>
 * <li>{@code internal} for a built-in, which the service name names; no arguments means argv[0]
 * is the basename of the server program.</li>
 * </ul>
 *
 * <p>Deliberate differences from openbsd-inetd:
 * <ul>
 * <li><b>{@code .max} is served exactly:</b> {@code nowait.N} gives {@code maxPerMinute = N}, and the
 * core serves N invocations a minute. openbsd-inetd counts the invocation that exceeds the limit
 * before comparing ({@code ++se_count >= se_max}), so it serves only N−1 a minute and pauses the
 * service on the N-th. Without {@code .max} no limit applies (openbsd-inetd defaults to 256, its
 * {@code -R}).</li>
 * <li><b>{@code internal NAME}:</b> the word after {@code internal} names the built-in handler, so a
 * numeric port can be served by a built-in ({@code 10007 stream tcp nowait root internal echo}).
 * Without it the service name names the built-in, as in openbsd-inetd (the man page's
 * {@code internal internal} form works too). A built-in name that no handler carries is not an
 * error here: the core serves the line as soon as a bundle registers that handler. An internal
 * service on a bare port number without a name is an error.</li>
 * <li><b>Internal services never wait:</b> as in openbsd-inetd, whose built-ins are all nowait,
 * the wait field of an internal line is ignored.</li>
 * <li><b>A bad {@code .max} skips the line</b> (openbsd-inetd logs it and serves with 256).</li>
 * <li><b>FreeBSD's {@code wait/N}:</b> the first number after a slash is the maximum of
 * simultaneous children ({@code instances}); FreeBSD's per-address limits
 * ({@code nowait/N/M[/K]}) are an error (use xinetd's {@code per_source}); openbsd-inetd reads
 * the whole word as nowait without a limit.</li>
 * <li>Unknown socket types and protocols, a socket type that does not fit the protocol, an address
 * of the wrong family and an empty user or group are errors found here, with the field named,
 * rather than failures at bind or spawn time; {@code unix} and {@code rpc/} services are not
 * supported.</li>
 * <li>More than 20 arguments are kept (openbsd-inetd drops those after the 20th).</li>
 * <li>In an address list, each address may be bracketed ({@code 127.0.0.1,[::1]:echo});
 * openbsd-inetd strips brackets only around the whole prefix.</li>
 * <li>Two lines with the same address, service and protocol: the later one wins, as in
 * openbsd-inetd, and a warning names both lines.</li>
 * </ul>
 *
 * <p>Access policies: a line whose server program is {@code tcpd} (any path) gets the policy
 * {@code tcpd} and serves the program tcpd would start, directly, with the argv tcpd would give it:
 * argv[0] names the program; an absolute one is cut to its basename, as tcpd does, and any other
 * is looked up in /usr/sbin, tcpd's REAL_DAEMON_DIR, and kept as written;
 * the tcpd bundle makes the check in-process, so no extra program runs per connection. With
 * {@code wrapAll} (Debian inetd's {@code -l}) every line gets the policy.
 */
final class InetdConfParser {

    /** Prefix of every definition id: {@code inetd:FILE:ADDRESS:SERVICE/PROTOCOL}. */
    static final String ID_PREFIX = "inetd:";

    /** The protocol of a Unix-domain socket, as openbsd-inetd names it. */
    static final String UNIX = "unix";

    /** The longest socket path, in bytes, that fits {@code sun_path} with its terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    /** The access policy that tcpd lines and {@code wrapAll} add. */
    static final String TCPD_POLICY = "tcpd";
    /** Where tcpd looks for a program named without a path (its REAL_DAEMON_DIR, as Debian builds it). */
    static final String TCPD_DAEMON_DIR = "/usr/sbin";

    private static final Set<String> OTHER_SOCKET_TYPES = Set.of("raw", "rdm", "seqpacket");

    private final ServicesTable services;
    private final String servicesName;
    private final boolean wrapAll;
    private final AddressResolver resolver;

    /**
     * @param services     the services(5) table service names are looked up in
     * @param servicesName the table's file name, for messages
     * @param wrapAll      whether every line gets the {@code tcpd} policy (Debian inetd {@code -l})
     * @param resolver     turns host names in address prefixes into literal addresses
     */
    InetdConfParser(ServicesTable services, String servicesName, boolean wrapAll, AddressResolver resolver) {
        this.services = services;
        this.servicesName = servicesName;
        this.wrapAll = wrapAll;
        this.resolver = resolver;
    }

    /**
     * A diagnostic in this format's words: {@code file:line: field: message}, and for an error on a
     * line {@code ; line skipped} (the line is not served; the others are). The line is left out
     * when the problem concerns the whole file.
     */
    static String describe(Diagnostic d) {
        return d.file() + (d.line() > 0 ? ":" + d.line() : "") + ": "
                + (d.field() == null ? "" : d.field() + ": ") + d.message()
                + (d.isError() && d.line() > 0 ? "; line skipped" : "");
    }

    /** Parses the text of one file. {@code file} names it in ids, origins and diagnostics. */
    ParseResult parse(String file, String text) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        Map<String, ServiceDefinition> byId = new LinkedHashMap<>();
        String defaultHost = "*";
        for (Entry entry : entries(text)) {
            try {
                String host = parseEntry(file, entry, defaultHost, byId, diagnostics);
                if (host != null) {
                    defaultHost = host;
                }
            } catch (Invalid e) {
                diagnostics.add(Diagnostic.error(file, entry.line, e.field, e.getMessage()));
            }
        }
        return new ParseResult(new ArrayList<>(byId.values()), diagnostics);
    }

    /** One entry: its words (continuation lines included) and the line it starts on. */
    private static final class Entry {
        final int line;
        final List<String> words = new ArrayList<>();

        Entry(int line) {
            this.line = line;
        }
    }

    /** Splits the text into entries, as openbsd-inetd's nextline()/skip() read them. */
    static List<Entry> entries(String text) {
        List<Entry> entries = new ArrayList<>();
        Entry open = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty() || line.charAt(0) == '#') {
                open = null;
                continue;
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            List<String> words = words(line);
            if (continuation && open != null) {
                open.words.addAll(words);
                continue;
            }
            if (words.isEmpty()) {
                open = null;
                continue;
            }
            open = new Entry(i + 1);
            open.words.addAll(words);
            entries.add(open);
        }
        return entries;
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        for (String word : line.split("[ \t]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /**
     * Parses one entry into {@code byId}; returns the new default host when the entry is a bare
     * {@code addr:} line, {@code null} otherwise.
     */
    private String parseEntry(String file, Entry entry, String defaultHost,
            Map<String, ServiceDefinition> byId, List<Diagnostic> diagnostics) {
        List<String> w = entry.words;
        int next = 0;
        String first = w.get(next++);
        String host;
        String service;
        int colon = first.lastIndexOf(':');
        // openbsd-inetd's unix protocol: the first field is the socket's path, which may hold a ':'
        boolean unix = w.size() > 2 && (w.get(2).equals(UNIX) || w.get(2).startsWith(UNIX + ","));
        if (unix) {
            host = defaultHost;
            service = first;
        } else if (colon >= 0) {
            host = first.substring(0, colon);
            if (host.length() >= 2 && host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.isEmpty()) {
                host = "*";
            }
            service = first.substring(colon + 1);
            if (service.isEmpty()) {
                if (next == w.size()) {
                    noNul("address", host);
                    checkHostSyntax(host);
                    return host;
                }
                service = w.get(next++);
            }
        } else {
            host = defaultHost;
            service = first;
        }

        String socketText = field(w, next++, "socket type", service);
        String protocolText = field(w, next++, "protocol", service);
        String waitText = field(w, next++, "wait", service);
        String userText = field(w, next++, "user", service);
        String server = field(w, next++, "server program", service);
        List<String> args = w.subList(next, w.size());
        noNul("address", host);
        noNul("service", service);
        noNul("socket type", socketText);
        noNul("protocol", protocolText);
        noNul("wait", waitText);
        noNul("user", userText);
        noNul("server program", server);
        for (String arg : args) {
            noNul("server arguments", arg);
        }

        SocketType socketType = socketType(socketText);
        ProtocolField protocol = protocol(protocolText);
        if (unix) {
            checkSocketPath(service);
        } else if (protocol.protocol.socketType() != socketType) {
            throw new Invalid("protocol", "'" + protocol.name + "' does not fit socket type " + socketText
                    + "; expected " + (socketType == SocketType.STREAM ? "tcp, tcp4 or tcp6 with stream"
                            : "udp, udp4 or udp6 with dgram"));
        }
        int port = unix ? 0 : port(service, protocol.name);
        // warnings count only for a line that serves: a bad line is reported once, by its error
        List<Diagnostic> warnings = new ArrayList<>();
        WaitField wait = waitField(waitText, file, entry.line, warnings);

        String user = userText;
        String group = null;
        int sep = userText.indexOf('.');
        if (sep < 0) {
            sep = userText.indexOf(':');
        }
        if (sep >= 0) {
            user = userText.substring(0, sep);
            group = userText.substring(sep + 1);
            if (group.isEmpty()) {
                throw new Invalid("user", "'" + userText + "' has an empty group after '" + userText.charAt(sep)
                        + "'; expected user, user.group or user:group");
            }
        }
        if (user.isEmpty()) {
            throw new Invalid("user", "'" + userText + "' has no user name; expected user, user.group or user:group");
        }

        ServiceDefinition.Builder b = ServiceDefinition.builder()
                .name(service)
                .socketType(socketType)
                .port(port)
                .wait(wait.wait)
                .maxPerMinute(wait.maxPerMinute)
                .instances(wait.instances)
                .user(user)
                .group(group)
                .origin(file + ":" + entry.line);
        protocol.attributes.forEach(b::attribute);
        if (unix) {
            b.socketPath(service).socketMode(protocol.socketMode).socketOwner(protocol.socketOwner)
                    .socketGroup(protocol.socketGroup);
        }

        Set<String> policies = new LinkedHashSet<>();
        if ("internal".equals(server)) {
            String handler = service;
            if (!args.isEmpty() && !"internal".equals(args.get(0)) && !args.get(0).startsWith("#")) {
                handler = args.get(0);
            } else if (unix) {
                handler = builtinOfPath(service);
            } else if (isNumber(service)) {
                throw new Invalid("server program", "internal on port " + service
                        + " names no built-in (a port number cannot name one); expected a service name "
                        + "such as echo, or 'internal NAME' with the built-in's name, e.g. internal echo");
            }
            // inetd logs nothing per client of a built-in: no START/EXIT lines (a started server's are kept)
            b.handler(handler).wait(false).logOnSuccess(EnumSet.noneOf(LogField.class));
        } else {
            String base = server.substring(server.lastIndexOf('/') + 1);
            if (base.isEmpty()) {
                throw new Invalid("server program", "'" + server + "' names a directory; expected a program path");
            }
            List<String> argv = args.isEmpty() ? List.of(base) : args;
            if (TCPD_POLICY.equals(base)) {
                // The check tcpd would make runs in-process; the program tcpd would start is started
                // directly, with the argv tcpd gives it (tcpd.c): an absolute argv[0] is the program
                // and is cut to its basename; any other names the program in tcpd's own directory
                // and stays as written.
                if (args.isEmpty()) {
                    throw new Invalid("server arguments", "tcpd is given no program to run; expected the "
                            + "real server as its first argument, e.g. /usr/sbin/tcpd /usr/sbin/in.fingerd");
                }
                String program = args.get(0);
                String real = program.startsWith("/") ? program : TCPD_DAEMON_DIR + "/" + program;
                List<String> tcpdArgv = new ArrayList<>(args);
                if (program.startsWith("/")) {
                    String argv0 = program.substring(program.lastIndexOf('/') + 1);
                    if (argv0.isEmpty()) {
                        throw new Invalid("server arguments", "'" + program + "' names a directory; expected the "
                                + "real server's path, e.g. /usr/sbin/tcpd /usr/sbin/in.fingerd");
                    }
                    tcpdArgv.set(0, argv0);
                }
                b.server(real).argv(tcpdArgv).attribute(TCPD_POLICY, List.of(server));
                policies.add(TCPD_POLICY);
            } else {
                b.server(server).argv(argv);
            }
        }
        if (wrapAll && !unix) { // hosts_access(5) names hosts: a Unix peer has none, as in openbsd-inetd
            policies.add(TCPD_POLICY);
        }
        b.policies(new ArrayList<>(policies));

        if (unix) {
            diagnostics.addAll(warnings);
            String id = ID_PREFIX + file + ":" + service + "/" + UNIX;
            ServiceDefinition definition;
            try {
                definition = b.id(id).protocol(Protocol.unix(socketType)).build();
            } catch (IllegalArgumentException e) {
                throw new Invalid("line", e.getMessage());
            }
            ServiceDefinition earlier = byId.put(id, definition);
            if (earlier != null) {
                diagnostics.add(Diagnostic.warning(file, entry.line, "service", service + "/unix is defined"
                        + " again; this line replaces " + earlier.origin() + " (the later line wins, as in inetd)"));
            }
            return null;
        }
        List<String> addresses = addresses(host, protocol.protocol);
        diagnostics.addAll(warnings);
        for (String address : addresses) {
            Protocol narrowed = narrow(protocol.protocol, address);
            String id = ID_PREFIX + file + ":" + idHost(address) + ":" + service + "/" + protocol.name;
            ServiceDefinition definition;
            try {
                definition = b.id(id).protocol(narrowed).bindAddress(address).build();
            } catch (IllegalArgumentException e) {
                throw new Invalid("line", e.getMessage());
            }
            ServiceDefinition earlier = byId.remove(id);
            if (earlier != null) {
                diagnostics.add(Diagnostic.warning(file, entry.line, "service",
                        service + "/" + protocol.name + " on " + idHost(address) + " is defined again; this line "
                                + "replaces " + earlier.origin() + " (the later line wins, as in inetd)"));
            }
            byId.put(id, definition);
        }
        return null;
    }

    /**
     * A NUL byte cannot pass to a program (a C string ends there) nor name anything; inetd, which
     * reads lines as C strings, would cut the word short without a word.
     */
    private static void noNul(String field, String value) {
        int nul = value.indexOf('\0');
        if (nul >= 0) {
            throw new Invalid(field, "'" + value.substring(0, nul) + "\\0...' contains a NUL byte at offset " + nul
                    + "; expected text without NUL bytes");
        }
    }

    private static String field(List<String> words, int index, String name, String service) {
        if (index >= words.size()) {
            throw new Invalid(name, "is missing for " + service + "; expected seven fields: service, socket type, "
                    + "protocol, wait/nowait[.max], user[.group], server program, arguments");
        }
        return words.get(index);
    }

    private static SocketType socketType(String text) {
        switch (text) {
            case "stream":
                return SocketType.STREAM;
            case "dgram":
                return SocketType.DGRAM;
            default:
                throw new Invalid("socket type", "'" + text + "' is "
                        + (OTHER_SOCKET_TYPES.contains(text) ? "not supported" : "not a socket type")
                        + "; expected stream or dgram");
        }
    }

    /**
     * The socket path of a {@code unix} line: absolute, as openbsd-inetd needs it to name the
     * socket file it binds, and not a directory.
     */
    private static void checkSocketPath(String path) {
        if (!path.startsWith("/")) {
            throw new Invalid("service", "'" + path + "' is not an absolute path; a unix service's first field is"
                    + " the path of its socket, e.g. /run/echo.sock");
        }
        if (path.endsWith("/")) {
            throw new Invalid("service", "'" + path + "' names a directory; expected the path of the socket file,"
                    + " e.g. /run/echo.sock");
        }
        if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new Invalid("service", "'" + path + "' is longer than " + MAX_SOCKET_PATH + " bytes, the most"
                    + " a Unix-domain socket address holds");
        }
    }

    /**
     * The built-in a {@code unix ... internal} line without a name serves: its socket file's name
     * up to the first dot ({@code /run/echo.sock} is echo), since a path names no service.
     */
    static String builtinOfPath(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int dot = base.indexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    /** The protocol field: the protocol, its name as written (without options) and buffer sizes. */
    private static final class ProtocolField {
        final Protocol protocol;
        final String name;
        final Map<String, List<String>> attributes;
        int socketMode = ServiceDefinition.DEFAULT_SOCKET_MODE;
        String socketOwner;
        String socketGroup;

        ProtocolField(Protocol protocol, String name, Map<String, List<String>> attributes) {
            this.protocol = protocol;
            this.name = name;
            this.attributes = attributes;
        }
    }

    private static ProtocolField protocol(String text) {
        String[] parts = text.split(",", -1);
        String name = parts[0];
        Protocol protocol;
        switch (name) {
            case "tcp":
            case "tcp46":
                protocol = Protocol.TCP;
                break;
            case "udp":
            case "udp46":
                protocol = Protocol.UDP;
                break;
            case "tcp4":
                protocol = Protocol.TCP4;
                break;
            case "udp4":
                protocol = Protocol.UDP4;
                break;
            case "tcp6":
                protocol = Protocol.TCP6;
                break;
            case "udp6":
                protocol = Protocol.UDP6;
                break;
            case UNIX:
                return unixProtocol(text, parts);
            default:
                String why = name.startsWith("rpc/") ? "is a Sun RPC protocol, which is not supported"
                        : "is not a protocol";
                throw new Invalid("protocol", "'" + name + "' " + why + "; expected tcp, tcp4, tcp6, udp, udp4, udp6"
                        + " or unix");
        }
        if (parts.length > 3) {
            throw new Invalid("protocol", "'" + text + "' has too many buffer sizes; expected at most "
                    + name + ",sndbuf=SIZE,rcvbuf=SIZE");
        }
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String option = parts[i];
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq);
            if (eq < 0 || !("sndbuf".equals(key) || "rcvbuf".equals(key))) {
                throw new Invalid("protocol", "'" + option + "' is not a buffer size option; expected sndbuf=SIZE "
                        + "or rcvbuf=SIZE, e.g. " + name + ",rcvbuf=64k");
            }
            long size = bufferSize(option.substring(eq + 1));
            if (size < 1) {
                throw new Invalid("protocol", "'" + option + "' is not a valid buffer size; expected a positive "
                        + "number, optionally followed by k or m, e.g. " + key + "=64k");
            }
            attributes.put(key, List.of(Long.toString(size)));
        }
        return new ProtocolField(protocol, name, attributes);
    }

    /**
     * {@code unix} with this server's options for the socket file: {@code mode=0660},
     * {@code owner=USER}, {@code group=GROUP} (openbsd-inetd has none of them).
     */
    private static ProtocolField unixProtocol(String text, String[] parts) {
        ProtocolField field = new ProtocolField(Protocol.UNIX, UNIX, new LinkedHashMap<>());
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String option = parts[i];
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq);
            String value = eq < 0 ? "" : option.substring(eq + 1);
            if (eq < 0 || !Set.of("mode", "owner", "group").contains(key)) {
                throw new Invalid("protocol", "'" + option + "' is not an option of unix; expected mode=OCTAL,"
                        + " owner=USER or group=GROUP, e.g. unix,mode=0660,group=adm");
            }
            if (!seen.add(key)) {
                throw new Invalid("protocol", "'" + text + "' gives " + key + " twice");
            }
            if (value.isEmpty()) {
                throw new Invalid("protocol", "'" + option + "' has no value");
            }
            switch (key) {
                case "mode":
                    if (!value.matches("[0-7]{1,4}") || Integer.parseInt(value, 8) > 0777) {
                        throw new Invalid("protocol", "'" + option + "' is not a file mode; expected octal"
                                + " permission bits from 0000 to 0777, e.g. mode=0660");
                    }
                    field.socketMode = Integer.parseInt(value, 8);
                    break;
                case "owner":
                    field.socketOwner = value;
                    break;
                default:
                    field.socketGroup = value;
                    break;
            }
        }
        return field;
    }

    /** N, Nk or Nm as bytes; -1 when malformed or too large. */
    private static long bufferSize(String text) {
        long factor = 1;
        String digits = text;
        if (text.endsWith("k")) {
            factor = 1024;
            digits = text.substring(0, text.length() - 1);
        } else if (text.endsWith("m")) {
            factor = 1024 * 1024;
            digits = text.substring(0, text.length() - 1);
        }
        if (digits.isEmpty() || digits.length() > 9 || !isNumber(digits)) {
            return -1;
        }
        long size = Long.parseLong(digits) * factor;
        return size > Integer.MAX_VALUE ? -1 : size;
    }

    private int port(String service, String protocolName) {
        if (isNumber(service)) {
            if (service.length() > 5 || Integer.parseInt(service) < 1 || Integer.parseInt(service) > 65535) {
                throw new Invalid("service", "port " + service + " is outside 1-65535; expected a port number "
                        + "1-65535 or a service name listed in " + servicesName);
            }
            return Integer.parseInt(service);
        }
        OptionalInt port = services.port(service, protocolName);
        if (port.isEmpty() || port.getAsInt() == 0) {
            String proto = protocolName.replaceAll("[0-9]+$", "");
            throw new Invalid("service", "'" + service + "' is not a " + proto + " service in " + servicesName
                    + "; expected a name listed there as NAME PORT/" + proto + ", or a port number 1-65535");
        }
        return port.getAsInt();
    }

    /** The wait field: wait or nowait, the optional invocations-per-minute and children limits. */
    private static final class WaitField {
        boolean wait;
        int maxPerMinute;
        int instances;
    }

    private static WaitField waitField(String text, String file, int line, List<Diagnostic> diagnostics) {
        WaitField field = new WaitField();
        String word = text;
        int dot = text.indexOf('.');
        int slash = text.indexOf('/');
        if (dot >= 0) {
            word = text.substring(0, dot);
            String max = text.substring(dot + 1);
            long n = strtoul(max);
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw new Invalid("wait", "'" + text + "' has max '" + max + "', which is not a number from 1 to "
                        + Integer.MAX_VALUE + "; expected " + word + ".N with N invocations a minute, e.g. "
                        + word + ".60");
            }
            field.maxPerMinute = (int) n;
        } else if (slash >= 0) {
            // FreeBSD: wait|nowait[/max-child[/max-connections-per-ip-per-minute[/max-child-per-ip]]]
            word = text.substring(0, slash);
            String[] limits = text.substring(slash + 1).split("/", -1);
            if (limits.length > 1) {
                throw new Invalid("wait", "'" + text + "' sets FreeBSD's per-address limits, which are not "
                        + "supported in inetd.conf; expected " + word + " or " + word + "/N (N simultaneous "
                        + "children), or use xinetd's per_source");
            }
            if (!isNumber(limits[0]) || limits[0].length() > 9) {
                throw new Invalid("wait", "'" + text + "' has max-child '" + limits[0] + "', which is not a number; "
                        + "expected " + word + "/N with N simultaneous children (0: no limit)");
            }
            field.instances = Integer.parseInt(limits[0]);
        }
        field.wait = "wait".equals(word);
        if (!field.wait && !"nowait".equals(word)) {
            diagnostics.add(Diagnostic.warning(file, line, "wait", "'" + word + "' is neither wait nor nowait; "
                    + "read as nowait, as inetd does (any word other than wait means nowait)"));
        }
        return field;
    }

    /**
     * C's {@code strtoul(s, &end, 0)} over the whole string: decimal, {@code 0x} hex or leading-0
     * octal; -1 when the string is empty, has other characters or is too large.
     */
    static long strtoul(String s) {
        int radix = 10;
        String digits = s;
        if (s.startsWith("0x") || s.startsWith("0X")) {
            radix = 16;
            digits = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
            digits = s.substring(1);
        }
        if (digits.isEmpty() || digits.length() > 12) {
            return -1;
        }
        try {
            return Long.parseLong(digits, radix) >= 0 && Character.digit(digits.charAt(0), radix) >= 0
                    ? Long.parseLong(digits, radix) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The bind addresses of a host field: {@code null} for every address, else literals. */
    private List<String> addresses(String host, Protocol protocol) {
        List<String> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String written : host.split(",")) {
            String part = unbracket(written);
            if (part.isEmpty()) {
                continue;
            }
            if ("*".equals(part)) {
                if (!out.contains(null)) {
                    out.add(null);
                }
                continue;
            }
            List<String> literals;
            String literal = literal(part);
            if (literal != null) {
                literals = List.of(literal);
            } else if (looksLikeAddress(part)) {
                problems.add("'" + part + "' is not a valid IP address");
                continue;
            } else {
                try {
                    literals = resolver.resolve(part);
                } catch (UnknownHostException e) {
                    problems.add("'" + part + "' is not an IP address and does not resolve ("
                            + e.getMessage() + ")");
                    continue;
                }
            }
            boolean fitting = false;
            for (String l : literals) {
                if (fits(protocol.family(), l)) {
                    fitting = true;
                    if (!out.contains(l)) {
                        out.add(l);
                    }
                }
            }
            if (!fitting) {
                problems.add("'" + part + "' has no " + (protocol.family() == AddressFamily.INET6 ? "IPv6" : "IPv4")
                        + " address for protocol " + protocol.configName());
            }
        }
        if (out.isEmpty()) {
            throw new Invalid("address", (problems.isEmpty() ? "'" + host + "' names no address"
                    : String.join("; ", problems))
                    + "; expected a literal address such as 127.0.0.1 or [::1] (of the protocol's family), "
                    + "a host name, or * for every address");
        }
        return out;
    }

    private static void checkHostSyntax(String host) {
        for (String written : host.split(",")) {
            String part = unbracket(written);
            if (!part.isEmpty() && !"*".equals(part) && literal(part) == null && looksLikeAddress(part)) {
                throw new Invalid("address", "'" + part + "' is not a valid IP address; expected a literal "
                        + "address such as 127.0.0.1 or [::1], a host name, or * for every address");
            }
        }
    }

    /** {@code [v6]} without its brackets (each address of a list may carry them). */
    private static String unbracket(String part) {
        return part.length() >= 2 && part.startsWith("[") && part.endsWith("]")
                ? part.substring(1, part.length() - 1) : part;
    }

    /** The literal address {@code text} is, as written, or {@code null}. Never resolves a name. */
    static String literal(String text) {
        return AddressLiterals.isLiteral(text) && !text.startsWith("[") ? text : null;
    }

    /** Text that can only have been meant as a literal address (digits and dots, or a colon). */
    private static boolean looksLikeAddress(String text) {
        return text.matches("[0-9.]+") || text.indexOf(':') >= 0;
    }

    private static boolean fits(AddressFamily family, String literal) {
        boolean v6 = literal.indexOf(':') >= 0;
        return family == AddressFamily.ANY || (family == AddressFamily.INET6) == v6;
    }

    /** Plain tcp/udp bound to one address listens on that address's family only. */
    private static Protocol narrow(Protocol protocol, String address) {
        if (address == null || protocol.family() != AddressFamily.ANY) {
            return protocol;
        }
        boolean v6 = address.indexOf(':') >= 0;
        if (protocol == Protocol.TCP) {
            return v6 ? Protocol.TCP6 : Protocol.TCP4;
        }
        return v6 ? Protocol.UDP6 : Protocol.UDP4;
    }

    private static String idHost(String address) {
        if (address == null) {
            return "*";
        }
        return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** A field at fault; caught per entry in {@link #parse}. */
    private static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String field;

        Invalid(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    @Override
    public String toString() {
        return "inetd.conf parser (services " + servicesName + (wrapAll ? ", wrap_all" : "") + ")";
    }
}
