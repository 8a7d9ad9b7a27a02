package org.superserver.core.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.Map;

/**
 * The core's own spawning call, {@code superserver_spawn} of {@code libsuperserver-spawn} (built
 * from {@code src/main/c/superserver-spawn.c} with the bundle and carried in it as a resource under
 * JNA's platform prefix, for instance {@code linux-x86-64/}): {@code clone(CLONE_VM | CLONE_VFORK)}
 * on a stack the calling thread keeps, where glibc's {@code posix_spawn} maps and unmaps one per
 * child. Bound through JNA direct mapping; where the library is not in the bundle (built without a
 * C compiler) or does not load, {@link #unavailable()} says why and {@link Spawner} uses
 * {@code posix_spawn}.
 */
final class CloneSpawn {

    static final String LIBRARY = "superserver-spawn";

    private static final String UNAVAILABLE;

    static {
        String why = null;
        try {
            Native.register(CloneSpawn.class, NativeLibrary.getInstance(LIBRARY,
                    Map.of(Library.OPTION_CLASSLOADER, CloneSpawn.class.getClassLoader())));
        } catch (LinkageError | RuntimeException e) {
            why = "lib" + LIBRARY + " does not load: " + e.getMessage();
        }
        UNAVAILABLE = why;
    }

    private CloneSpawn() {
    }

    /** Why the library cannot be used, or {@code null} when it can. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /**
     * Starts {@code path} with {@code argv} and {@code envp} (NULL-terminated pointer arrays) and
     * {@code fd} as its fd 0, 1 and 2, on {@code stack[0, size)}; with {@code setNofile} the child's
     * open-file limit is {@code soft:hard} before it execs. Every pointer is a native address.
     *
     * @return the child's pid, or {@code -errno}
     */
    static native int superserver_spawn(long path, long argv, long envp, int fd, int setNofile, long soft, long hard,
                                        long stack, long size);
}
