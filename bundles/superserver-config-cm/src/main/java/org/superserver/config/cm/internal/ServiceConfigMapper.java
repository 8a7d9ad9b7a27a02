package org.superserver.config.cm.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.superserver.api.AddressLiterals;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * Maps the properties of one {@code org.superserver.service} configuration to a
 * {@link ServiceDefinition}. A pure function: no I/O, no OSGi, the same properties give the same
 * result. Values may be strings (as a {@code .cfg} file holds them), numbers, arrays or
 * collections.
 *
 * <p>An INTERNAL service is served by the handler named like the service (as xinetd picks its
 * built-ins; the core then checks that it serves the socket type), or by the one {@code handler}
 * names; {@code id} only tells two definitions of one service apart. Older files named the
 * handler with {@code id}: such a file still maps as it did, with a {@link MappingResult.Notice},
 * when its {@code id} names a handler and its service name does not; when both name one, the
 * service name chooses, and a notice says that the meaning changed.
 */
final class ServiceConfigMapper {

    /** The factory PID whose configurations this bundle maps. */
    static final String FACTORY_PID = "org.superserver.service";

    /** The property FileInstall adds to configurations it creates from a file. */
    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    /** Properties this mapper interprets into typed fields of the definition. */
    static final Set<String> KNOWN;

    static {
        Set<String> known = new java.util.HashSet<>(Set.of("service", "id", "handler", "type", "socket_type",
                "protocol", "port", "bind", "wait", "user", "group", "server", "server_args", "passenv", "instances",
                "policies", "disable", "path", "socket_mode", "socket_owner", "socket_group"));
        known.addAll(ExtendedProperties.TYPED);
        KNOWN = Set.copyOf(known);
    }

    /**
     * Properties checked here and carried as attributes for the {@code xinetd} access policy
     * (only_from, no_access, ...); every other property without a dot becomes an attribute unchecked.
     */
    static final Set<String> ACCESS = ExtendedProperties.ACCESS;

    /** The handlers of superserver-builtin, known to exist before any is registered. */
    static final Set<String> BUILTINS = Set.of("echo", "discard", "chargen", "daytime", "time");

    /** One word: what xinetd.conf and the handler registry accept as a name. */
    private static final String WORD = "\\S+";

    private ServiceConfigMapper() {
    }

    /**
     * Maps one configuration's properties (including {@code service.pid}) to a result, knowing
     * only the {@link #BUILTINS} as handler names.
     */
    static MappingResult map(Map<String, ?> properties) {
        return map(properties, BUILTINS::contains);
    }

    /**
     * Maps one configuration's properties to a result; {@code isHandler} tells which names a
     * registered handler has (it decides only how an older file's {@code id} is read).
     */
    static MappingResult map(Map<String, ?> properties, Predicate<String> isHandler) {
        String origin = origin(properties);
        List<MappingResult.Notice> notices = new ArrayList<>();
        try {
            return map(properties, origin, isHandler, notices);
        } catch (Invalid e) {
            return MappingResult.invalid(origin, e.property, e.getMessage());
        }
    }

    /**
     * Whether the mapping of these properties depends on which handlers are registered: an
     * INTERNAL service with an {@code id} other than its name and no {@code handler}.
     */
    static boolean dependsOnHandlers(Map<String, ?> p) {
        try {
            String id = string(p, "id");
            return id != null && !id.equals(string(p, "service")) && string(p, "handler") == null;
        } catch (Invalid e) {
            return false;
        }
    }

    /**
     * The definition id: {@code cm:} followed by the file's name without {@code .cfg} when FileInstall
     * made the configuration (stable across restarts), otherwise by the PID.
     */
    static String definitionId(Map<String, ?> properties) {
        String file = fileName(properties);
        if (file != null) {
            String base = file.substring(file.lastIndexOf('/') + 1);
            int dot = base.lastIndexOf('.');
            return "cm:" + (dot > 0 ? base.substring(0, dot) : base);
        }
        return "cm:" + properties.get("service.pid");
    }

    /** The file the configuration came from, or {@code Configuration Admin <pid>}. */
    static String origin(Map<String, ?> properties) {
        String file = fileName(properties);
        if (file != null) {
            try {
                return file.startsWith("file:") ? Paths.get(new URI(file)).toString() : file;
            } catch (Exception e) {
                return file;
            }
        }
        return "Configuration Admin " + properties.get("service.pid");
    }

    private static String fileName(Map<String, ?> properties) {
        Object file = properties.get(FILEINSTALL_FILENAME);
        return file == null || file.toString().isBlank() ? null : file.toString();
    }

    private static MappingResult map(Map<String, ?> p, String origin, Predicate<String> isHandler,
            List<MappingResult.Notice> notices) {
        if (yesNo(p, "disable", false)) {
            return MappingResult.disabled(origin);
        }
        String service = string(p, "service");
        if (service == null) {
            throw new Invalid("service", "is missing; expected the service name, e.g. service=echo");
        }
        if (service.chars().anyMatch(Character::isWhitespace)) {
            throw new Invalid("service", "'" + service + "' contains a blank; expected one word, e.g. echo");
        }

        String id = string(p, "id");
        if (id != null && !id.matches(WORD)) {
            throw new Invalid("id", "'" + id + "' is not one word; expected an identifier that tells two definitions "
                    + "of one service apart, e.g. " + service + "-stream and " + service + "-dgram");
        }
        String handler = string(p, "handler");
        if (handler != null && !handler.matches(WORD)) {
            throw new Invalid("handler", "'" + handler + "' is not a handler name; expected one word such as echo");
        }

        boolean internal = false;
        for (String word : words(p, "type")) {
            switch (word.toUpperCase(Locale.ROOT)) {
                case "INTERNAL":
                    internal = true;
                    break;
                case "UNLISTED":
                    break;
                default:
                    throw new Invalid("type", "'" + word + "' is not supported; expected INTERNAL and/or UNLISTED, or no type");
            }
        }

        SocketType socketType = null;
        String socketText = string(p, "socket_type");
        if (socketText != null) {
            try {
                socketType = SocketType.parse(socketText);
            } catch (IllegalArgumentException e) {
                throw new Invalid("socket_type", "'" + socketText + "' is not a socket type; expected stream or dgram");
            }
        }
        Protocol protocol = null;
        String protocolText = string(p, "protocol");
        if (protocolText != null) {
            try {
                protocol = Protocol.parse(protocolText);
            } catch (IllegalArgumentException e) {
                throw new Invalid("protocol", "'" + protocolText
                        + "' is not a protocol; expected tcp, tcp4, tcp6, udp, udp4, udp6 or unix");
            }
        }
        if (socketType == null) {
            socketType = protocol == null ? SocketType.STREAM : protocol.socketType();
        }
        boolean unix = protocol != null && protocol.isUnix();
        if (unix) {
            protocol = Protocol.unix(socketType);
        } else if (string(p, "path") != null) {
            throw new Invalid("path", "is a Unix-domain socket's path and needs protocol = unix (protocol is "
                    + (protocol == null ? "not set" : protocol.configName()) + ")");
        }
        if (protocol == null) {
            protocol = socketType == SocketType.STREAM ? Protocol.TCP : Protocol.UDP;
        }
        if (protocol.socketType() != socketType) {
            throw new Invalid("protocol", "'" + protocol.configName() + "' does not fit socket_type "
                    + socketType.configName() + "; expected "
                    + (socketType == SocketType.STREAM ? "tcp, tcp4 or tcp6" : "udp, udp4 or udp6"));
        }

        int port = unix ? noPortForUnix(p) : port(p);
        String bind = string(p, "bind");
        if (unix && bind != null) {
            throw new Invalid("bind", "'" + bind + "' does not fit protocol = unix: a Unix-domain socket has a path"
                    + " (path), no address; leave bind out");
        }
        if ("*".equals(bind)) {
            bind = null;
        }
        if (bind != null && !AddressLiterals.isLiteral(bind)) {
            throw new Invalid("bind", "'" + bind + "' is not an IP address; expected a literal address "
                    + "such as 127.0.0.1 or ::1, or * (or no bind) for every address");
        }
        boolean wait = yesNo(p, "wait", false);
        int instances = instances(p);

        ServiceDefinition.Builder b = ServiceDefinition.builder()
                .id(definitionId(p))
                .name(service)
                .socketType(socketType)
                .protocol(protocol)
                .bindAddress(bind)
                .port(port)
                .wait(wait)
                .instances(instances)
                .user(string(p, "user"))
                .group(string(p, "group"))
                .origin(origin);
        if (unix) {
            b.socketPath(socketPath(p)).socketMode(socketMode(p)).socketOwner(string(p, "socket_owner"))
                    .socketGroup(string(p, "socket_group"));
        } else {
            for (String key : List.of("socket_mode", "socket_owner", "socket_group")) {
                String value = string(p, key);
                // the Metatype form sends every default; only a value set on purpose is wrong here
                if (value != null && !(key.equals("socket_mode") && value.equals("0660"))) {
                    throw new Invalid(key, "applies to a Unix-domain socket's file and needs protocol = unix");
                }
            }
        }

        for (String policy : words(p, "policies")) {
            if (!policy.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new Invalid("policies", "'" + policy + "' is not a policy name; expected names such as tcpd,"
                        + " separated by blanks");
            }
            b.policy(policy);
        }

        List<String> passenv = new ArrayList<>();
        for (String name : words(p, "passenv")) {
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new Invalid("passenv", "'" + name + "' is not an environment variable name; expected "
                        + "names of letters, digits and _ separated by blanks, e.g. passenv = PATH_INFO TERM");
            }
            if (!passenv.contains(name)) {
                passenv.add(name);
            }
        }
        b.passenv(passenv);

        String server = string(p, "server");
        List<String> args = words(p, "server_args");
        boolean redirect = string(p, "redirect") != null;
        if (handler != null && !internal) {
            throw new Invalid("handler", "is set to " + handler + " but type is not INTERNAL; expected type = INTERNAL "
                    + "for a service served in-process, or no handler");
        }
        if (redirect) {
            if (internal || server != null) {
                throw new Invalid("redirect", "is set together with " + (internal ? "type INTERNAL" : "server " + server)
                        + "; expected one of redirect, server and type INTERNAL");
            }
            if (!args.isEmpty()) {
                throw new Invalid("server_args", "is set but the service is a redirect; expected no server_args");
            }
        } else if (internal) {
            if (server != null) {
                throw new Invalid("server", "is set to " + server + " but type is INTERNAL; "
                        + "expected either no server (a built-in serves it) or no INTERNAL type");
            }
            if (!args.isEmpty()) {
                throw new Invalid("server_args", "is set but type is INTERNAL; expected no server_args");
            }
            b.handler(handler(service, id, handler, isHandler, notices));
        } else {
            if (server == null) {
                throw new Invalid("server", "is missing; expected the absolute path of a program, "
                        + "or type=INTERNAL for a built-in service");
            }
            if (!server.startsWith("/")) {
                throw new Invalid("server", "'" + server + "' is not an absolute path; expected e.g. /usr/sbin/in.ftpd");
            }
            List<String> argv = new ArrayList<>();
            if (ExtendedProperties.flags(p).contains("NAMEINARGS")) {
                if (args.isEmpty()) {
                    throw new Invalid("server_args", "is empty but flags has NAMEINARGS; expected argv[0] "
                            + "and the arguments, e.g. server_args = in.ftpd -l");
                }
            } else {
                argv.add(server.substring(server.lastIndexOf('/') + 1));
            }
            argv.addAll(args);
            argv.replaceAll(ServiceConfigMapper::asBytes);
            b.server(asBytes(server)).argv(argv);
        }

        if (ExtendedProperties.map(p, b) && !words(p, "policies").contains(ExtendedProperties.XINETD_POLICY)) {
            b.policy(ExtendedProperties.XINETD_POLICY);
        }
        p.forEach((key, value) -> {
            if (!KNOWN.contains(key) && !ACCESS.contains(key) && key.indexOf('.') < 0 && value != null) {
                b.attribute(key, values(value));
            }
        });

        try {
            return MappingResult.defined(b.build(), notices);
        } catch (IllegalArgumentException e) {
            throw new Invalid(ExtendedProperties.propertyOf(e.getMessage()), e.getMessage());
        }
    }

    /**
     * The handler of an INTERNAL service: {@code handler} when set; else the service name, as
     * xinetd has it; else, for an older file whose {@code id} names a handler that the service
     * name does not, that handler, with a notice.
     */
    private static String handler(String service, String id, String handler,
            Predicate<String> isHandler, List<MappingResult.Notice> notices) {
        if (handler != null) {
            return handler;
        }
        if (id != null && !id.equals(service) && !isHandler.test(service) && isHandler.test(id)) {
            notices.add(new MappingResult.Notice("id", "'" + id + "' is read as the handler of this INTERNAL service, "
                    + "as older versions did; the handler is now chosen by the service name and socket_type (as in "
                    + "xinetd) and id only tells two definitions of one service apart: write handler = " + id
                    + " (or service = " + id + ") to keep this meaning without this notice"));
            return id;
        }
        if (id != null && !id.equals(service) && isHandler.test(id)) {
            notices.add(new MappingResult.Notice("id", "'" + id + "' names a handler but no longer chooses it: the "
                    + "service name " + service + " does, as in xinetd (older versions served this service with " + id
                    + "); write handler = " + id + " if " + id + " should serve it, or another id"));
        }
        return service;
    }

    /**
     * A program's path or argument as the definition carries it: one char per byte (as inetd.conf,
     * read as ISO-8859-1, gives it, and as the core writes it), here the UTF-8 bytes of the
     * configuration's text, so that a program gets its arguments in UTF-8.
     */
    static String asBytes(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** A Unix-domain socket has no port: port is left out (or 0, as the Metatype form may send). */
    private static int noPortForUnix(Map<String, ?> p) {
        String text = scalar(p.get("port"), "port");
        if (text != null && !text.equals("0")) {
            throw new Invalid("port", "'" + text + "' does not fit protocol = unix: a Unix-domain socket has a path"
                    + " (path), no port; leave port out");
        }
        return 0;
    }

    private static String socketPath(Map<String, ?> p) {
        String path = string(p, "path");
        if (path == null) {
            throw new Invalid("path", "is missing; protocol = unix needs the absolute path of the socket file,"
                    + " e.g. path = /run/echo.sock");
        }
        if (!path.startsWith("/")) {
            throw new Invalid("path", "'" + path + "' is not an absolute path; expected e.g. /run/echo.sock");
        }
        return path;
    }

    private static int socketMode(Map<String, ?> p) {
        String text = string(p, "socket_mode");
        if (text == null) {
            return ServiceDefinition.DEFAULT_SOCKET_MODE;
        }
        if (!text.matches("[0-7]{1,4}") || Integer.parseInt(text, 8) > 0777) {
            throw new Invalid("socket_mode", "'" + text + "' is not a file mode; expected octal permission bits"
                    + " from 0000 to 0777, e.g. 0660");
        }
        return Integer.parseInt(text, 8);
    }

    private static int port(Map<String, ?> p) {
        Object value = p.get("port");
        String text = scalar(value, "port");
        if (text == null) {
            throw new Invalid("port", "is missing; expected a port number 0-65535, e.g. port=10007");
        }
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new Invalid("port", "'" + text + "' is not a number; expected a port number 0-65535");
        }
        if (port < 0 || port > 65535) {
            throw new Invalid("port", port + " is outside 0-65535; expected a port number 0-65535");
        }
        return port;
    }

    private static int instances(Map<String, ?> p) {
        String text = string(p, "instances");
        if (text == null || "UNLIMITED".equalsIgnoreCase(text)) {
            return 0;
        }
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid("instances", "'" + text + "' is not a limit; expected a positive number or UNLIMITED");
    }

    static boolean yesNo(Map<String, ?> p, String key, boolean absent) {
        String text = string(p, key);
        if (text == null) {
            return absent;
        }
        switch (text.toLowerCase(Locale.ROOT)) {
            case "yes":
            case "true":
                return true;
            case "no":
            case "false":
                return false;
            default:
                throw new Invalid(key, "'" + text + "' is neither yes nor no; expected yes or no");
        }
    }

    /** A single value without leading and trailing white space (Unicode's too), or {@code null} when absent or blank. */
    static String string(Map<String, ?> p, String key) {
        return scalar(p.get(key), key);
    }

    static String scalar(Object value, String key) {
        if (value instanceof String) {
            String text = ((String) value).strip();
            return text.isEmpty() ? null : text;
        }
        List<String> values = value == null ? List.of() : values(value);
        if (values.size() > 1) {
            throw new Invalid(key, "has " + values.size() + " values " + values + "; expected one");
        }
        if (values.isEmpty()) {
            return null;
        }
        String text = values.get(0).strip();
        return text.isEmpty() ? null : text;
    }

    /** The blank-separated words of a value (or the elements of an array or collection). */
    static List<String> words(Map<String, ?> p, String key) {
        Object value = p.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String) {
            String text = ((String) value).strip();
            return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s+"));
        }
        return values(value);
    }

    static List<String> values(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof String) {
            String text = ((String) value).strip();
            if (!text.isEmpty()) {
                out.addAll(Arrays.asList(text.split("\\s+")));
            }
            return out;
        }
        if (value instanceof Collection) {
            for (Object o : (Collection<?>) value) {
                out.add(String.valueOf(o));
            }
        } else if (value.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(value);
            for (int i = 0; i < n; i++) {
                out.add(String.valueOf(java.lang.reflect.Array.get(value, i)));
            }
        } else {
            out.add(value.toString());
        }
        return out;
    }

    /** An invalid property; caught in {@link #map(Map)}. */
    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String property;

        Invalid(String property, String message) {
            super(message, null, false, false);
            this.property = property;
        }
    }
}
