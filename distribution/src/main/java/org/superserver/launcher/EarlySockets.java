package org.superserver.launcher;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Binds the sockets the server listened on at its last start before the framework starts, so that a
 * restart refuses connections only while the JVM starts: the clients that come while the bundles
 * start wait in the listen backlog (or a datagram in the socket's buffer) until their service is up.
 *
 * <p>The core keeps the record in the data directory ({@value #RECORD}: one socket a line, {@code
 * stream ADDRESS PORT BACKLOG} or {@code dgram ADDRESS PORT}, {@code #} comments), written whenever
 * its configuration has settled. This class binds each socket of it and hands their descriptors to
 * the core in the system property {@value #PROPERTY}; the core serves each like a socket passed by a
 * service manager, by type, address and port, and closes those no service takes once the
 * configuration has been applied. Whoever removes the property owns the sockets: if no core has
 * taken them {@value #UNCLAIMED_SECONDS} s after the start, or when the framework stops first, they
 * are closed here.
 *
 * <p>Nothing is bound early when {@code superserver.early.bind} is {@code false}, when a service
 * manager passed sockets ({@code LISTEN_PID} names this process), or when the record is missing,
 * not a regular file, not owned by this user or writable by others. A line that cannot be read is
 * reported with the file and line and skipped; a socket that cannot be bound (the port is taken) is
 * left to the core, which reports it when its service binds. At most {@value #MAX_SOCKETS} are
 * bound.
 */
final class EarlySockets {

    /** The record's file name in the data directory (the core's {@code ListeningRecord}). */
    static final String RECORD = "listening";
    /** The system property that hands the descriptors over (the core's {@code PassedSockets}). */
    static final String PROPERTY = "superserver.early.sockets";
    /** Set to {@code false} to bind nothing early. */
    static final String ENABLED_PROPERTY = "superserver.early.bind";
    static final int MAX_SOCKETS = 1024;
    static final int UNCLAIMED_SECONDS = 60;

    private static final int MAX_BACKLOG = 65_535;
    private static final Pattern LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /**
     * The channels bound here, for as long as the process lives: a channel object that became
     * unreachable could close its descriptor behind the core, which owns it once handed over.
     */
    private static final List<Channel> HELD = new ArrayList<>();

    /** One socket of the record. */
    record Wanted(boolean stream, InetSocketAddress address, int backlog) {

        /** {@code stream 0.0.0.0:13}, {@code dgram [::]:7}. */
        String describe() {
            String host = address.getAddress().getHostAddress();
            return (stream ? "stream " : "dgram ")
                    + (address.getAddress() instanceof Inet4Address ? host : "[" + host + "]") + ":" + address.getPort();
        }
    }

    private EarlySockets() {
    }

    /**
     * Binds the sockets of {@code data}'s record and hands them over; returns the log line saying
     * what was bound, or {@code null} when nothing was to be bound. Problems with the record are
     * logged as warnings.
     */
    static String bind(Path data, int uid, String listenPid) {
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true").trim())) {
            return null;
        }
        if (listenPid != null && listenPid.trim().equals(Long.toString(ProcessHandle.current().pid()))) {
            return null; // the service manager's sockets are the ones to serve
        }
        Path record = data.resolve(RECORD);
        List<String> problems = new ArrayList<>();
        List<Wanted> wanted = read(record, uid, problems);
        problems.forEach(p -> Launcher.log("WARN", p, null));
        if (wanted.isEmpty()) {
            return null;
        }
        Method fdVal = fdVal();
        if (fdVal == null) {
            return "Bound nothing early: the descriptor of a socket cannot be read here (bin/superserver starts the"
                    + " JVM with --add-exports=java.base/sun.nio.ch=ALL-UNNAMED)";
        }
        StringJoiner bound = new StringJoiner(", ");
        StringJoiner notBound = new StringJoiner(", ");
        StringJoiner fds = new StringJoiner(",");
        for (Wanted w : wanted) {
            try {
                NetworkChannel channel = open(w);
                int fd;
                try {
                    fd = (Integer) fdVal.invoke(channel);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    channel.close();
                    throw new IOException("its descriptor cannot be read: " + e, e);
                }
                HELD.add(channel);
                fds.add(Integer.toString(fd));
                bound.add(w.describe());
            } catch (IOException | RuntimeException e) {
                notBound.add(w.describe() + " (" + (e.getMessage() == null ? e.toString() : e.getMessage()) + ")");
            }
        }
        if (!HELD.isEmpty()) {
            System.getProperties().put(PROPERTY, fds.toString());
            Thread watch = new Thread(EarlySockets::closeLater, "superserver-early-sockets");
            watch.setDaemon(true);
            watch.start();
        }
        return "Bound early from " + record + ": " + (HELD.isEmpty() ? "none" : bound.toString())
                + (notBound.length() == 0 ? "" : "; left to the services: " + notBound);
    }

    /** The sockets of the record at {@code record}, or none when it is missing or cannot be trusted. */
    static List<Wanted> read(Path record, int uid, List<String> problems) {
        List<Wanted> wanted = new ArrayList<>();
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(record, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return wanted; // no record yet
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (!attributes.isRegularFile() || mode.contains(PosixFilePermission.GROUP_WRITE)
                || mode.contains(PosixFilePermission.OTHERS_WRITE)
                || uid >= 0 && !Integer.toString(uid).equals(owner(record))) {
            problems.add(record + ": not a regular file of this user that only it may write; nothing bound early"
                    + " (the core writes it again once its configuration is applied)");
            return wanted;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(record, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(record + ": cannot be read (" + e + "); nothing bound early");
            return wanted;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                Wanted w = parse(line);
                if (wanted.size() == MAX_SOCKETS) {
                    problems.add(record + " line " + (i + 1) + ": more than " + MAX_SOCKETS
                            + " sockets; the rest are left to their services");
                    break;
                }
                wanted.add(w);
            } catch (IllegalArgumentException e) {
                problems.add(record + " line " + (i + 1) + ": " + e.getMessage() + "; line skipped");
            }
        }
        return wanted;
    }

    /** One line of the record: {@code stream ADDRESS PORT BACKLOG} or {@code dgram ADDRESS PORT}. */
    static Wanted parse(String line) {
        String[] f = line.trim().split("\\s+");
        boolean stream = f[0].equals("stream");
        if (!stream && !f[0].equals("dgram")) {
            throw new IllegalArgumentException("field 1 (socket type) is " + f[0] + ", not stream or dgram");
        }
        if (f.length != (stream ? 4 : 3)) {
            throw new IllegalArgumentException("a " + f[0] + " line has " + (stream ? 4 : 3) + " fields, this one "
                    + f.length);
        }
        if (!LITERAL.matcher(f[1]).matches()) {
            throw new IllegalArgumentException("field 2 (address) is " + f[1] + ", not an IPv4 or IPv6 literal");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(f[1]); // a literal: no name is looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("field 2 (address) is " + f[1] + ", not an IPv4 or IPv6 literal");
        }
        int port = number(f[2], "field 3 (port)", 1, 65_535);
        int backlog = stream ? number(f[3], "field 4 (backlog)", 1, MAX_BACKLOG) : 0;
        return new Wanted(stream, new InetSocketAddress(address, port), backlog);
    }

    private static int number(String text, String field, int min, int max) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(field + " is " + text + ", not a number from " + min + " to " + max);
    }

    /** A socket bound as the core binds its own: a stream socket with {@code SO_REUSEADDR}, listening. */
    private static NetworkChannel open(Wanted w) throws IOException {
        StandardProtocolFamily family = w.address().getAddress() instanceof Inet4Address
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        if (w.stream()) {
            ServerSocketChannel channel = ServerSocketChannel.open(family);
            try {
                channel.bind(w.address(), w.backlog()); // SO_REUSEADDR is on by default here, as in the core
                return channel;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            channel.bind(w.address());
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static String owner(Path file) {
        try {
            return String.valueOf(Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "";
        }
    }

    /** {@code sun.nio.ch.SelChImpl.getFDVal}, or {@code null} when it cannot be reached. */
    private static Method fdVal() {
        try {
            return Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Closes the sockets if no core has taken them {@value #UNCLAIMED_SECONDS} s after the start. */
    private static void closeLater() {
        try {
            Thread.sleep(UNCLAIMED_SECONDS * 1000L);
        } catch (InterruptedException e) {
            return;
        }
        closeUnclaimed("no core took them within " + UNCLAIMED_SECONDS + " s");
    }

    /** Closes the sockets bound here unless the core has taken them. */
    static void closeUnclaimed(String why) {
        if (System.getProperties().remove(PROPERTY) == null) {
            return;
        }
        synchronized (HELD) {
            for (Channel channel : HELD) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closed all the same
                }
            }
        }
        Launcher.log("WARN", "Closed the " + HELD.size() + " sockets bound early: " + why, null);
    }
}
