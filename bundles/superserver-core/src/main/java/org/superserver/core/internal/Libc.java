package org.superserver.core.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few C library calls exec'd services need, bound through JNA direct mapping (glibc 2.34 or
 * later on Linux: {@code posix_spawn_file_actions_addclosefrom_np}). The only class that names a
 * libc function; loading it fails with a {@link LinkageError} where JNA or the library is missing,
 * which callers turn into a clear service error.
 *
 * <p>Opaque C types are handled as generously sized {@link Memory} blocks; the struct offsets used
 * for {@code struct passwd} and {@code struct group} are those of glibc on 64-bit Linux.
 */
final class Libc {

    static final int F_DUPFD_CLOEXEC = 1030;
    static final int F_GETFL = 3;
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int FD_CLOEXEC = 1;
    static final int F_SETFL = 4;
    static final int O_NONBLOCK = 0x800;
    static final int WNOHANG = 1;
    static final int X_OK = 1;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** glibc 2.26 and later: the child calls {@code setsid(2)} before it execs. */
    static final short POSIX_SPAWN_SETSID = 0x80;
    static final int RLIMIT_NOFILE = 7;
    /** {@code RLIM_INFINITY} as a signed 64-bit value. */
    static final long RLIM_INFINITY = -1L;
    static final int CLONE_FS = 0x200;
    static final int PRIO_PROCESS = 0;
    static final int EACCES = 13;
    static final int EPERM = 1;
    static final int ESRCH = 3;
    static final short POLLIN = 0x1;
    static final int MSG_PEEK = 0x2;
    static final int SOL_SOCKET = 1;
    static final int SO_KEEPALIVE = 9;
    static final int SO_LINGER = 13;
    static final int MSG_DONTWAIT = 0x40;
    static final int EINTR = 4;
    static final long SYS_PIDFD_OPEN = 434;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final int ECHILD = 10;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x1;
    static final int EPOLLOUT = 0x4;
    static final int EPOLLEXCLUSIVE = 1 << 28;
    static final int EPOLLONESHOT = 1 << 30;
    /** {@code struct epoll_event} is packed on x86_64 (12 bytes) and naturally aligned elsewhere (16). */
    static final int EPOLL_EVENT_SIZE = Platform.isIntel() ? 12 : 16;
    /** Offset of {@code epoll_event.data}. */
    static final int EPOLL_DATA_OFFSET = Platform.isIntel() ? 4 : 8;

    /** Bytes that hold any glibc {@code posix_spawn_file_actions_t} (80 on x86_64). */
    static final int FILE_ACTIONS_SIZE = 256;
    /** Bytes that hold any glibc {@code posix_spawnattr_t} (336 on x86_64). */
    static final int SPAWNATTR_SIZE = 1024;
    /** Bytes of a glibc {@code sigset_t}. */
    static final int SIGSET_SIZE = 128;

    static {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            throw new UnsatisfiedLinkError("exec'd services need 64-bit Linux, not " + System.getProperty("os.name")
                    + " " + System.getProperty("os.arch"));
        }
        Native.register(Libc.class, Platform.C_LIBRARY_NAME);
    }

    private Libc() {
    }

    /** Every pointer argument is a native address. */
    static native int posix_spawn(long pid, long path, long fileActions, long attributes, long argv, long envp);

    static native int posix_spawn_file_actions_init(long fileActions);

    static native int posix_spawn_file_actions_destroy(long fileActions);

    static native int posix_spawn_file_actions_adddup2(long fileActions, int fd, int newFd);

    static native int posix_spawn_file_actions_addclosefrom_np(long fileActions, int from);

    static native int posix_spawnattr_init(long attributes);

    static native int posix_spawnattr_setflags(long attributes, short flags);

    static native int posix_spawnattr_setsigmask(long attributes, long sigset);

    static native int posix_spawnattr_setsigdefault(long attributes, long sigset);

    static native int sigemptyset(long sigset);

    static native int sigfillset(long sigset);

    static native int fcntl(int fd, int command, int argument);

    static native int close(int fd);

    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOCK_NONBLOCK = 0x800;

    /** {@code sv} receives the two connected descriptors. */
    static native int socketpair(int domain, int type, int protocol, int[] sv);

    /** {@code value} holds the option's ints: one for a flag, two for {@code struct linger}. */
    static native int setsockopt(int fd, int level, int name, int[] value, int length);

    /** {@code length} holds the size of {@code value} in bytes, and afterwards the size written. */
    static native int getsockopt(int fd, int level, int name, int[] value, IntByReference length);

    static native long write(int fd, byte[] buffer, long length);

    /** {@code length} holds the size of {@code address} in bytes, and afterwards the size of the address. */
    static native int getsockname(int fd, byte[] address, IntByReference length);

    static native int accept(int fd, Pointer address, Pointer addressLength);

    static native long read(int fd, byte[] buffer, long length);

    /** {@code syscall(SYS_pidfd_open, pid, flags)}: a descriptor that polls readable once {@code pid} has ended. */
    static native long syscall(long number, int pid, int flags);

    static native int eventfd(int initial, int flags);

    static native int epoll_create1(int flags);

    /** {@code event} is the native address of one {@code struct epoll_event}. */
    static native int epoll_ctl(int epfd, int op, int fd, long event);

    /**
     * {@code epoll_ctl(set, operation, fd)} for the events {@code flags}, reported with {@code data};
     * {@code event} is the caller's scratch memory for one {@code struct epoll_event} (16 bytes).
     */
    static boolean epollControl(com.sun.jna.Memory event, int set, int operation, int fd, int flags, long data) {
        event.setInt(0, flags);
        event.setLong(EPOLL_DATA_OFFSET, data);
        return epoll_ctl(set, operation, fd, com.sun.jna.Pointer.nativeValue(event)) == 0;
    }

    /** {@code events} is the native address of {@code max} {@code struct epoll_event}s. */
    static native int epoll_wait(int epfd, long events, int max, int timeoutMillis);

    static native int waitpid(int pid, IntByReference status, int options);

    static native int getuid();

    static native int geteuid();

    static native Pointer getpwnam(String name);

    static native Pointer getpwuid(int uid);

    static native Pointer getgrnam(String name);

    /**
     * The groups {@code initgroups(user, group)} would set: {@code group} and every group that
     * lists {@code user} as a member. Returns -1 when {@code groups} is too small, with the size
     * needed in {@code count}.
     */
    static native int getgrouplist(String user, int group, int[] groups, IntByReference count);

    /** {@code limits} holds {@code rlim_cur} and {@code rlim_max}. */
    static native int getrlimit(int resource, long[] limits);

    static native int setrlimit(int resource, long[] limits);

    /** Sets another process's limits; {@code oldLimits} may be {@code null}. */
    static native int prlimit(int pid, int resource, long[] newLimits, long[] oldLimits);

    static native int unshare(int flags);

    static native int umask(int mask);

    /** With {@code PRIO_PROCESS}, Linux applies the nice value to the one thread {@code who} names. */
    static native int setpriority(int which, int who, int priority);

    /** The nice value; -1 is a valid answer, so callers clear errno first. */
    static native int getpriority(int which, int who);

    static native int gettid();

    static native int access(String path, int mode);

    static native String strerror(int errno);

    static native int poll(Pointer fds, long count, int timeoutMillis);

    /** {@code vector} is the native address of {@code count} {@code struct mmsghdr}s; {@code timeout} a {@code struct timespec}'s or 0. */
    static native int recvmmsg(int fd, long vector, int count, int flags, long timeout);

    /** {@code vector} is the native address of {@code count} {@code struct mmsghdr}s. */
    static native int sendmmsg(int fd, long vector, int count, int flags);

    static native long recvfrom(int fd, Pointer buffer, long length, int flags, Pointer address,
                                IntByReference addressLength);

    /** Sets the calling thread's saved {@code errno}, before a call whose result alone cannot tell failure. */
    static void clearErrno() {
        Native.setLastError(0);
    }

    /** The calling thread's {@code errno} after the last call. */
    static int errno() {
        return Native.getLastError();
    }

    /** {@code strerror(errno)} and the number, e.g. {@code No such file or directory (errno 2)}. */
    static String describe(int errno) {
        return strerror(errno) + " (errno " + errno + ")";
    }

    /** {@code msg} is a {@code struct msghdr} (56 bytes on 64-bit Linux). */
    static native long recvmsg(int fd, Pointer msg, int flags);
}
