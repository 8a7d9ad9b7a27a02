package org.superserver.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A fingerprint of what decides where the services listen, taken at start: the options
 * bin/superserver hands over ({@code superserver.inetd}, {@code superserver.xinetd}, {@code
 * superserver.services}, {@code superserver.fileinstall.dirs}) and the size and modification time
 * of every file they name, of the files an xinetd.conf's {@code includedir} and {@code includefile}
 * lines name, of the services table in use, and of every file in FileInstall's directories
 * (the embedded default's {@code .cfg} files, {@code deploy/}). The core writes it into the record
 * of its listening sockets ({@link EarlySockets}), and a start binds that record's sockets early
 * only when its own fingerprint is the same: a server started on other files, or after an edit,
 * binds nothing it has not been told to, not even for the moment until its configuration settles.
 *
 * <p>Only names, sizes and times are read ({@code stat}), besides the {@code include} lines of an
 * xinetd.conf; a file that cannot be read counts as {@code missing}.
 */
final class ConfigurationKey {

    /** The system property through which the launcher tells the core the fingerprint to record. */
    static final String PROPERTY = "superserver.listening.key";

    private static final String[] FILE_OPTIONS = {"superserver.inetd", "superserver.xinetd", "superserver.services"};
    private static final int MAX_ENTRIES = 4096;

    private ConfigurationKey() {
    }

    /** The fingerprint, in hexadecimal, of the configuration {@code property} names. */
    static String of(UnaryOperator<String> property) {
        List<String> lines = new ArrayList<>();
        for (String name : FILE_OPTIONS) {
            String value = property.apply(name);
            lines.add(name + "=" + (value == null ? "" : value));
            for (Path file : ConfigPaths.files(name, value)) {
                lines.add(stat(file));
                if (name.equals("superserver.xinetd")) {
                    includes(file, lines);
                }
            }
        }
        String services = property.apply("superserver.services");
        if (services == null || services.isBlank()) {
            lines.add(stat(Path.of("/etc/services")));
        }
        String dirs = property.apply("superserver.fileinstall.dirs");
        lines.add("superserver.fileinstall.dirs=" + (dirs == null ? "" : dirs));
        for (Path dir : ConfigPaths.files("superserver.fileinstall.dirs", dirs)) {
            listing(dir, lines);
        }
        String hex = Long.toHexString(fnv1a(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)));
        return "0".repeat(16 - hex.length()) + hex;
    }

    /**
     * The 64-bit FNV-1a hash of {@code bytes}: a fingerprint that tells a change, not a secret (the
     * record is the server's own file), and no cryptographic provider to load at start (SHA-256 cost
     * 25-35 ms of a cold JVM's start).
     */
    static long fnv1a(byte[] bytes) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** The files an xinetd.conf's {@code includedir} and {@code includefile} lines name. */
    private static void includes(Path conf, List<String> lines) {
        List<String> text;
        try {
            text = Files.readAllLines(conf, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return;
        }
        for (String line : text) {
            List<String> words = ConfigPaths.split(line, " \t");
            if (words.size() < 2 || !(words.get(0).equals("includedir") || words.get(0).equals("includefile"))) {
                continue;
            }
            Path named = Path.of(words.get(1));
            if (words.get(0).equals("includedir")) {
                listing(named, lines);
            } else {
                lines.add(stat(named));
            }
        }
    }

    /** {@code path size mtime} of each entry of {@code dir}, sorted by name; {@code dir missing} if it cannot be listed. */
    private static void listing(Path dir, List<String> lines) {
        String[] names = dir.toFile().list();
        if (names == null) {
            lines.add(dir + " missing");
            return;
        }
        TreeMap<String, String> entries = new TreeMap<>();
        for (String name : names) {
            if (entries.size() == MAX_ENTRIES) {
                break;
            }
            entries.put(name, stat(dir.resolve(name)));
        }
        lines.add(dir + " " + entries.size() + " entries");
        lines.addAll(entries.values());
    }

    private static String stat(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String target = a.isSymbolicLink() ? " -> " + stat(file.toRealPath()) : "";
            return file + " " + a.size() + " " + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)
                    + target;
        } catch (IOException | RuntimeException e) {
            return file + " missing";
        }
    }
}
