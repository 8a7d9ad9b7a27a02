package org.superserver.core.internal;

import com.sun.jna.ptr.IntByReference;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ListenAddresses;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * The listening sockets a service manager passed at start (systemd's socket activation:
 * {@code LISTEN_PID} naming this process, {@code LISTEN_FDS} descriptors from 3, optional
 * {@code LISTEN_FDNAMES}), waiting for the service that adopts them instead of binding. Each is
 * marked close-on-exec at once, so no child inherits one.
 *
 * <p>A service takes a socket of its family (IP for tcp and udp, Unix-domain for unix) and socket
 * type by name ({@code FileDescriptorName} equal to its name or id), else by address and port, or,
 * for a unix service, by the path of its socket file. An abstract or unnamed Unix-domain socket has
 * no path a definition could give: only its name can match. A socket kept across a rebind of its
 * service (new event loops, a pause, a changed definition) is held for that service id; one that no
 * service takes once the configuration has been applied is reported and closed ({@link #sweep}),
 * saying why a service it names or whose path it holds could not take it.
 *
 * <p>The sockets the launcher bound before the framework started, from the record of the last
 * start ({@link ListeningRecord}), join them ({@link #takeEarly}): they are taken by type, address
 * and port only, and one in the way of a service's own bind is closed when that service binds.
 * Confined to the registry's thread.
 */
final class PassedSockets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PassedSockets.class);

    /** The first passed descriptor ({@code SD_LISTEN_FDS_START}). */
    static final int FIRST_FD = 3;

    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    /** {@code offsetof(struct sockaddr_un, sun_path)}: the family is all an unnamed socket's address holds. */
    private static final int SUN_PATH = 2;

    /**
     * One passed socket.
     *
     * @param name its {@code FileDescriptorName}, or {@code ""} when none was given
     * @param type its socket type, or {@code null} when it is not a stream or datagram socket
     * @param local its address, or {@code null} when it is not an IPv4 or IPv6 socket
     * @param path for a Unix-domain socket, the path of its file, {@code @name} for an abstract one (as
     *             systemd writes it) or {@code ""} for an unnamed one; {@code null} for any other family
     * @param early whether the launcher bound it before the framework started, from the record of the
     *              last start ({@link ListeningRecord}), rather than a service manager
     */
    record Passed(int fd, String name, SocketType type, InetSocketAddress local, String path, boolean early) {

        /** A socket passed by a service manager. */
        Passed(int fd, String name, SocketType type, InetSocketAddress local, String path) {
            this(fd, name, type, local, path, false);
        }

        /** An IPv4 or IPv6 socket, or one of another family when {@code local} is {@code null}. */
        Passed(int fd, String name, SocketType type, InetSocketAddress local) {
            this(fd, name, type, local, null);
        }

        /** Whether it is a Unix-domain socket. */
        boolean isUnix() {
            return path != null;
        }

        /**
         * The absolute, normalised path of its socket file; {@code null} for an abstract or unnamed
         * Unix-domain socket and for every other family.
         */
        Path file() {
            return path == null || path.isEmpty() || path.startsWith("@") ? null : normalised(path);
        }

        /** The same socket as descriptor {@code copy}. */
        Passed withFd(int copy) {
            return new Passed(copy, name, type, local, path, early);
        }

        /** The same socket, bound early by the launcher. */
        Passed asEarly() {
            return new Passed(fd, name, type, local, path, true);
        }

        /** Who passed it, for messages: {@code the service manager} or {@code the launcher}. */
        String passedBy() {
            return early ? "the launcher (bound early)" : "the service manager";
        }

        /**
         * For messages: {@code fd=3 name=echo address=127.0.0.1:7}, or {@code fd=3 name=echo
         * path=/run/echo.sock} for a Unix-domain socket ({@code path=@name} when abstract, {@code
         * path=-} when unnamed).
         */
        String describe() {
            String where = path != null ? " path=" + (path.isEmpty() ? "-" : path)
                    : " address=" + (local == null ? "-" : Addresses.format(local));
            return "fd=" + fd + " name=" + (name.isEmpty() ? "-" : name) + where;
        }

        /** For reasons: {@code a unix stream socket}, {@code an IPv4 dgram socket}, and so on. */
        String kind() {
            String t = type == null ? "non-stream, non-datagram" : type.configName();
            if (path != null) {
                return "a unix " + t + " socket";
            }
            if (local != null) {
                return "an " + (local.getAddress() instanceof Inet4Address ? "IPv4" : "IPv6") + " " + t
                        + " socket";
            }
            return "a " + t + " socket of neither the IP nor the Unix-domain family";
        }
    }

    private final List<Passed> waiting = new ArrayList<>();
    private final Map<String, Passed> kept = new HashMap<>();
    /** Why a waiting socket (by descriptor) was not taken by a service it names or whose path it holds. */
    private final Map<Integer, String> refusals = new HashMap<>();

    private PassedSockets(List<Passed> passed) {
        waiting.addAll(passed);
    }

    /** The sockets {@code passed}, as they are: for tests of the matching. */
    static PassedSockets of(List<Passed> passed) {
        return new PassedSockets(passed);
    }

    /** None: the server was not started with sockets. */
    static PassedSockets none() {
        return new PassedSockets(List.of());
    }

    /**
     * The sockets {@code environment} names for process {@code pid}, each made close-on-exec; none
     * when {@code LISTEN_PID} is absent or names another process (a variable inherited from a
     * parent). A malformed variable is reported and nothing is adopted.
     *
     * @param firstFd the first passed descriptor: {@value #FIRST_FD}, or another in tests
     */
    static PassedSockets from(Function<String, String> environment, long pid, int firstFd) {
        try {
            return read(environment, pid, firstFd);
        } catch (LinkageError e) {
            LOG.warn("ADOPT error=passed sockets need JNA (com.sun.jna) to be adopted ({}); services bind their own",
                    e.toString());
            return none();
        }
    }

    private static PassedSockets read(Function<String, String> environment, long pid, int firstFd) {
        String listenPid = environment.apply("LISTEN_PID");
        String listenFds = environment.apply("LISTEN_FDS");
        if (listenPid == null || listenFds == null) {
            return none();
        }
        int count;
        try {
            if (Long.parseLong(listenPid.trim()) != pid) {
                LOG.info("ADOPT LISTEN_PID={} is not this process ({}): no sockets adopted", listenPid, pid);
                return none();
            }
            count = Integer.parseInt(listenFds.trim());
            if (count < 0 || count > 4096) {
                throw new NumberFormatException("out of range");
            }
        } catch (NumberFormatException e) {
            LOG.warn("ADOPT error=LISTEN_PID={} LISTEN_FDS={} is not a process id and a count of descriptors (0 to"
                    + " 4096); no sockets adopted", listenPid, listenFds);
            return none();
        }
        String names = environment.apply("LISTEN_FDNAMES");
        List<String> fdNames = names == null || names.isEmpty() ? List.of() : Arrays.asList(names.split(":", -1));
        if (!fdNames.isEmpty() && fdNames.size() != count) {
            LOG.warn("ADOPT LISTEN_FDNAMES={} names {} descriptors, LISTEN_FDS={}: names ignored", names,
                    fdNames.size(), count);
            fdNames = List.of();
        }
        List<Passed> passed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int fd = firstFd + i;
            String name = fdNames.isEmpty() ? "" : fdNames.get(i);
            closeOnExec(fd);
            Passed socket = inspect(fd, name);
            LOG.info("ADOPT passed {} type={}", socket.describe(),
                    socket.type() == null ? "other" : socket.type().configName());
            passed.add(socket);
        }
        return new PassedSockets(passed);
    }

    /**
     * The system property through which the launcher hands over the sockets it bound before the
     * framework started: their descriptor numbers, separated by commas. Whoever removes it owns
     * them: the core here, or the launcher, which closes them if no core has taken them in time.
     */
    static final String EARLY_PROPERTY = "superserver.early.sockets";

    /**
     * Adds the sockets the launcher bound early ({@value #EARLY_PROPERTY} in {@code properties},
     * removed as it is read), each made close-on-exec. They are taken like passed ones, by type,
     * address and port; one that a service would bind differently is closed when that service binds
     * ({@link #take}), and one no service takes is closed quietly by {@link #sweep}: the
     * configuration changed since the record was written.
     */
    void takeEarly(java.util.Properties properties) {
        Object value = properties.remove(EARLY_PROPERTY);
        if (value == null) {
            return;
        }
        for (String part : value.toString().split(",")) {
            String number = part.trim();
            if (number.isEmpty()) {
                continue;
            }
            int fd;
            try {
                fd = Integer.parseInt(number);
            } catch (NumberFormatException e) {
                LOG.warn("ADOPT error={}={} holds {}, not a descriptor number; it is ignored", EARLY_PROPERTY, value,
                        number);
                continue;
            }
            try {
                closeOnExec(fd);
                Passed socket = inspect(fd, "").asEarly();
                if (socket.type() == null || socket.local() == null) {
                    LOG.warn("ADOPT fd={} error=handed over as bound early, but it is not an IP stream or datagram"
                            + " socket; closed", fd);
                    Libc.close(fd);
                    continue;
                }
                LOG.info("ADOPT early {} type={}", socket.describe(), socket.type().configName());
                waiting.add(socket);
            } catch (LinkageError e) {
                LOG.warn("ADOPT fd={} error=sockets bound early need JNA (com.sun.jna) to be adopted ({}); it stays"
                        + " open unserved", fd, e.toString());
            }
        }
    }

    private static void closeOnExec(int fd) {
        int flags = Libc.fcntl(fd, Libc.F_GETFD, 0);
        if (flags < 0 || Libc.fcntl(fd, Libc.F_SETFD, flags | Libc.FD_CLOEXEC) < 0) {
            LOG.warn("ADOPT fd={} error=cannot set FD_CLOEXEC: {}", fd, Libc.describe(Libc.errno()));
        }
    }

    /** The type and address of descriptor {@code fd}: an IP address and port, or a Unix-domain path. */
    static Passed inspect(int fd, String name) {
        int[] value = new int[1];
        IntByReference length = new IntByReference(Integer.BYTES);
        SocketType type = null;
        if (Libc.getsockopt(fd, SOL_SOCKET, SO_TYPE, value, length) == 0) {
            type = value[0] == SOCK_STREAM ? SocketType.STREAM : value[0] == SOCK_DGRAM ? SocketType.DGRAM : null;
        }
        byte[] address = new byte[128];
        IntByReference size = new IntByReference(address.length);
        if (Libc.getsockname(fd, address, size) != 0) {
            return new Passed(fd, name, type, null);
        }
        int family = (address[0] & 0xff) | (address[1] & 0xff) << 8;
        if (family == AF_UNIX) {
            return new Passed(fd, name, type, null, unixPath(address, Math.min(size.getValue(), address.length)));
        }
        return new Passed(fd, name, type, socketAddress(address));
    }

    /**
     * The path in a {@code struct sockaddr_un} of {@code length} bytes, as {@code getsockname(2)}
     * gives it: the file's path, {@code @name} for an abstract socket (its name starts with a NUL
     * byte), {@code ""} for an unnamed one (no path at all).
     */
    static String unixPath(byte[] sockaddr, int length) {
        if (length <= SUN_PATH) {
            return "";
        }
        if (sockaddr[SUN_PATH] == 0) {
            return "@" + new String(sockaddr, SUN_PATH + 1, length - SUN_PATH - 1, StandardCharsets.UTF_8);
        }
        int end = SUN_PATH;
        while (end < length && sockaddr[end] != 0) {
            end++;
        }
        return new String(sockaddr, SUN_PATH, end - SUN_PATH, StandardCharsets.UTF_8);
    }

    /** {@code path} made absolute (against the working directory) and normalised, or {@code null} if it is none. */
    static Path normalised(String path) {
        try {
            return Path.of(path).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** A {@code struct sockaddr_in} or {@code sockaddr_in6} (family in host order, port in network order). */
    static InetSocketAddress socketAddress(byte[] sockaddr) {
        int family = (sockaddr[0] & 0xff) | (sockaddr[1] & 0xff) << 8;
        int port = (sockaddr[2] & 0xff) << 8 | (sockaddr[3] & 0xff);
        try {
            if (family == AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(sockaddr, 4, 8)), port);
            }
            if (family == AF_INET6) {
                return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(sockaddr, 8, 24)), port);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    /** Whether any socket is still waiting or kept. */
    boolean isEmpty() {
        return waiting.isEmpty() && kept.isEmpty();
    }

    /**
     * The passed socket {@code definition} serves on, or {@code null} to bind one: the one kept for
     * its id, else one named after it, else one of its type at its address and port (for a unix
     * service: at its socket path). A waiting socket that names the service or holds its path but
     * cannot serve it (another family or socket type) is left for {@link #sweep}, which says why.
     */
    Passed take(ServiceDefinition definition) {
        Passed held = kept.remove(definition.id());
        if (held != null) {
            if (matchesAddress(held, definition) || namedFor(held, definition)) {
                return held;
            }
            LOG.info("ADOPT {} closed: service {} moved to {}", held.describe(), definition.name(),
                    Addresses.configured(definition));
            Libc.close(held.fd());
        }
        for (Passed p : waiting) {
            String why = refusal(p, definition);
            if (why != null) {
                refusals.put(p.fd(), why);
            }
        }
        for (Iterator<Passed> it = waiting.iterator(); it.hasNext(); ) {
            Passed p = it.next();
            if (namedFor(p, definition)) {
                it.remove();
                refusals.remove(p.fd());
                return p;
            }
        }
        for (Iterator<Passed> it = waiting.iterator(); it.hasNext(); ) {
            Passed p = it.next();
            if (matchesAddress(p, definition) && (!p.early() || ListenAddresses.bindableEarly(definition, p.local()))) {
                it.remove();
                refusals.remove(p.fd());
                return p;
            }
        }
        closeEarlyInTheWay(definition);
        return null;
    }

    /**
     * Closes the early sockets of {@code d}'s type at its port that it does not take (bound at another
     * address, or without an option it needs), so that its own bind finds the port free.
     */
    private void closeEarlyInTheWay(ServiceDefinition d) {
        if (d.protocol().isUnix() || d.port() == 0) {
            return;
        }
        for (Iterator<Passed> it = waiting.iterator(); it.hasNext(); ) {
            Passed p = it.next();
            if (p.early() && p.type() == d.socketType() && p.local() != null && p.local().getPort() == d.port()) {
                it.remove();
                refusals.remove(p.fd());
                Libc.close(p.fd());
                LOG.info("ADOPT {} closed: service {} binds its own socket at {}", p.describe(), d.name(),
                        Addresses.configured(d));
            }
        }
    }

    /**
     * Whether {@code p} is named for {@code d}: its name is the service's name or id, and it is of the
     * service's family and socket type (an IP socket also at the service's port, unless that is 0).
     */
    static boolean namedFor(Passed p, ServiceDefinition d) {
        if (p.name().isEmpty() || p.type() != d.socketType()
                || !(p.name().equals(d.name()) || p.name().equals(d.id()))) {
            return false;
        }
        if (d.protocol().isUnix()) {
            return p.isUnix();
        }
        return p.local() != null && (d.port() == 0 || d.port() == p.local().getPort());
    }

    /**
     * Whether {@code p} is where {@code d} would bind: the same socket type and, for a unix service,
     * the same socket file (absolute, normalised paths), else the same address and port.
     */
    static boolean matchesAddress(Passed p, ServiceDefinition d) {
        if (p.type() != d.socketType()) {
            return false;
        }
        if (d.protocol().isUnix()) {
            Path file = p.file();
            return file != null && file.equals(normalised(d.socketPath()));
        }
        if (p.local() == null || d.port() == 0 || d.port() != p.local().getPort()) {
            return false;
        }
        String wanted = d.bindAddress();
        InetAddress have = p.local().getAddress();
        if (wanted == null || wanted.isEmpty() || wanted.equals("*")) {
            return have.isAnyLocalAddress();
        }
        try {
            return InetAddress.getByName(wanted).equals(have); // a literal: no name is looked up
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /**
     * Why {@code p} cannot serve {@code d} although it names it, or holds its socket path; {@code
     * null} when it can, or when it has nothing to do with {@code d}.
     */
    static String refusal(Passed p, ServiceDefinition d) {
        if (namedFor(p, d) || matchesAddress(p, d)) {
            return null;
        }
        String service = "service " + d.name() + " (" + d.origin() + "), " + serviceKind(d);
        boolean named = !p.name().isEmpty() && (p.name().equals(d.name()) || p.name().equals(d.id()));
        if (named) {
            if (d.protocol().isUnix() != p.isUnix() || p.type() != d.socketType() || p.local() == null) {
                return "it is named for " + service + ", but it is " + p.kind();
            }
            return "it is named for " + service + ", but it is bound to port " + p.local().getPort();
        }
        Path file = p.file();
        if (file != null && d.protocol().isUnix() && file.equals(normalised(d.socketPath()))) {
            return "it is at the socket path of " + service + ", but it is " + p.kind();
        }
        return null;
    }

    /** {@code a unix stream service at /run/echo.sock}, {@code a udp service on port 7}. */
    private static String serviceKind(ServiceDefinition d) {
        if (d.protocol().isUnix()) {
            return "a unix " + d.socketType().configName() + " service at " + d.socketPath();
        }
        return "a " + d.protocol().configName() + " service on " + (d.port() == 0 ? "any port" : "port " + d.port());
    }

    /**
     * Holds a copy of {@code adopted} for service {@code id} while its listener is closed to be
     * bound again; the caller then closes its own descriptor. False when it cannot be copied.
     */
    boolean keep(String id, Passed adopted) {
        int copy = Libc.fcntl(adopted.fd(), Libc.F_DUPFD_CLOEXEC, FIRST_FD);
        if (copy < 0) {
            LOG.warn("ADOPT {} error=cannot keep it across the rebind of {}: {}", adopted.describe(), id,
                    Libc.describe(Libc.errno()));
            return false;
        }
        Passed previous = kept.put(id, adopted.withFd(copy));
        if (previous != null) {
            Libc.close(previous.fd());
        }
        return true;
    }

    /** Closes the socket kept for service {@code id}, if any: the service is gone. */
    void release(String id) {
        Passed held = kept.remove(id);
        if (held != null) {
            LOG.info("ADOPT {} closed: service {} was removed", held.describe(), id);
            Libc.close(held.fd());
        }
    }

    /**
     * Reports and closes every socket no service has taken (nor keeps); returns how many. Called
     * once the configuration has been applied and has stayed unchanged for a moment. A socket bound
     * early by the launcher is closed without a warning: the configuration changed since its record,
     * or the configuration's files name a service that did not come up.
     */
    int sweep() {
        int closed = waiting.size();
        for (Passed p : waiting) {
            String why = refusals.get(p.fd());
            Libc.close(p.fd()); // before the line that says so
            if (p.early()) {
                LOG.info("ADOPT {} closed: bound early, but no service listens there now", p.describe());
            } else if (why != null) {
                LOG.warn("ADOPT {} error={}; closed", p.describe(), why);
            } else {
                LOG.warn("ADOPT {} error=no service matches this passed socket (by name, or by type and {});"
                        + " closed", p.describe(), p.isUnix() ? "socket path" : "address and port");
            }
        }
        waiting.clear();
        refusals.clear();
        return closed;
    }

    /** Closes what is left, kept ones included. */
    @Override
    public void close() {
        for (Passed p : waiting) {
            Libc.close(p.fd());
        }
        waiting.clear();
        refusals.clear();
        kept.values().forEach(p -> Libc.close(p.fd()));
        kept.clear();
    }
}
