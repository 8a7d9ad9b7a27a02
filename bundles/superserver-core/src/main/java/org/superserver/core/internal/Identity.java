package org.superserver.core.internal;

import java.util.Optional;
import java.util.function.Function;
import org.superserver.core.internal.Accounts.Account;

/**
 * Whom a child runs as: a pure decision from the server's own account and the user and group a
 * definition (or an access policy's decision) names.
 *
 * <ul>
 *   <li>No user named: the server's own identity, no switch.</li>
 *   <li>The server runs as root ({@code euid 0}): the named user (and the named group, or else the
 *       user's primary group) with the user's supplementary groups; no switch when that is root
 *       with its primary group.</li>
 *   <li>The server runs as an ordinary user: the named user must be that same user (by name or
 *       uid), and a named group its primary group; anything else is refused, so a service never
 *       runs as the wrong user. This includes {@code root}: a server that is not root cannot
 *       serve a line that asks for root.</li>
 * </ul>
 *
 * @param account the account the child runs as (its HOME, USER, SHELL)
 * @param gid the group id the child runs as
 * @param switched whether the child must switch identity (uid or gid differ from the server's)
 * @param refusal why the service cannot be served, or {@code null}
 */
record Identity(Account account, int gid, boolean switched, String refusal) {

    static Identity refused(String why) {
        return new Identity(null, -1, false, why);
    }

    boolean isRefused() {
        return refusal != null;
    }

    /**
     * @param server the account the server runs as
     * @param user the user named, or {@code null}/empty for the server's own
     * @param group the group named, or {@code null}/empty for the user's primary group
     * @param users looks up a user by name
     * @param groups looks up a group id by name
     */
    static Identity decide(Account server, String user, String group, Function<String, Optional<Account>> users,
                           Function<String, Optional<Integer>> groups) {
        boolean namedGroup = group != null && !group.isBlank();
        Account target;
        if (user == null || user.isBlank()) {
            target = server;
        } else {
            Optional<Account> found = users.apply(user);
            if (found.isEmpty()) {
                return refused("user " + user + " does not exist (getpwnam found no entry)");
            }
            target = found.get();
        }
        int gid = target.gid();
        if (namedGroup) {
            Optional<Integer> found = groups.apply(group);
            if (found.isEmpty()) {
                return refused("group " + group + " does not exist (getgrnam found no entry)");
            }
            gid = found.get();
        }
        if (server.uid() == 0) {
            boolean same = target.uid() == 0 && gid == server.gid();
            return new Identity(target, gid, !same, null);
        }
        if (target.uid() != server.uid()) {
            return refused("the server runs as " + server.name() + " (uid " + server.uid() + "), not root, so it"
                    + " cannot run a server as user " + target.name() + "; run the superserver as root or name user "
                    + server.name());
        }
        if (gid != server.gid()) {
            return refused("the server runs as " + server.name() + ", not root, so it cannot switch to group "
                    + group + " (gid " + gid + ")");
        }
        return new Identity(target, gid, false, null);
    }
}
