package org.superserver.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.rules.ExternalResource;

/**
 * The assembled distribution under test ({@code superserver.home}) and the servers a test starts
 * from it, each ended after the test.
 */
final class Distribution extends ExternalResource {

    private final Path home = Path.of(System.getProperty("superserver.home", "target/superserver"));
    private final List<Process> started = new ArrayList<>();

    Path home() {
        return home;
    }

    /** The jars in bundle/ whose names start with {@code prefix}, by name. */
    List<Path> bundles(String prefix) throws IOException {
        try (var jars = Files.list(home.resolve("bundle"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted()
                    .collect(Collectors.toList());
        }
    }

    /**
     * Starts bin/superserver with {@code arguments}, its output (both streams) into {@code log} and
     * nothing on its input.
     */
    Process start(Path log, String... arguments) throws IOException {
        return start(null, log, arguments);
    }

    /**
     * Starts bin/superserver as {@link #start(Path, String...)} does, after the shell command
     * {@code before} (for instance {@code ulimit -Sn 256}) in the same process when it is not
     * {@code null}.
     */
    Process start(String before, Path log, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        if (before != null) {
            command.addAll(List.of("sh", "-c", before + "; exec \"$0\" \"$@\""));
        }
        command.add(home.resolve("bin/superserver").toString());
        command.addAll(List.of(arguments));
        return started(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());
    }

    /** {@code server}, started by the test itself, to be ended after the test. */
    Process started(Process server) {
        started.add(server);
        return server;
    }

    @Override
    protected void after() {
        for (Process server : started) {
            if (server.isAlive()) {
                try {
                    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
