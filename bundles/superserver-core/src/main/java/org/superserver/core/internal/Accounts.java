package org.superserver.core.internal;

import com.sun.jna.Pointer;
import java.util.Optional;

/**
 * Looks up users and groups in the system's databases ({@code getpwnam(3)}, {@code getgrnam(3)},
 * so NSS sources count too). Those functions share static buffers, hence one lookup at a time.
 */
final class Accounts {

    /** One {@code struct passwd}, the fields a child's identity and environment need. */
    record Account(String name, int uid, int gid, String home, String shell) {
    }

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

    /** The account this process runs as (its effective user). */
    static Account current() {
        int euid = Libc.geteuid();
        return user(euid).orElseGet(() -> new Account(String.valueOf(euid), euid, -1, "/", "/bin/sh"));
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
