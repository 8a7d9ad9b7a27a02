package org.superserver.itests.karaf;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One Apache Karaf, copied from the unpacked distribution into a directory of its own, with SSH on
 * 127.0.0.1 and every port of its own moved to a free one, started as {@code bin/karaf server}
 * and driven through {@code bin/client}. {@link #close} stops it and deletes the directory.
 */
final class KarafInstance implements AutoCloseable {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final long COMMAND_TIMEOUT_SECONDS = 180;

    private final Path home;
    private final Path javaHome;
    private final int sshPort;
    private final Path keyFile;
    private Process process;

    private KarafInstance(Path home, Path javaHome, int sshPort, Path keyFile) {
        this.home = home;
        this.javaHome = javaHome;
        this.sshPort = sshPort;
        this.keyFile = keyFile;
    }

    /**
     * The JDK that Karaf 4.4 boots on: {@code configured} when it holds a java, else the running
     * one when it is a 17.
     */
    static Optional<Path> java17(String configured) {
        if (configured != null && !configured.isBlank()
                && Files.isExecutable(Paths.get(configured, "bin", "java"))) {
            return Optional.of(Paths.get(configured));
        }
        if (Runtime.version().feature() == 17) {
            return Optional.of(Paths.get(System.getProperty("java.home")));
        }
        return Optional.empty();
    }

    /**
     * Copies {@code distribution} into a new directory under {@code workRoot}, adds the artifacts of
     * {@code extraSystem} (a Maven repository layout) to its system/ repository, and configures it:
     * no remote Maven repository, SSH on 127.0.0.1:{@code sshPort} for a user who logs in with a
     * key made for this instance, the JMX RMI registry and server on the two other ports.
     */
    static KarafInstance prepare(Path distribution, Path extraSystem, Path workRoot, Path javaHome,
            int sshPort, int rmiRegistryPort, int rmiServerPort) throws IOException, GeneralSecurityException {
        Files.createDirectories(workRoot);
        Path home = Files.createTempDirectory(workRoot, "karaf-");
        copyTree(distribution, home);
        copyTree(extraSystem, home.resolve("system"));
        Path etc = home.resolve("etc");

        replaceProperty(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort", Integer.toString(sshPort));
        replaceProperty(etc.resolve("org.apache.karaf.shell.cfg"), "sshHost", "127.0.0.1");
        replaceProperty(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort",
                Integer.toString(rmiRegistryPort));
        replaceProperty(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort",
                Integer.toString(rmiServerPort));
        Path mvn = etc.resolve("org.ops4j.pax.url.mvn.cfg");
        replaceProperty(mvn, "org.ops4j.pax.url.mvn.repositories", "");
        replaceProperty(mvn, "org.ops4j.pax.url.mvn.localRepository", home.resolve("no-local-repository").toString());

        // bin/client logs in with a key of its own, readable only by this user: no password on a
        // command line that other users could read while the test runs.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair key = generator.generateKeyPair();
        Path keyFile = home.resolve("client.key");
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        Files.writeString(etc.resolve("keys.properties"),
                "\nkaraf=" + sshPublicKey((RSAPublicKey) key.getPublic()) + ",_g_:admingroup\n",
                StandardCharsets.ISO_8859_1, StandardOpenOption.APPEND);
        return new KarafInstance(home, javaHome, sshPort, keyFile);
    }

    /** The base64 of an RSA public key in the SSH wire format (RFC 4253 6.6), as keys.properties takes it. */
    private static String sshPublicKey(RSAPublicKey key) throws IOException {
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(blob);
        byte[] type = "ssh-rsa".getBytes(StandardCharsets.US_ASCII);
        out.writeInt(type.length);
        out.write(type);
        for (BigInteger part : new BigInteger[] {key.getPublicExponent(), key.getModulus()}) {
            byte[] bytes = part.toByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        return Base64.getEncoder().encodeToString(blob.toByteArray());
    }

    Path home() {
        return home;
    }

    Path etc() {
        return home.resolve("etc");
    }

    /** Everything Karaf has logged so far. */
    String log() throws IOException {
        Path log = home.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Starts {@code bin/karaf server}; its console output goes to console.log in its directory. */
    void start() throws IOException {
        ProcessBuilder builder = script("karaf", "server");
        builder.redirectErrorStream(true);
        builder.redirectOutput(home.resolve("console.log").toFile());
        builder.redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        process = builder.start();
    }

    /**
     * Waits until the boot features are started and the shell answers (Karaf boots in 10-30 s;
     * the deadline only bounds a Karaf that never comes up).
     */
    void awaitBooted(long timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Pattern booted = Pattern.compile("(?m)^kar\\s*\\|.*\\|\\s*Started\\s*\\|");
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited with status " + process.exitValue() + ": "
                        + Files.readString(home.resolve("console.log")));
            }
            last = execute("feature:list -i");
            if (booted.matcher(last).find()) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("Karaf did not boot within " + timeoutSeconds + " s; last answer: " + last);
    }

    /**
     * Runs {@code commands}, one a line, in one shell session of {@code bin/client} (so that
     * {@code config:edit} and {@code config:update} share their session) and returns what it
     * printed, without colours.
     */
    String execute(String... commands) throws IOException, InterruptedException {
        ProcessBuilder builder = script("client", "-h", "127.0.0.1", "-a", Integer.toString(sshPort),
                "-u", "karaf", "-k", keyFile.toString(), "-r", "1", "-b");
        builder.redirectErrorStream(true);
        Process client = builder.start();
        try (OutputStream in = client.getOutputStream()) {
            in.write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] output = client.getInputStream().readAllBytes();
        if (!client.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IllegalStateException("bin/client did not finish: " + String.join("; ", commands));
        }
        return ANSI.matcher(new String(output, StandardCharsets.UTF_8)).replaceAll("");
    }

    /** Stops Karaf ({@code bin/stop}, or by force after a minute) and deletes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (process != null && process.isAlive()) {
                Process stop = script("stop").redirectErrorStream(true).start();
                stop.getInputStream().readAllBytes();
                stop.waitFor(60, TimeUnit.SECONDS);
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            deleteTree(home);
        }
    }

    private ProcessBuilder script(String name, String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve(name).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", javaHome.toString());
        env.remove("JAVA_OPTS");
        env.remove("EXTRA_JAVA_OPTS");
        env.remove("KARAF_OPTS");
        env.remove("KARAF_HOME");
        env.remove("KARAF_BASE");
        env.remove("KARAF_DATA");
        env.remove("KARAF_ETC");
        return builder;
    }

    /** Replaces the (possibly continued) line that sets {@code key}, or appends one. */
    private static void replaceProperty(Path file, String key, String value) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        List<String> result = new ArrayList<>();
        Pattern setting = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*");
        boolean skipping = false;
        for (String line : lines) {
            if (skipping) {
                skipping = line.endsWith("\\");
                continue;
            }
            if (setting.matcher(line).matches()) {
                skipping = line.endsWith("\\");
                continue;
            }
            result.add(line);
        }
        result.add(key + " = " + value);
        Files.write(file, result, StandardCharsets.ISO_8859_1);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
