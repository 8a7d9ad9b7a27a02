package org.superserver.launcher;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * What {@code bin/superserver --webconsole} adds to the framework: the bundles of
 * {@code bundle-webconsole/} (the Felix Web Console, Felix HTTP Jetty and what they need, and
 * the Superserver page), Jetty bound to a loopback address and port, and the console's user and
 * password, all from {@code etc/webconsole.cfg}.
 *
 * <p>No password works by default: when the file sets none, a random one is generated at the
 * first start into {@code DATA/webconsole.password} (mode 0600, never through a symlink) and
 * kept there; the console gets only its SHA-256 hash. A host that is not a loopback address is
 * refused, so the console is never reachable from another machine.
 */
final class WebConsoleSetup {

    /** System property set by {@code bin/superserver --webconsole}. */
    static final String ENABLED_PROPERTY = "superserver.webconsole";
    /** System property that overrides the file's {@code port} (e.g. in SUPERSERVER_OPTS). */
    static final String PORT_PROPERTY = "superserver.webconsole.port";
    static final String CONFIG_FILE = "etc/webconsole.cfg";
    static final String BUNDLE_DIRECTORY = "bundle-webconsole";
    static final String PASSWORD_FILE = "webconsole.password";
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 18080;
    static final String DEFAULT_USER = "admin";
    static final String CONSOLE_PATH = "/system/console";

    /** Thrown with a message for the administrator: what is wrong, where, and what to do. */
    static final class SetupException extends Exception {
        private static final long serialVersionUID = 1L;

        SetupException(String message) {
            super(message);
        }
    }

    /**
     * The framework properties to add, and a line saying where the console is.
     *
     * @param properties framework properties: Jetty's host and port, the console's user and hashed
     *                   password, and {@code felix.auto.start.3} extended by the console's bundles
     * @param summary    for the log: the URL, the user and where the password comes from
     */
    record Setup(Map<String, String> properties, String summary) {
    }

    private WebConsoleSetup() {
    }

    /**
     * Reads {@code etc/webconsole.cfg} of {@code home}, finds or makes the password, and lists the
     * console's bundles.
     *
     * @param homeUri       the installation as a URI without a trailing slash, as the bundle locations use it
     * @param autoStart3    the current value of {@code felix.auto.start.3}, or null
     * @param systemProperty where {@value #PORT_PROPERTY} is looked up
     */
    static Setup prepare(Path home, String homeUri, Path data, String autoStart3, UnaryOperator<String> systemProperty)
            throws IOException, SetupException {
        Path configFile = home.resolve(CONFIG_FILE);
        Properties config = new Properties();
        if (Files.exists(configFile)) {
            try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                config.load(reader);
            }
        }
        String host = value(config, "host", DEFAULT_HOST);
        if (!isLoopback(host)) {
            throw new SetupException(configFile + ": host = " + host + " is not a loopback address; the Web Console"
                    + " listens on this machine only: give 127.0.0.1 (or another 127.x.y.z, or ::1) and reach it"
                    + " from elsewhere through an SSH tunnel");
        }
        String portText = systemProperty.apply(PORT_PROPERTY);
        String portSource = PORT_PROPERTY;
        if (portText == null || portText.isBlank()) {
            portText = value(config, "port", Integer.toString(DEFAULT_PORT));
            portSource = configFile + ": port";
        }
        int port;
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new SetupException(portSource + " = " + portText + " is not a TCP port: give a number from 1 to 65535"
                    + " (default " + DEFAULT_PORT + ")");
        }
        String user = value(config, "username", DEFAULT_USER);
        String password = value(config, "password", "");
        String passwordSource = configFile + " (password)";
        if (password.isEmpty()) {
            Path file = data.resolve(PASSWORD_FILE);
            passwordSource = file.toString();
            password = readOrCreatePassword(file);
        }

        List<String> bundles = bundles(home, homeUri);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("org.apache.felix.http.host", host);
        properties.put("org.osgi.service.http.port", Integer.toString(port));
        properties.put("org.apache.felix.http.enable", "true");
        properties.put("org.apache.felix.https.enable", "false");
        properties.put("org.apache.felix.http.jetty.sendServerHeader", "false");
        properties.put("felix.webconsole.manager.root", CONSOLE_PATH);
        properties.put("felix.webconsole.username", user);
        properties.put("felix.webconsole.password", password.startsWith("{") ? password : hash(password));
        String start = String.join(" ", bundles);
        properties.put("felix.auto.start.3", autoStart3 == null || autoStart3.isBlank() ? start : autoStart3 + " " + start);
        String url = "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + CONSOLE_PATH;
        return new Setup(properties, "WEBCONSOLE url=" + url + " host=" + host + " port=" + port + " user=" + user
                + " password=" + passwordSource + " bundles=" + bundles.size());
    }

    /** The location prefix of the console's bundles, to uninstall them when the option is not given. */
    static String locationPrefix(String homeUri) {
        return homeUri + "/" + BUNDLE_DIRECTORY + "/";
    }

    /** Whether {@code host} is an address literal (or {@code localhost}) on the loopback interface. */
    static boolean isLoopback(String host) {
        if (host.isEmpty() || !(host.equals("localhost") || host.matches("[0-9.]+") || host.matches("[0-9A-Fa-f:]+"))) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The password kept in {@code file}, or a new random one written there with mode 0600. */
    static String readOrCreatePassword(Path file) throws IOException, SetupException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return create(file);
        }
        if (!attributes.isRegularFile()) {
            throw new SetupException(file + " is not a regular file (a symlink, a directory, ...): the Web Console"
                    + " password is read from a plain file only; remove it, and a new password is generated");
        }
        int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0077) != 0) {
            throw new SetupException(file + " can be read or written by other users (mode "
                    + String.format("%04o", mode & 07777) + "): chmod 600 it, or remove it for a new password");
        }
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (password.isEmpty()) {
            throw new SetupException(file + " is empty: write a password in it, or remove it for a new one");
        }
        return password;
    }

    private static String create(Path file) throws IOException {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        // CREATE_NEW fails on anything already at the path, a symlink included.
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            channel.write(ByteBuffer.wrap((password + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        return password;
    }

    /** The Web Console's form of a hashed password: {@code {sha-256}BASE64}. */
    static String hash(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return "{sha-256}" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static List<String> bundles(Path home, String homeUri) throws IOException, SetupException {
        Path directory = home.resolve(BUNDLE_DIRECTORY);
        List<String> locations = new ArrayList<>();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.list(directory)) {
                files.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".jar")).sorted()
                        .forEach(name -> locations.add(locationPrefix(homeUri) + name));
            }
        }
        if (locations.isEmpty()) {
            throw new SetupException("--webconsole: " + directory + " holds no bundles; this installation has no Web"
                    + " Console (it ships in the full distribution)");
        }
        return locations;
    }

    private static String value(Properties config, String name, String fallback) {
        String value = config.getProperty(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
