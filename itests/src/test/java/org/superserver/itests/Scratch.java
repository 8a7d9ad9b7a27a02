package org.superserver.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A test's temporary directory for inetd.conf files, services tables and the scripts that serve as
 * exec'd programs. Everything in it is readable (and the scripts executable) by every user, since a
 * child may run as {@code nobody}. Scripts record their pid in {@link #PIDS}, so that closing the
 * scratch directory kills any child a failed test left running (only those, by pid, and only while
 * they are still children of this JVM) before it deletes the files.
 */
final class Scratch implements AutoCloseable {

    /** The file every script appends its pid to ({@code echo $$ >> "$(dirname "$0")/pids"}). */
    static final String PIDS = "pids";

    private final Path dir;

    private Scratch(Path dir) {
        this.dir = dir;
    }

    static Scratch create() throws IOException {
        Path dir = Files.createTempDirectory("superserver-itest-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Scratch scratch = new Scratch(dir.toAbsolutePath().normalize());
        Path pids = scratch.write(PIDS, "");
        Files.setPosixFilePermissions(pids, PosixFilePermissions.fromString("rw-rw-rw-"));
        return scratch;
    }

    Path dir() {
        return dir;
    }

    Path path(String name) {
        return dir.resolve(name);
    }

    /** Writes (or replaces) a readable file. */
    Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        // written beside and moved into place, as an editor does: a reader never sees half a file
        Path temp = dir.resolve("." + name + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Writes an executable script; {@code body} follows a {@code #!/bin/sh} line that records the pid. */
    Path script(String name, String body) throws IOException {
        Path file = write(name, "#!/bin/sh\necho $$ >> \"${0%/*}/" + PIDS + "\"\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** The pids the scripts recorded so far. */
    List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(PIDS))) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.trim()));
            }
        }
        return pids;
    }

    /** Kills the children the scripts recorded that still run, then deletes the directory. */
    @Override
    public void close() throws IOException {
        try {
            for (long pid : pids()) {
                Optional<ProcessHandle> child = ProcessHandle.of(pid)
                        .filter(p -> p.parent().map(ProcessHandle.current()::equals).orElse(false));
                child.ifPresent(p -> {
                    p.destroyForcibly();
                    try {
                        p.onExit().get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // reaped by the core, or gone: nothing more to do here
                    }
                });
            }
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toArray(Path[]::new)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
