/*
 * libsuperserver-spawn: starts a program with one socket as its fd 0, 1 and 2, as posix_spawn(3)
 * does with the file actions and attributes of org.superserver.core.internal.Spawner, but on a
 * stack that the calling thread keeps from one child to the next.
 *
 * glibc's posix_spawn maps a fresh stack for every child and unmaps it afterwards; in a process
 * with many threads each unmap is a TLB shootdown across the CPUs that run them, which made the
 * largest single item of the server's own CPU per exec'd connection. Here the caller passes the
 * stack: the child runs on it with CLONE_VM | CLONE_VFORK (no copy of the page tables; the caller
 * is suspended until the child has called execve or exited), so the stack is free again when
 * clone returns.
 *
 * The child, before execve:
 *  - every signal at its default disposition, glibc's internal ones included (its posix_spawn
 *    leaves those two ignored), and an empty signal mask (the caller blocks every signal around
 *    clone, so no handler of the JVM ever runs on the child's stack);
 *  - a session of its own (setsid);
 *  - the socket as fd 0, 1 and 2, and no other descriptor (close_range(3, ~0U, 0), or a loop up
 *    to the open-file limit on kernels before 5.9);
 *  - optionally an open-file limit of its own (the server's raised one is not inherited).
 * A failure in the child is reported back through the caller's memory (CLONE_VM) and the child
 * is reaped before the call returns, as glibc does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

struct child {
    const char *path;
    char *const *argv;
    char *const *envp;
    int fd;
    int set_nofile;
    rlim_t nofile_soft;
    rlim_t nofile_hard;
    volatile int error;
};

static void close_from(int lowest) {
    if (syscall(SYS_close_range, (unsigned int) lowest, ~0U, 0U) == 0) {
        return;
    }
    struct rlimit limit;
    long last = 65536;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
        last = (long) limit.rlim_cur;
    }
    for (long fd = lowest; fd < last; fd++) {
        close((int) fd);
    }
}

static int run_child(void *argument) {
    struct child *c = argument;
    /*
     * The kernel's struct sigaction, all zero: SIG_DFL, no flags, an empty mask (three or four
     * words, depending on the architecture). Through the system call itself, so that glibc's
     * internal signals (32, 33), which its sigaction() refuses, are at their default too.
     */
    unsigned long deflt[4] = {0, 0, 0, 0};
    for (int sig = 1; sig < _NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            syscall(SYS_rt_sigaction, sig, deflt, NULL, (size_t) (_NSIG / 8));
        }
    }
    if (setsid() < 0) {
        goto fail;
    }
    for (int target = 0; target <= 2; target++) {
        if (c->fd == target) {
            if (fcntl(target, F_SETFD, 0) < 0) {
                goto fail;
            }
        } else if (dup2(c->fd, target) < 0) {
            goto fail;
        }
    }
    close_from(3);
    if (c->set_nofile) {
        struct rlimit limit = {c->nofile_soft, c->nofile_hard};
        if (setrlimit(RLIMIT_NOFILE, &limit) < 0) {
            goto fail;
        }
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    execve(c->path, c->argv, c->envp);
fail:
    c->error = errno == 0 ? EINVAL : errno;
    _exit(127);
}

/*
 * Starts path with argv and envp (NULL-terminated), fd as its fd 0, 1 and 2, on stack[0..size).
 * With set_nofile, the child's open-file limit is nofile_soft:nofile_hard (RLIM_INFINITY: ~0);
 * without, it keeps the caller's.
 *
 * Returns the child's pid, or -errno when it could not be started.
 */
int superserver_spawn(const char *path, char *const argv[], char *const envp[], int fd, int set_nofile,
                      unsigned long long nofile_soft, unsigned long long nofile_hard, void *stack, size_t size) {
    struct child c = {path, argv, envp, fd, set_nofile, (rlim_t) nofile_soft, (rlim_t) nofile_hard, 0};
    sigset_t all, before;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &before);
    char *top = (char *) (((uintptr_t) stack + size) & ~(uintptr_t) 15);
    int pid = clone(run_child, top, CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
    int error = pid < 0 ? errno : c.error;
    pthread_sigmask(SIG_SETMASK, &before, NULL);
    if (pid > 0 && error != 0) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
    }
    return error != 0 ? -error : pid;
}
