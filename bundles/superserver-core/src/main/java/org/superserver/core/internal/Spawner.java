package org.superserver.core.internal;

import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.util.List;

/**
 * Starts a program with one socket as its fd 0, 1 and 2 through {@code posix_spawn(3)}: file
 * actions {@code dup2(fd, 0..2)} and {@code closefrom(3)} (the child inherits no other descriptor
 * of the server), an empty signal mask and every signal at its default disposition. glibc's
 * posix_spawn uses {@code CLONE_VFORK}: no copy of the JVM's page tables.
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

        int errno() {
            return errno;
        }
    }

    private static final Memory EMPTY_SET = sigset(false);
    private static final Memory FULL_SET = sigset(true);

    private Spawner() {
    }

    /**
     * Spawns {@code path} with {@code argv} (argv[0] first) and {@code env} ({@code NAME=value}),
     * its fd 0, 1 and 2 being {@code fd}.
     *
     * @return the child's pid
     */
    static int spawn(int fd, String path, List<String> argv, List<String> env) throws SpawnException {
        Memory actions = new Memory(Libc.FILE_ACTIONS_SIZE);
        Memory attributes = new Memory(Libc.SPAWNATTR_SIZE);
        check("posix_spawn_file_actions_init", Libc.posix_spawn_file_actions_init(actions));
        try {
            check("posix_spawnattr_init", Libc.posix_spawnattr_init(attributes));
            try {
                for (int target = 0; target <= 2; target++) {
                    check("posix_spawn_file_actions_adddup2",
                            Libc.posix_spawn_file_actions_adddup2(actions, fd, target));
                }
                check("posix_spawn_file_actions_addclosefrom_np",
                        Libc.posix_spawn_file_actions_addclosefrom_np(actions, 3));
                check("posix_spawnattr_setflags", Libc.posix_spawnattr_setflags(attributes,
                        (short) (Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF)));
                check("posix_spawnattr_setsigmask", Libc.posix_spawnattr_setsigmask(attributes, EMPTY_SET));
                check("posix_spawnattr_setsigdefault", Libc.posix_spawnattr_setsigdefault(attributes, FULL_SET));
                IntByReference pid = new IntByReference();
                int rc = Libc.posix_spawn(pid, path, actions, attributes, new StringArray(argv.toArray(new String[0])),
                        new StringArray(env.toArray(new String[0])));
                if (rc != 0) {
                    throw new SpawnException("cannot start " + path, rc);
                }
                return pid.getValue();
            } finally {
                Libc.posix_spawnattr_destroy(attributes);
            }
        } finally {
            Libc.posix_spawn_file_actions_destroy(actions);
        }
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

    private static Memory sigset(boolean full) {
        Memory set = new Memory(Libc.SIGSET_SIZE);
        set.clear();
        if (full) {
            Libc.sigfillset(set);
        } else {
            Libc.sigemptyset(set);
        }
        return set;
    }
}
