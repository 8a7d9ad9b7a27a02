package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** posix_spawn through one thread's native arena: argv and envp arrive intact, whatever their size. */
public class SpawnerTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    /** Runs {@code script} with {@code $0}, {@code $1} … and the environment given; stdio on this JVM's stderr. */
    private static int sh(String script, List<String> args, List<String> env) throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script));
        argv.addAll(args);
        return Spawner.spawn(2, "/bin/sh", argv, env);
    }

    @Test
    public void argumentsAndEnvironmentArriveExactlyOverManySpawnsFromOneThread() throws Exception {
        Path out = folder.getRoot().toPath();
        try (Reaper reaper = new Reaper()) {
            List<CompletableFuture<Reaper.Exit>> exits = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String word = "w" + i + (i % 2 == 0 ? " with blanks ü" : "");
                int pid = sh("printf '%s|%s|%s' \"$0\" \"$1\" \"$WORD\" > \"$OUT/$1\"", List.of("argv-" + i, "" + i),
                        List.of("OUT=" + out, "WORD=" + word));
                exits.add(reaper.watch(pid));
            }
            for (CompletableFuture<Reaper.Exit> exit : exits) {
                assertEquals("exit 0", exit.get(10, TimeUnit.SECONDS).describe());
            }
            for (int i = 0; i < 100; i++) {
                String word = "w" + i + (i % 2 == 0 ? " with blanks ü" : "");
                assertEquals("argv-" + i + "|" + i + "|" + word, Files.readString(out.resolve("" + i)));
            }
            assertEquals(0, reaper.running());
        }
    }

    @Test
    public void anEnvironmentLargerThanTheArenaGrowsItAndSmallerSpawnsStillWork() throws Exception {
        Path out = folder.getRoot().toPath();
        List<String> env = new ArrayList<>(List.of("OUT=" + out));
        for (int i = 0; i < 10; i++) {
            env.add("BIG" + i + "=" + "x".repeat(10_000));
        }
        try (Reaper reaper = new Reaper()) {
            int first = sh("printf '%s' \"${#BIG0}${#BIG9}\" > \"$OUT/big\"", List.of(), env);
            assertEquals("exit 0", reaper.watch(first).get(10, TimeUnit.SECONDS).describe());
            int second = sh("printf '%s' \"${BIG0:-unset}\" > \"$OUT/small\"", List.of(), List.of("OUT=" + out));
            assertEquals("exit 0", reaper.watch(second).get(10, TimeUnit.SECONDS).describe());
        }
        assertEquals("1000010000", Files.readString(out.resolve("big")));
        assertEquals("unset", Files.readString(out.resolve("small")));
    }

    @Test
    public void aMissingProgramIsReportedWithTheCLibrarysText() {
        Spawner.SpawnException e = assertThrows(Spawner.SpawnException.class,
                () -> Spawner.spawn(2, "/nonexistent/program", List.of("program"), List.of()));
        assertEquals(2, e.errno());
        assertTrue(e.getMessage(), e.getMessage().contains("/nonexistent/program"));
        assertTrue(e.getMessage(), e.getMessage().contains("No such file or directory"));
    }
}
