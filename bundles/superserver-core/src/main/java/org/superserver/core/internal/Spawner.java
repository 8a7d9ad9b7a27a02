package org.superserver.core.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a program with one socket as its fd 0, 1 and 2: {@code dup2(fd, 0..2)} and
 * {@code closefrom(3)} (the child inherits no other descriptor of the server), an empty signal
 * mask, every signal at its default disposition, and a session of its own ({@code setsid}): a
 * Ctrl-C on a foreground server, or a signal to its process group, does not reach the children, and
 * no child shares the server's terminal. The child also inherits the calling thread's umask and
 * nice value, which {@link TunedSpawners} relies on.
 *
 * <p>Two ways, chosen once by the framework property {@value #METHOD_PROPERTY}:
 * <ul>
 * <li>{@code clone} (taken by {@code auto}, the default, when the library loads): the core's own
 * {@link CloneSpawn}, {@code clone(CLONE_VM | CLONE_VFORK)} on a stack each spawning thread keeps,
 * which also gives the child its open-file limit before it execs;</li>
 * <li>{@code posix_spawn}: glibc's {@code posix_spawn(3)} with those file actions and attributes
 * ({@code POSIX_SPAWN_SETSID}, glibc 2.26; {@code addclosefrom_np}, glibc 2.34), which maps a
 * fresh stack per child, and the open-file limit set by {@code prlimit(2)} once it has returned.</li>
 * </ul>
 * Neither copies the JVM's page tables.
 *
 * <p>Each thread that spawns keeps one {@link Arena} of native memory for the whole call: the pid,
 * the file actions, the spawn attributes (set up once), argv/envp with their strings and the
 * child's stack. A spawn therefore leaves no native-memory objects behind for the garbage
 * collector and JNA's cleaner, which under a stream of connections would otherwise fill the old
 * generation.
 */
final class Spawner {

    /** A failed spawn, with the C library's error text. */
    static final class SpawnException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int errno;

        SpawnException(String what, int errno) {
            super(what + ": " + Libc.describe(errno));
            this.errno = errno;
        }

        /** A child that is not started for a reason of the server's own (no errno). */
        SpawnException(String why) {
            super(why);
            this.errno = 0;
        }

        int errno() {
            return errno;
        }
    }

    /** The framework property that chooses how children are started: auto, clone or posix_spawn. */
    static final String METHOD_PROPERTY = "superserver.spawn";

    /** How children are started. */
    enum Method {
        CLONE("clone"), POSIX_SPAWN("posix_spawn");

        private final String configName;

        Method(String configName) {
            this.configName = configName;
        }

        String configName() {
            return configName;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);
    private static final ThreadLocal<Arena> ARENA = new ThreadLocal<>();
    private static volatile Method method;

    private Spawner() {
    }

    /**
     * The way children are started, from {@value #METHOD_PROPERTY}, chosen and logged on the first
     * call ({@code SPAWN method=...}); a value that cannot be honoured is logged at ERROR.
     */
    static Method method() {
        Method m = method;
        if (m == null) {
            synchronized (Spawner.class) {
                m = method;
                if (m == null) {
                    m = choose(FrameworkProperty.get(METHOD_PROPERTY));
                    method = m;
                }
            }
        }
        return m;
    }

    private static Method choose(String setting) {
        String wanted = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        String unavailable = CloneSpawn.unavailable();
        switch (wanted) {
            case "posix_spawn" -> {
                LOG.info("SPAWN method=posix_spawn ({}=posix_spawn)", METHOD_PROPERTY);
                return Method.POSIX_SPAWN;
            }
            case "auto", "clone" -> {
                if (unavailable == null) {
                    LOG.info("SPAWN method=clone (lib{})", CloneSpawn.LIBRARY);
                    return Method.CLONE;
                }
                if (wanted.equals("clone")) {
                    LOG.error("SPAWN method=posix_spawn ({})", unavailable);
                } else {
                    LOG.info("SPAWN method=posix_spawn ({})", unavailable);
                }
                return Method.POSIX_SPAWN;
            }
            default -> {
                Method m = unavailable == null ? Method.CLONE : Method.POSIX_SPAWN;
                LOG.error("SPAWN method={} ({}={} is not one of auto, clone, posix_spawn; taken as auto)",
                        m.configName(), METHOD_PROPERTY, setting);
                return m;
            }
        }
    }

    /**
     * Spawns {@code path} with {@code argv} (argv[0] first) and {@code env} ({@code NAME=value}),
     * its fd 0, 1 and 2 being {@code fd}, by {@link #method()}.
     *
     * @return the child's pid
     */
    static int spawn(int fd, String path, List<String> argv, List<String> env) throws SpawnException {
        return spawn(method(), fd, path, argv, env, null);
    }

    /**
     * Spawns as {@link #spawn(int, String, List, List)} does, by {@code how}. With {@code clone}
     * the child gets the open-file limit {@code nofile} (unless {@code null}) before it execs; with
     * {@code posix_spawn} that is left to the caller ({@link ChildLimits#applyTo(int)}).
     *
     * @return the child's pid
     */
    static int spawn(Method how, int fd, String path, List<String> argv, List<String> env, ChildLimits nofile)
            throws SpawnException {
        Arena arena = ARENA.get();
        if (arena == null) {
            arena = new Arena();
            ARENA.set(arena);
        }
        return how == Method.CLONE ? arena.cloneSpawn(fd, path, argv, env, nofile) : arena.spawn(fd, path, argv, env);
    }

    /** Puts {@code fd} in blocking mode, as a child expects its stdin to be. */
    static void blocking(int fd) throws SpawnException {
        int flags = Libc.fcntl(fd, Libc.F_GETFL, 0);
        if (flags == -1) {
            throw new SpawnException("fcntl(F_GETFL) on fd " + fd, Libc.errno());
        }
        if ((flags & Libc.O_NONBLOCK) != 0 && Libc.fcntl(fd, Libc.F_SETFL, flags & ~Libc.O_NONBLOCK) == -1) {
            throw new SpawnException("fcntl(F_SETFL) on fd " + fd, Libc.errno());
        }
    }

    private static void check(String call, int rc) throws SpawnException {
        if (rc != 0) {
            throw new SpawnException(call, rc);
        }
    }

    /**
     * One thread's native memory for spawning. The fixed part holds the pid, the file actions and
     * the attributes; the strings part holds argv and envp as NUL-terminated pointer arrays followed
     * by the strings, and grows when a call needs more.
     */
    private static final class Arena {
        private static final long PID = 0;
        private static final long ACTIONS = 64;
        private static final long ATTRIBUTES = ACTIONS + Libc.FILE_ACTIONS_SIZE;
        private static final long EMPTY_SET = ATTRIBUTES + Libc.SPAWNATTR_SIZE;
        private static final long FULL_SET = EMPTY_SET + Libc.SIGSET_SIZE;
        private static final long FIXED_SIZE = FULL_SET + Libc.SIGSET_SIZE;

        /** The child's stack for {@link CloneSpawn}: its work before execve needs a few hundred bytes. */
        private static final long STACK_SIZE = 64 * 1024;

        private final Memory fixed = new Memory(FIXED_SIZE);
        private final long base = Pointer.nativeValue(fixed);
        private Memory strings = new Memory(16 * 1024);
        private Memory stack;
        private boolean attributesReady;

        int cloneSpawn(int fd, String path, List<String> argv, List<String> env, ChildLimits nofile)
                throws SpawnException {
            if (stack == null) {
                stack = new Memory(STACK_SIZE);
            }
            long argvAddress = layOut(path, argv, env);
            long envpAddress = argvAddress + 8L * (argv.size() + 1);
            long pathAddress = envpAddress + 8L * (env.size() + 1);
            int rc = CloneSpawn.superserver_spawn(pathAddress, argvAddress, envpAddress, fd, nofile == null ? 0 : 1,
                    nofile == null ? 0 : nofile.soft(), nofile == null ? 0 : nofile.hard(), Pointer.nativeValue(stack),
                    STACK_SIZE);
            if (rc < 0) {
                throw new SpawnException("cannot start " + path, -rc);
            }
            return rc;
        }

        int spawn(int fd, String path, List<String> argv, List<String> env) throws SpawnException {
            if (!attributesReady) {
                prepareAttributes();
            }
            long argvAddress = layOut(path, argv, env);
            long actions = base + ACTIONS;
            check("posix_spawn_file_actions_init", Libc.posix_spawn_file_actions_init(actions));
            try {
                for (int target = 0; target <= 2; target++) {
                    check("posix_spawn_file_actions_adddup2",
                            Libc.posix_spawn_file_actions_adddup2(actions, fd, target));
                }
                check("posix_spawn_file_actions_addclosefrom_np",
                        Libc.posix_spawn_file_actions_addclosefrom_np(actions, 3));
                long envpAddress = argvAddress + 8L * (argv.size() + 1);
                long pathAddress = envpAddress + 8L * (env.size() + 1);
                int rc = Libc.posix_spawn(base + PID, pathAddress, actions, base + ATTRIBUTES, argvAddress,
                        envpAddress);
                if (rc != 0) {
                    throw new SpawnException("cannot start " + path, rc);
                }
                return fixed.getInt(PID);
            } finally {
                Libc.posix_spawn_file_actions_destroy(actions);
            }
        }

        private void prepareAttributes() throws SpawnException {
            fixed.clear();
            Libc.sigemptyset(base + EMPTY_SET);
            Libc.sigfillset(base + FULL_SET);
            long attributes = base + ATTRIBUTES;
            check("posix_spawnattr_init", Libc.posix_spawnattr_init(attributes));
            check("posix_spawnattr_setflags", Libc.posix_spawnattr_setflags(attributes,
                    (short) (Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSID)));
            check("posix_spawnattr_setsigmask", Libc.posix_spawnattr_setsigmask(attributes, base + EMPTY_SET));
            check("posix_spawnattr_setsigdefault", Libc.posix_spawnattr_setsigdefault(attributes, base + FULL_SET));
            attributesReady = true;
        }

        /**
         * Writes argv's pointers, envp's pointers, then the path and every string.
         *
         * @return the address of argv; envp follows it, then the path
         */
        private long layOut(String path, List<String> argv, List<String> env) {
            int count = argv.size() + env.size() + 1;
            byte[][] encoded = new byte[count][];
            long pointers = 8L * (argv.size() + 1 + env.size() + 1);
            long size = pointers;
            encoded[0] = bytes(path);
            size += encoded[0].length + 1;
            for (int i = 0; i < argv.size(); i++) {
                encoded[1 + i] = bytes(argv.get(i));
                size += encoded[1 + i].length + 1;
            }
            for (int i = 0; i < env.size(); i++) {
                encoded[1 + argv.size() + i] = bytes(env.get(i));
                size += encoded[1 + argv.size() + i].length + 1;
            }
            if (strings.size() < size) {
                strings = new Memory(Math.max(size, strings.size() * 2));
            }
            long start = Pointer.nativeValue(strings);
            long text = pointers;
            // the path first, right after the two pointer arrays
            text = put(encoded[0], text);
            for (int i = 0; i < argv.size(); i++) {
                strings.setLong(8L * i, start + text);
                text = put(encoded[1 + i], text);
            }
            strings.setLong(8L * argv.size(), 0);
            long envp = 8L * (argv.size() + 1);
            for (int i = 0; i < env.size(); i++) {
                strings.setLong(envp + 8L * i, start + text);
                text = put(encoded[1 + argv.size() + i], text);
            }
            strings.setLong(envp + 8L * env.size(), 0);
            return start;
        }

        /**
         * A string of the definition as the bytes the program gets. Config formats carry program
         * paths, arguments and environment as byte strings, one char per byte (inetd.conf is read as
         * ISO-8859-1, Configuration Admin values are carried as their UTF-8 bytes), so those chars
         * go back to the same bytes; a string holding a char above U+00FF cannot be one and is sent
         * as UTF-8.
         */
        static byte[] bytes(String text) {
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) > 0xFF) {
                    return text.getBytes(StandardCharsets.UTF_8);
                }
            }
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }

        private long put(byte[] bytes, long offset) {
            strings.write(offset, bytes, 0, bytes.length);
            strings.setByte(offset + bytes.length, (byte) 0);
            return offset + bytes.length + 1;
        }
    }
}
