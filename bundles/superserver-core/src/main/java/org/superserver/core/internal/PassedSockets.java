package org.superserver.core.internal;

import com.sun.jna.ptr.IntByReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * The listening sockets a service manager passed at start (systemd's socket activation:
 * {@code LISTEN_PID} naming this process, {@code LISTEN_FDS} descriptors from 3, optional
 * {@code LISTEN_FDNAMES}), waiting for the service that adopts them instead of binding. Each is
 * marked close-on-exec at once, so no child inherits one.
 *
 * <p>A service takes a socket by name ({@code FileDescriptorName} equal to its name or id, and the
 * same socket type), else by socket type, address and port. A socket kept across a rebind of its
 * service (new event loops, a pause, a changed definition) is held for that service id; one that no
 * service takes once the configuration has been applied is reported and closed ({@link #sweep}).
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
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    /**
     * One passed socket.
     *
     * @param name its {@code FileDescriptorName}, or {@code ""} when none was given
     * @param type its socket type, or {@code null} when it is not a stream or datagram socket
     * @param local its address, or {@code null} when it is not an IPv4 or IPv6 socket
     */
    record Passed(int fd, String name, SocketType type, InetSocketAddress local) {

        /** For messages: {@code fd=3 name=echo address=127.0.0.1:7}. */
        String describe() {
            return "fd=" + fd + " name=" + (name.isEmpty() ? "-" : name) + " address="
                    + (local == null ? "-" : Addresses.format(local));
        }
    }

    private final List<Passed> waiting = new ArrayList<>();
    private final Map<String, Passed> kept = new HashMap<>();

    private PassedSockets(List<Passed> passed) {
        waiting.addAll(passed);
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

    private static void closeOnExec(int fd) {
        int flags = Libc.fcntl(fd, Libc.F_GETFD, 0);
        if (flags < 0 || Libc.fcntl(fd, Libc.F_SETFD, flags | Libc.FD_CLOEXEC) < 0) {
            LOG.warn("ADOPT fd={} error=cannot set FD_CLOEXEC: {}", fd, Libc.describe(Libc.errno()));
        }
    }

    /** The type and address of descriptor {@code fd}, as far as it is an IP socket. */
    static Passed inspect(int fd, String name) {
        int[] value = new int[1];
        IntByReference length = new IntByReference(Integer.BYTES);
        SocketType type = null;
        if (Libc.getsockopt(fd, SOL_SOCKET, SO_TYPE, value, length) == 0) {
            type = value[0] == SOCK_STREAM ? SocketType.STREAM : value[0] == SOCK_DGRAM ? SocketType.DGRAM : null;
        }
        byte[] address = new byte[128];
        IntByReference size = new IntByReference(address.length);
        InetSocketAddress local = null;
        if (Libc.getsockname(fd, address, size) == 0) {
            local = socketAddress(address);
        }
        return new Passed(fd, name, type, local);
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
     * its id, else one named after it, else one of its type at its address and port.
     */
    Passed take(ServiceDefinition definition) {
        Passed held = kept.remove(definition.id());
        if (held != null) {
            if (matchesAddress(held, definition) || namedFor(held, definition)) {
                return held;
            }
            LOG.info("ADOPT {} closed: service {} moved to {}:{}", held.describe(), definition.name(),
                    definition.bindAddress() == null ? "*" : definition.bindAddress(), definition.port());
            Libc.close(held.fd());
        }
        for (Iterator<Passed> it = waiting.iterator(); it.hasNext(); ) {
            Passed p = it.next();
            if (namedFor(p, definition)) {
                it.remove();
                return p;
            }
        }
        for (Iterator<Passed> it = waiting.iterator(); it.hasNext(); ) {
            Passed p = it.next();
            if (matchesAddress(p, definition)) {
                it.remove();
                return p;
            }
        }
        return null;
    }

    private static boolean namedFor(Passed p, ServiceDefinition d) {
        return !p.name().isEmpty() && p.type() == d.socketType() && p.local() != null
                && (p.name().equals(d.name()) || p.name().equals(d.id()))
                && (d.port() == 0 || d.port() == p.local().getPort());
    }

    private static boolean matchesAddress(Passed p, ServiceDefinition d) {
        if (p.type() != d.socketType() || p.local() == null || d.port() == 0 || d.port() != p.local().getPort()) {
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
        Passed previous = kept.put(id, new Passed(copy, adopted.name(), adopted.type(), adopted.local()));
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
     * once the configuration has been applied.
     */
    int sweep() {
        int closed = waiting.size();
        for (Passed p : waiting) {
            LOG.warn("ADOPT {} error=no service matches this passed socket (by name or by type, address and"
                    + " port); closed", p.describe());
            Libc.close(p.fd());
        }
        waiting.clear();
        return closed;
    }

    /** Closes what is left, kept ones included. */
    @Override
    public void close() {
        for (Passed p : waiting) {
            Libc.close(p.fd());
        }
        waiting.clear();
        kept.values().forEach(p -> Libc.close(p.fd()));
        kept.clear();
    }
}
