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
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/**
 * Both ways of starting a child, through one thread's native arena: the core's clone on a kept
 * stack and glibc's posix_spawn. argv and envp arrive intact, whatever their size; the child gets
 * the socket as fd 0, 1 and 2 and nothing else, default signals, a session of its own.
 */
@RunWith(Parameterized.class)
public class SpawnerTest {

    @Parameterized.Parameters(name = "{0}")
    public static List<Object[]> methods() {
        return List.of(new Object[] {Spawner.Method.CLONE}, new Object[] {Spawner.Method.POSIX_SPAWN});
    }

    @Parameterized.Parameter
    public Spawner.Method method;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Before
    public void theLibraryIsThereWhenItWasBuilt() {
        if (method == Spawner.Method.CLONE) {
            boolean built = SpawnerTest.class.getClassLoader()
                    .getResource(com.sun.jna.Platform.RESOURCE_PREFIX + "/libsuperserver-spawn.so") != null;
            // a build with a C compiler has the library, and then it must load
            assertEquals("lib" + CloneSpawn.LIBRARY + " built and loaded", built, CloneSpawn.unavailable() == null);
            Assume.assumeTrue("built without a C compiler: " + CloneSpawn.unavailable(), built);
        }
    }

    /** Runs {@code script} with {@code $0}, {@code $1} … and the environment given; stdio on this JVM's stderr. */
    private int sh(String script, List<String> args, List<String> env) throws Exception {
        return sh(2, script, args, env, null);
    }

    private int sh(int fd, String script, List<String> args, List<String> env, ChildLimits nofile) throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script));
        argv.addAll(args);
        return Spawner.spawn(method, fd, "/bin/sh", argv, env, nofile);
    }

    @Test
    public void argumentsAndEnvironmentArriveExactlyOverManySpawnsFromOneThread() throws Exception {
        Path out = folder.getRoot().toPath();
        try (Reaper reaper = new Reaper()) {
            List<CompletableFuture<Reaper.Exit>> exits = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String word = "w" + i + (i % 2 == 0 ? " with blanks \u00c3\u00bc \u00e9" : "");
                int pid = sh("printf '%s|%s|%s' \"$0\" \"$1\" \"$WORD\" > \"$OUT/$1\"", List.of("argv-" + i, "" + i),
                        List.of("OUT=" + out, "WORD=" + word));
                exits.add(reaper.watch(pid));
            }
            for (CompletableFuture<Reaper.Exit> exit : exits) {
                assertEquals("exit 0", exit.get(10, TimeUnit.SECONDS).describe());
            }
            for (int i = 0; i < 100; i++) {
                String word = "w" + i + (i % 2 == 0 ? " with blanks \u00c3\u00bc \u00e9" : "");
                assertEquals("argv-" + i + "|" + i + "|" + word,
                        Files.readString(out.resolve("" + i), java.nio.charset.StandardCharsets.ISO_8859_1));
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
                () -> Spawner.spawn(method, 2, "/nonexistent/program", List.of("program"), List.of(), null));
        assertEquals(2, e.errno());
        assertTrue(e.getMessage(), e.getMessage().contains("/nonexistent/program"));
        assertTrue(e.getMessage(), e.getMessage().contains("No such file or directory"));
    }

    @Test
    public void aProgramThatIsNotExecutableIsReportedAndLeavesNoChildBehind() throws Exception {
        Path data = folder.newFile("data").toPath();
        List<String> before = childrenOfThisJvm();
        Spawner.SpawnException e = assertThrows(Spawner.SpawnException.class,
                () -> Spawner.spawn(method, 2, data.toString(), List.of("data"), List.of(), null));
        assertEquals(Libc.EACCES, e.errno());
        assertTrue(e.getMessage(), e.getMessage().contains("Permission denied"));
        // the failed child was reaped by the call itself: no zombie is left
        assertEquals(before, childrenOfThisJvm());
    }

    /** The pids of this JVM's children, from every thread's /proc/self/task/TID/children. */
    private static List<String> childrenOfThisJvm() throws Exception {
        List<String> pids = new ArrayList<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                Path children = task.resolve("children");
                Assume.assumeTrue("the kernel lists children in /proc", Files.exists(children));
                try {
                    for (String pid : Files.readString(children).trim().split(" +")) {
                        if (!pid.isEmpty()) {
                            pids.add(pid);
                        }
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        java.util.Collections.sort(pids);
        return pids;
    }

    @Test
    public void theChildHasTheSocketAsItsStdioAndNoOtherDescriptorOfTheServer() throws Exception {
        int[] pair = new int[2];
        // neither end close-on-exec, and one more descriptor without it, as a library might leave them
        assertEquals(0, Libc.socketpair(1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0, pair));
        int leaked = Libc.fcntl(2, 0 /* F_DUPFD */, 100);
        assertTrue("dup of fd 2", leaked >= 100);
        StringBuilder got = new StringBuilder();
        try (Reaper reaper = new Reaper()) {
            // ls on its own, not in a pipeline: the shell would hold the pipe's ends while ls looks
            int pid = sh(pair[0], "ls /proc/$$/fd; echo >&2 to-stderr; read line; echo \"read $line\"",
                    List.of(), List.of(), null);
            Libc.close(pair[0]);
            byte[] line = "from-the-client\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals(line.length, Libc.write(pair[1], line, line.length));
            assertEquals("exit 0", reaper.watch(pid).get(10, TimeUnit.SECONDS).describe());
            byte[] buffer = new byte[256];
            for (long n; (n = Libc.read(pair[1], buffer, buffer.length)) > 0; ) {
                got.append(new String(buffer, 0, (int) n, java.nio.charset.StandardCharsets.US_ASCII));
            }
        } finally {
            Libc.close(pair[1]);
            Libc.close(leaked);
        }
        assertEquals("0\n1\n2\nto-stderr\nread from-the-client\n", got.toString());
    }

    @Test
    public void theOpenFileLimitGivenIsTheChildsFromItsFirstInstruction() throws Exception {
        Assume.assumeTrue("posix_spawn leaves the limit to prlimit after the exec", method == Spawner.Method.CLONE);
        ChildLimits server = ChildLimits.current();
        Assume.assumeTrue("needs a hard limit above 64", server.hard() == Libc.RLIM_INFINITY || server.hard() > 64);
        long hard = server.hard() == Libc.RLIM_INFINITY ? 4096 : Math.min(server.hard(), 4096);
        Path out = folder.getRoot().toPath();
        try (Reaper reaper = new Reaper()) {
            // no waiting for the call to return: the limit is there before the program runs
            int pid = sh(2, "printf '%s:%s' \"$(ulimit -n)\" \"$(ulimit -Hn)\" > \"$OUT/limits\"", List.of(),
                    List.of("OUT=" + out), new ChildLimits(64, hard));
            assertEquals("exit 0", reaper.watch(pid).get(10, TimeUnit.SECONDS).describe());
        }
        assertEquals("64:" + hard, Files.readString(out.resolve("limits")));
        assertEquals("the server's own limits are untouched", server, ChildLimits.current());
    }

    @Test
    public void theChildStartsWithEverySignalAtItsDefaultAndNoneBlocked() throws Exception {
        Path out = folder.getRoot().toPath();
        try (Reaper reaper = new Reaper()) {
            // read by the shell's own built-ins: a command it forked (grep) could read the shell's
            // status while the shell blocks every signal around that fork, as dash does
            int pid = sh("while IFS= read -r line; do case $line in SigBlk:*|SigIgn:*) printf '%s\\n' \"$line\";;"
                    + " esac; done < /proc/$$/status > \"$OUT/signals\"", List.of(), List.of("OUT=" + out));
            assertEquals("exit 0", reaper.watch(pid).get(10, TimeUnit.SECONDS).describe());
        }
        List<String> lines = Files.readAllLines(out.resolve("signals"));
        assertEquals("SigBlk:\t0000000000000000", lines.get(0));
        long ignored = Long.parseUnsignedLong(lines.get(1).substring("SigIgn:\t".length()), 16);
        // glibc's posix_spawn leaves its two internal signals (32, 33) ignored; the clone, none
        long internal = method == Spawner.Method.POSIX_SPAWN ? 0x180000000L : 0;
        assertEquals(lines.get(1), 0, ignored & ~internal);
    }

    /** The umask in /proc/self/status (shared by the JVM's threads unless one unshared it). */
    private static String jvmUmask() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Umask:"))
                .findFirst().orElseThrow().substring(6).trim();
    }

    @Test
    public void aTunedChildGetsItsUmaskAndNiceFromItsSpawnerThreadAndTheServerKeepsItsOwn() throws Exception {
        Path out = folder.getRoot().toPath();
        String umaskBefore = jvmUmask();
        String script = "printf '%s %s %s' \"$(umask)\" \"$(cut -d' ' -f19 /proc/$$/stat)\" \"$$\" > \"$OUT/$1\"";
        try (Reaper reaper = new Reaper(); TunedSpawners spawners = new TunedSpawners(method)) {
            List<String> env = List.of("OUT=" + out);
            int plain = spawners.spawn(Program.Tuning.NONE, 2, "/bin/sh", List.of("sh", "-c", script, "plain", "plain"),
                    env, null);
            int tuned = spawners.spawn(new Program.Tuning(0027, 4), 2, "/bin/sh",
                    List.of("sh", "-c", script, "tuned", "tuned"), env, null);
            int again = spawners.spawn(new Program.Tuning(0077, 0), 2, "/bin/sh",
                    List.of("sh", "-c", script, "again", "again"), env, null);
            for (int pid : List.of(plain, tuned, again)) {
                assertEquals("exit 0", reaper.watch(pid).get(10, TimeUnit.SECONDS).describe());
            }
            String[] p = Files.readString(out.resolve("plain")).split(" ");
            String[] t = Files.readString(out.resolve("tuned")).split(" ");
            String[] a = Files.readString(out.resolve("again")).split(" ");
            assertEquals("0027", t[0]);
            assertEquals(Math.min(19, Integer.parseInt(p[1]) + 4), Integer.parseInt(t[1]));
            assertEquals("0077", a[0]);
            assertEquals(p[1], a[1]);
            assertEquals(umaskBefore, jvmUmask());
            assertEquals(umaskBefore, p[0]);
            // no interpreter in between: the spawned pid is the shell itself
            assertEquals(String.valueOf(tuned), t[2]);
        }
    }

    @Test
    public void asRootATunedChildMayGetALowerNiceValue() throws Exception {
        org.junit.Assume.assumeTrue("lowering a nice value needs root", Libc.geteuid() == 0);
        Path out = folder.getRoot().toPath();
        String script = "cut -d' ' -f19 /proc/$$/stat > \"$OUT/$1\"";
        try (Reaper reaper = new Reaper(); TunedSpawners spawners = new TunedSpawners(method)) {
            int plain = spawners.spawn(Program.Tuning.NONE, 2, "/bin/sh", List.of("sh", "-c", script, "p", "p"),
                    List.of("OUT=" + out), null);
            int lower = spawners.spawn(new Program.Tuning(-1, -3), 2, "/bin/sh", List.of("sh", "-c", script, "l", "l"),
                    List.of("OUT=" + out), null);
            assertEquals("exit 0", reaper.watch(plain).get(10, TimeUnit.SECONDS).describe());
            assertEquals("exit 0", reaper.watch(lower).get(10, TimeUnit.SECONDS).describe());
        }
        int plainNice = Integer.parseInt(Files.readString(out.resolve("p")).trim());
        assertEquals(Math.max(-20, plainNice - 3), Integer.parseInt(Files.readString(out.resolve("l")).trim()));
    }

    @Test
    public void eachChildLeadsASessionOfItsOwn() throws Exception {
        Path out = folder.getRoot().toPath();
        try (Reaper reaper = new Reaper()) {
            int pid = sh("cut -d' ' -f5,6 /proc/$$/stat > \"$OUT/sid\"", List.of(), List.of("OUT=" + out));
            assertEquals("exit 0", reaper.watch(pid).get(10, TimeUnit.SECONDS).describe());
            assertEquals(pid + " " + pid, Files.readString(out.resolve("sid")).trim());
        }
    }

    @Test
    public void childrenGetTheOriginalOpenFileLimitNotTheServersRaisedOne() throws Exception {
        ChildLimits server = ChildLimits.current();
        org.junit.Assume.assumeTrue("needs a hard limit above 64", server.hard() == Libc.RLIM_INFINITY
                || server.hard() > 64);
        ChildLimits original = new ChildLimits(64, server.hard() == Libc.RLIM_INFINITY ? 4096
                : Math.min(server.hard(), 4096));
        Path out = folder.getRoot().toPath();
        // the child reads its limits once the launch has returned (the go file), as documented
        String script = "while [ ! -e \"$OUT/go\" ]; do sleep 0.01; done;"
                + " printf '%s:%s %s' \"$(ulimit -n)\" \"$(ulimit -Hn)\" \"$(cut -d' ' -f6 /proc/$$/stat)\" > \"$OUT/limits\"";
        org.superserver.api.ServiceDefinition definition = org.superserver.api.ServiceDefinition.builder().id("l")
                .name("l").socketType(org.superserver.api.SocketType.STREAM)
                .protocol(org.superserver.api.Protocol.TCP).port(0).server("/bin/sh")
                .argv(List.of("sh", "-c", script)).env("OUT", out.toString()).origin("test:1").build();
        Launcher launcher = new Launcher(original, new AccountCache(), method);
        try {
            Program program = launcher.prepare(definition);
            CompletableFuture<Reaper.Exit> exit = launcher.launch(program, 2, null, null, java.util.Map.of());
            Files.writeString(out.resolve("go"), "");
            Reaper.Exit end = exit.get(10, TimeUnit.SECONDS);
            assertEquals("exit 0", end.describe());
            assertEquals(original + " " + end.pid(), Files.readString(out.resolve("limits")));
            assertEquals("the server's own limits are untouched", server, ChildLimits.current());
        } finally {
            launcher.close();
        }
    }
}
