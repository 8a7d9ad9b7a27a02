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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Binds the server's listening sockets before the framework starts, so that a start refuses
 * connections only while the JVM starts: the clients that come while the bundles start wait in the
 * listen backlog (or a datagram in the socket's buffer) until their service is up.
 *
 * <p>Which sockets: those of the record the core keeps in the data directory ({@value #RECORD}: one
 * socket a line, {@code stream ADDRESS PORT BACKLOG} or {@code dgram ADDRESS PORT}, {@code #}
 * comments, and a line {@code configuration KEY} with the fingerprint of the configuration it was
 * made from, {@link ConfigurationKey}), written whenever its configuration has settled, when that
 * fingerprint is this start's; otherwise (a first start, other files, or the same ones edited since)
 * those the start's configuration files ask for, read with the installation's config formats
 * ({@link ConfiguredSockets}). This class binds each and hands their descriptors to the core in the
 * system property {@value #PROPERTY}; the core serves each like a socket passed by a service
 * manager, by type, address and port, and closes those no service takes once the configuration has
 * been applied. Whoever removes the property owns the sockets: if no core has taken them {@value
 * #UNCLAIMED_SECONDS} s after the start, or when the framework stops first, they are closed here.
 *
 * <p>Nothing is bound early when {@code superserver.early.bind} is {@code false} or when a service
 * manager passed sockets ({@code LISTEN_PID} names this process). A record that is not a regular
 * file, not owned by this user or writable by others is reported and not used; a line of it that
 * cannot be read is reported with the file and line and skipped; a socket that cannot be bound (the
 * port is taken) is left to the core, which reports it when its service binds. At most {@value
 * #MAX_SOCKETS} are bound.
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
    /** How long a start without a matching record may spend reading its configuration's sockets. */
    static final long READ_MILLIS = 2_000;

    private static final int MAX_BACKLOG = 65_535;

    /**
     * The channels bound here, for as long as the process lives: a channel object that became
     * unreachable could close its descriptor behind the core, which owns it once handed over.
     */
    private static final List<Channel> HELD = new ArrayList<>();

    /** The record: the fingerprint of the configuration it was made from ({@code null} if none) and its sockets. */
    record Record(String key, List<Wanted> sockets) {
    }

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
     * Binds the sockets of {@code data}'s record, or when there is none made from this start's
     * configuration (fingerprint {@code key}), those the configuration's files ask for ({@code
     * configured}, read only then); hands them over and returns the log line saying what was bound,
     * or {@code null} when nothing was to be bound. Problems with the record are logged as warnings.
     */
    static String bind(Path data, int uid, String listenPid, String key, Supplier<ConfiguredSockets.Found> configured) {
        return bind(data, uid, listenPid, key, configured, READ_MILLIS);
    }

    /** {@link #bind(Path, int, String, String, Supplier)}, giving the configuration's reading {@code readMillis}. */
    static String bind(Path data, int uid, String listenPid, String key, Supplier<ConfiguredSockets.Found> configured,
            long readMillis) {
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true").trim())) {
            return null;
        }
        if (listenPid != null && listenPid.trim().equals(Long.toString(ProcessHandle.current().pid()))) {
            return null; // the service manager's sockets are the ones to serve
        }
        Path record = data.resolve(RECORD);
        List<String> problems = new ArrayList<>();
        Record read = read(record, uid, problems);
        problems.forEach(p -> Launcher.log("WARN", p, null));
        List<Wanted> wanted;
        String source;
        if (key.equals(read.key())) {
            wanted = read.sockets();
            source = record.toString();
        } else {
            ConfiguredSockets.Found found = readWithin(configured, readMillis);
            wanted = found.sockets();
            source = "the configuration (" + found.read() + (read.key() == null ? "" : "; " + record
                    + " was made from another configuration or the same files before a change") + ")";
            if (found.wasNotRead()) {
                return "Bound nothing early: the configuration was " + found.read() + "; the services bind their own"
                        + " sockets";
            }
            if (wanted.isEmpty()) {
                return read.key() == null ? null : "Bound nothing early: " + source + " asks for no IP socket";
            }
        }
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
        return "Bound early from " + source + ": " + (HELD.isEmpty() ? "none" : bound.toString())
                + (notBound.length() == 0 ? "" : "; left to the services: " + notBound);
    }

    /**
     * What {@code configured} finds, read on a thread of its own for at most {@code millis}: a
     * configuration whose reading takes longer (a bind address given as a host name that a slow
     * resolver looks up, thousands of files) binds nothing early rather than delay the start, and its
     * services bind their own sockets when the bundles have read it.
     */
    static ConfiguredSockets.Found readWithin(Supplier<ConfiguredSockets.Found> configured, long millis) {
        CompletableFuture<ConfiguredSockets.Found> reading = CompletableFuture.supplyAsync(configured, task -> {
            Thread reader = new Thread(task, "superserver-early-configuration");
            reader.setDaemon(true);
            reader.start();
        });
        try {
            return reading.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return ConfiguredSockets.Found.notRead(" within " + millis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ConfiguredSockets.Found.notRead(": interrupted");
        } catch (ExecutionException e) { // a format's bug, or the API missing from the class path (LinkageError)
            return ConfiguredSockets.Found.notRead(": " + e.getCause());
        }
    }

    /** The record at {@code record}; without sockets when it is missing or cannot be trusted. */
    static Record read(Path record, int uid, List<String> problems) {
        List<Wanted> wanted = new ArrayList<>();
        Record none = new Record(null, wanted);
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(record, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return none; // no record yet
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (!attributes.isRegularFile() || mode.contains(PosixFilePermission.GROUP_WRITE)
                || mode.contains(PosixFilePermission.OTHERS_WRITE)
                || uid >= 0 && !Integer.toString(uid).equals(owner(record))) {
            problems.add(record + ": not a regular file of this user that only it may write; nothing bound early"
                    + " (the core writes it again once its configuration is applied)");
            return none;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(record, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(record + ": cannot be read (" + e + "); nothing bound early");
            return none;
        }
        String key = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("configuration ")) {
                key = line.substring("configuration ".length()).trim();
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
        return new Record(key, wanted);
    }

    /** One line of the record: {@code stream ADDRESS PORT BACKLOG} or {@code dgram ADDRESS PORT}. */
    static Wanted parse(String line) {
        String[] f = ConfigPaths.split(line, " \t").toArray(new String[0]);
        boolean stream = f[0].equals("stream");
        if (!stream && !f[0].equals("dgram")) {
            throw new IllegalArgumentException("field 1 (socket type) is " + f[0] + ", not stream or dgram");
        }
        if (f.length != (stream ? 4 : 3)) {
            throw new IllegalArgumentException("a " + f[0] + " line has " + (stream ? 4 : 3) + " fields, this one "
                    + f.length);
        }
        if (!literal(f[1])) {
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

    /**
     * Whether {@code text} is an IPv4 literal (four decimal numbers up to 255, separated by dots) or
     * has the characters of an IPv6 one (ASCII hex digits, dots, and at least one colon, which the
     * JDK parses as a literal or refuses): resolving it never looks a name up.
     */
    static boolean literal(String text) {
        int colons = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (c == ':') {
                colons++;
            } else if (!hex && c != '.') {
                return false;
            }
        }
        if (colons > 0) {
            return true;
        }
        List<String> octets = ConfigPaths.split(text, ".");
        if (octets.size() != 4 || text.startsWith(".") || text.endsWith(".") || text.contains("..")) {
            return false;
        }
        for (String octet : octets) {
            if (octet.length() > 3) {
                return false;
            }
            for (int i = 0; i < octet.length(); i++) {
                if (octet.charAt(i) < '0' || octet.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
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

    /**
     * {@code sun.nio.ch.SelChImpl.getFDVal}, or {@code null} when it cannot be reached: the JVM was
     * started without {@code --add-exports=java.base/sun.nio.ch=ALL-UNNAMED}.
     */
    private static Method fdVal() {
        try {
            Class<?> type = Class.forName("sun.nio.ch.SelChImpl");
            if (!type.getModule().isExported(type.getPackageName(), EarlySockets.class.getModule())) {
                return null;
            }
            return type.getMethod("getFDVal");
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
