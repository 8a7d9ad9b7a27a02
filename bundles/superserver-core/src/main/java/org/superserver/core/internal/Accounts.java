package org.superserver.core.internal;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Looks up users and groups in the system's databases ({@code getpwnam(3)}, {@code getgrnam(3)},
 * {@code getgrouplist(3)}, so NSS sources such as LDAP count too). Those functions share static
 * buffers, hence one lookup at a time; they may block on a network source, so they never run on
 * an event loop: connections reach them through an {@link AccountCache}.
 */
final class Accounts {

    /** One {@code struct passwd}, the fields a child's identity and environment need. */
    record Account(String name, int uid, int gid, String home, String shell) {
    }

    /** Where {@link Identity} looks accounts up: the system itself, a cache of it, or a test's table. */
    interface Directory {

        Optional<Account> user(String name);

        /** The id of a group name, or of a numeric id given as text. */
        Optional<Integer> group(String name);

        /** The groups {@code initgroups(user, gid)} would give, {@code gid} included. */
        List<Integer> groupList(String user, int gid);
    }

    /** The system's databases, looked up on the calling thread. */
    static final Directory SYSTEM = new Directory() {
        @Override
        public Optional<Account> user(String name) {
            return Accounts.user(name);
        }

        @Override
        public Optional<Integer> group(String name) {
            return Accounts.group(name);
        }

        @Override
        public List<Integer> groupList(String user, int gid) {
            return Accounts.groupList(user, gid);
        }
    };

    private Accounts() {
    }

    static synchronized Optional<Account> user(String name) {
        return account(Libc.getpwnam(name));
    }

    static synchronized Optional<Account> user(int uid) {
        return account(Libc.getpwuid(uid));
    }

    /** The id of a group name, or of a numeric id given as text. */
    static synchronized Optional<Integer> group(String name) {
        Pointer group = Libc.getgrnam(name);
        if (group != null) {
            return Optional.of(group.getInt(16));
        }
        if (name.matches("[0-9]{1,9}")) {
            return Optional.of(Integer.parseInt(name));
        }
        return Optional.empty();
    }

    /** {@code getgrouplist(user, gid)}: {@code gid} first, then every group listing {@code user} as a member. */
    static synchronized List<Integer> groupList(String user, int gid) {
        int[] groups = new int[32];
        IntByReference count = new IntByReference(groups.length);
        while (Libc.getgrouplist(user, gid, groups, count) < 0) {
            groups = new int[Math.max(count.getValue(), groups.length * 2)];
            count.setValue(groups.length);
        }
        List<Integer> list = new ArrayList<>(count.getValue());
        list.add(gid);
        for (int i = 0; i < count.getValue(); i++) {
            if (groups[i] != gid) {
                list.add(groups[i]);
            }
        }
        return List.copyOf(list);
    }

    /** The account this process runs as (its effective user). */
    static Account current() {
        int euid = Libc.geteuid();
        return user(euid).orElseGet(() -> new Account(String.valueOf(euid), euid, -1, "/", "/bin/sh"));
    }

    /**
     * Whether this process has supplementary groups ({@code Groups:} of {@code /proc/self/status}
     * not empty); true when that cannot be read, so that a child that must have none is still
     * cleared of them.
     */
    static boolean currentHasSupplementaryGroups() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Groups:")) {
                    return !line.substring("Groups:".length()).isBlank();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return true;
        }
        return true;
    }

    private static Optional<Account> account(Pointer passwd) {
        if (passwd == null) {
            return Optional.empty();
        }
        // glibc, LP64: pw_name 0, pw_passwd 8, pw_uid 16, pw_gid 20, pw_gecos 24, pw_dir 32, pw_shell 40
        return Optional.of(new Account(string(passwd, 0), passwd.getInt(16), passwd.getInt(20), string(passwd, 32),
                string(passwd, 40)));
    }

    private static String string(Pointer struct, long offset) {
        Pointer p = struct.getPointer(offset);
        return p == null ? "" : p.getString(0);
    }
}
