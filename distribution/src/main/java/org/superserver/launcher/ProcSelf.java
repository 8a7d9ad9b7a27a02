package org.superserver.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What Linux says about this process in {@code /proc/self}: its umask and effective user
 * ({@code status}) and the open-file limit it was started with ({@code limits}). Java has no API
 * for any of them; on a system without these files each answer is empty and the launcher skips
 * what depends on it.
 */
final class ProcSelf {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path LIMITS = Path.of("/proc/self/limits");

    private ProcSelf() {
    }

    /** The umask (e.g. {@code 022}), if the kernel reports it. */
    static OptionalInt umask() {
        return field(read(STATUS), "Umask:").map(value -> OptionalInt.of(Integer.parseInt(value, 8)))
                .orElse(OptionalInt.empty());
    }

    /** The effective user id, if the kernel reports it. */
    static OptionalInt effectiveUid() {
        return effectiveUid(read(STATUS));
    }

    /** The open-file limit, {@code SOFT:HARD}, if the kernel reports it. */
    static Optional<String> openFiles() {
        return openFiles(read(LIMITS));
    }

    /** The second number of the {@code Uid:} line (real, effective, saved, file system). */
    static OptionalInt effectiveUid(String status) {
        Optional<String> uids = field(status, "Uid:");
        if (uids.isEmpty()) {
            return OptionalInt.empty();
        }
        String[] ids = uids.get().split("\\s+");
        return ids.length < 2 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(ids[1]));
    }

    /**
     * The {@code Max open files} line of a {@code /proc/PID/limits} text as {@code SOFT:HARD}, each
     * a number or {@code unlimited}: e.g. {@code 1024:524288}.
     */
    static Optional<String> openFiles(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] words = line.substring("Max open files".length()).trim().split("\\s+");
                if (words.length >= 2 && limit(words[0]) && limit(words[1])) {
                    return Optional.of(words[0] + ":" + words[1]);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean limit(String word) {
        return word.equals("unlimited") || word.matches("[0-9]{1,20}");
    }

    private static Optional<String> field(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name)) {
                return Optional.of(line.substring(name.length()).trim());
            }
        }
        return Optional.empty();
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }
}
